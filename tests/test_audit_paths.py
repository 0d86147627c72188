"""A change and its audit entry are written in the same commit, through one path: `store.audit()`
called inside the change's transaction joins that commit (db/store.py). This inventory walks
every `.audit(` call in the programme: one for an action that changes data must be made inside a
`with ... transaction()` block (an action computed at run time counts as a change)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from db import Store
from tests.source_tree import parsed

ROOT = Path(__file__).resolve().parent.parent
# Entries about reading, an attempt or a build, with no data change to go with them (a refused
# portal answer writes nothing; the refusal is what is recorded).
READING = {"view", "export", "download", "handover", "privacy.search", "privacy.export", "login.failed",
           "login.throttled", "site.build", "eligibility.refused"}


def audit_calls() -> list[tuple[str, str, str, bool]]:
    """(file, function, action, inside a transaction block) for every `.audit(` call."""
    found = []
    for path in sorted((ROOT / "buurtbemiddeling").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()

        def visit(node, in_tx: bool, function: str) -> None:
            if isinstance(node, ast.With):
                opens = any(isinstance(item.context_expr, ast.Call) and isinstance(item.context_expr.func, ast.Attribute)
                            and item.context_expr.func.attr == "transaction" for item in node.items)
                for child in node.body:
                    visit(child, in_tx or opens, function)
                return
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for child in node.body:
                    visit(child, False, node.name)
                return
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("audit",
                                                                                                  "audit_while"):
                action = node.args[1] if len(node.args) > 1 else None
                name = action.value if isinstance(action, ast.Constant) else "?"
                found.append((rel, function, name, in_tx))
            for child in ast.iter_child_nodes(node):
                visit(child, in_tx, function)

        visit(parsed(path), False, "")
    return found


def test_every_audited_change_writes_its_entry_in_the_change_s_commit():
    calls = audit_calls()
    assert len(calls) > 80  # the walk does find the programme's calls
    outside = sorted({(rel, function, action) for rel, function, action, in_tx in calls
                      if not in_tx and action not in READING})
    assert not outside, "audited after the transaction (move store.audit() inside it):\n" + "\n".join(map(str, outside))


def test_an_entry_made_inside_a_transaction_is_written_with_its_change_or_not_at_all(tmp_path):
    store = Store(tmp_path / "data")
    with store.transaction() as tx:
        tx.table("cases").insert({"n": 1})
        store.audit("1", "case.create", "case:1")
        assert store.audit_entries() == []  # not before the commit
    assert [e["action"] for e in store.audit_entries()] == ["case.create"]
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.table("cases").insert({"n": 2})
            store.audit("1", "case.create", "case:2")
            raise RuntimeError("the change failed")
    assert [e["record"] for e in store.audit_entries()] == ["case:1"]
    assert len(store.read().table("cases")) == 1


def test_entries_of_the_same_moment_come_newest_first_like_the_rest(tmp_path, clock):
    """A fixed clock, or one commit's several entries, give entries the same moment: the log still
    lists the last one written first, as it does for entries of different moments."""
    store = Store(tmp_path / "data")
    for action in ("case.create", "case.edit", "privacy.search"):
        store.audit("1", action, "case:1")
    clock.advance(minutes=1)
    store.audit("1", "case.view", "case:1")
    assert [e["action"] for e in store.audit_entries()] == ["case.view", "privacy.search", "case.edit", "case.create"]


def test_entries_of_a_commit_cut_off_before_they_were_written_are_written_by_the_next_transaction(tmp_path,
                                                                                               monkeypatch):
    store = Store(tmp_path / "data")
    monkeypatch.setattr(store._audit_log, "write", lambda entries: (_ for _ in ()).throw(KeyboardInterrupt()))
    monkeypatch.setattr(store, "_recover", lambda: None)  # the process dies before it could finish
    with pytest.raises(KeyboardInterrupt):
        with store.transaction() as tx:
            tx.table("cases").insert({"n": 1})
            store.audit("1", "case.create", "case:1")
    other = Store(tmp_path / "data")  # the next process
    assert len(other.read().table("cases")) == 1
    assert [e["record"] for e in other.audit_entries()] == ["case:1"]
    with other.transaction() as tx:
        tx.table("cases").insert({"n": 2})
    assert [e["record"] for e in other.audit_entries()] == ["case:1"]  # once, not again


def test_a_view_s_entry_written_while_the_page_is_made_is_on_disk_when_the_block_ends(tmp_path, monkeypatch):
    """`audit_while`: a helper thread appends and fsyncs the entry while the page renders; the
    page is handed on only after it, with the programme's clock of the caller."""
    from common import clock

    store = Store(tmp_path / "data")
    with clock.using(clock.FixedClock("2026-12-06T10:16:00+01:00")):
        with store.audit_while("1", "view", "case:7") as entry:
            page = "<h1>Zaak</h1>"
        assert [(e["action"], e["record"]) for e in Store(tmp_path / "data").audit_entries()] == [("view", "case:7")]
    assert entry["at"].startswith("2026-12-06T09:16:00") and page

    monkeypatch.setattr(store._audit_log, "write", lambda entries: (_ for _ in ()).throw(OSError("schijf vol")))
    made = []
    with pytest.raises(OSError, match="schijf vol"):
        with store.audit_while("1", "view", "case:8"):
            made.append("page")
    assert made == ["page"], "the error is raised after the block: no page is answered without its entry"
    monkeypatch.undo()

    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.table("cases").insert({"n": 1})
            with store.audit_while("1", "view", "case:9"):
                pass
            raise RuntimeError("the change failed")
    assert [e["record"] for e in store.audit_entries()] == ["case:7"], "inside a transaction: with its commit only"
