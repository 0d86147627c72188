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
