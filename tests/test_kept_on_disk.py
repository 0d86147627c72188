"""A fold kept on disk (db/kept_on_disk.py) is used only for the same table versions and code."""
from __future__ import annotations

import os
from array import array

from db.kept_on_disk import KeptOnDisk, code_version

KEYS = frozenset({"fold:index:case_events.case_id", "fold:cases.activity"})
VERSIONS = [("case_events.1-1000", 7), ("case_events.1001-2000", 12)]


def project(tmp_path):
    root = tmp_path / "project"
    (root / "db").mkdir(parents=True)
    (root / "db" / "store.py").write_text("X = 1\n")
    (root / "app.py").write_text("")
    return root


def test_a_result_is_given_back_only_for_the_versions_it_was_built_from(tmp_path):
    kept = KeptOnDisk(tmp_path / "folds", KEYS, project(tmp_path))
    value = {3: array("q", [4, 9]), 5: ("2026-12-06T10:16:00", 45)}
    kept.put("index:case_events.case_id", VERSIONS, value)
    assert kept.get("index:case_events.case_id", VERSIONS) == value
    assert kept.get("index:case_events.case_id", [VERSIONS[0], ("case_events.1001-2000", 13)]) is None
    assert kept.get("index:case_events.case_id", VERSIONS[:1]) is None
    assert kept.get("cases.activity", VERSIONS) is None


def test_changed_code_makes_every_kept_result_stale(tmp_path):
    root = project(tmp_path)
    KeptOnDisk(tmp_path / "folds", KEYS, root).put("cases.activity", VERSIONS, {1: ("", 0)})
    assert KeptOnDisk(tmp_path / "folds", KEYS, root).get("cases.activity", VERSIONS) == {1: ("", 0)}
    before = code_version(root)
    source = root / "db" / "store.py"
    source.write_text("X = 2\n")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1_000_000))
    assert code_version(root) != before
    assert KeptOnDisk(tmp_path / "folds", KEYS, root).get("cases.activity", VERSIONS) is None
    changed = code_version(root)
    (root / "buurtbemiddeling" / "cases").mkdir(parents=True, exist_ok=True)
    (root / "buurtbemiddeling" / "cases" / "added.py").write_text("Y = 1\n")  # a new module, folders down
    assert code_version(root) != changed


def test_a_damaged_or_missing_file_is_a_miss_and_an_unwritable_folder_keeps_nothing(tmp_path):
    root = project(tmp_path)
    kept = KeptOnDisk(tmp_path / "folds", KEYS, root)
    assert kept.get("cases.activity", VERSIONS) is None
    kept.put("cases.activity", VERSIONS, {1: ("", 0)})
    (file,) = (tmp_path / "folds").iterdir()
    file.write_bytes(file.read_bytes()[:20])
    assert kept.get("cases.activity", VERSIONS) is None
    blocked = tmp_path / "file"
    blocked.write_text("")
    KeptOnDisk(blocked / "folds", KEYS, root).put("cases.activity", VERSIONS, {1: ("", 0)})  # no error
    assert KeptOnDisk(blocked / "folds", KEYS, root).get("cases.activity", VERSIONS) is None


def test_a_derived_value_is_kept_with_the_versions_of_every_table_its_build_read(tmp_path):
    """`ReadView.derived` in a process that serves one request: the next process (a new Store)
    takes the value from disk while every table the build read, each part of one kept in parts
    included, is at the same version; a change to any of them, in a part the build never asked
    for by name, makes it build again."""
    from db import Store

    root, built = project(tmp_path), []

    def fresh() -> Store:
        kept = KeptOnDisk(tmp_path / "folds", frozenset({"derived:pairs"}), root)
        return Store(tmp_path / "data", parts={"cases": 2}, one_request=True, kept_on_disk=kept)

    def pairs(view) -> dict[int, int]:
        built.append(1)
        return {case.doc_id: len(view.table("settings").all()) for case in view.table("cases")}

    with fresh().transaction() as tx:
        tx.table("cases").insert_multiple([{"n": i} for i in range(5)])  # parts 1-2, 3-4, 5-6
        tx.table("settings").insert({"x": 1})
    assert fresh().read().derived("pairs", pairs) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1} and len(built) == 1
    assert fresh().read().derived("pairs", pairs) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1} and len(built) == 1
    assert fresh().read().derived("other", pairs) and len(built) == 2, "a key not listed is never kept"
    with fresh().transaction() as tx:
        tx.table("cases").update({"n": 9}, doc_ids=[3])  # the middle part only
    assert fresh().read().derived("pairs", pairs) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1} and len(built) == 3
    assert fresh().read().derived("pairs", pairs) and len(built) == 3
    with fresh().transaction() as tx:
        tx.table("settings").insert({"x": 2})
    assert fresh().read().derived("pairs", pairs) == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2} and len(built) == 4
