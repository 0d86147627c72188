"""Table names have one home, common/tables.py: no other module of the programme writes
a table's name as a string, and every table a programme's store holds is listed there."""
from __future__ import annotations

import ast
from pathlib import Path

from buurtbemiddeling import demo
from common import tables
from db.parts import owner
from tests.source_tree import parsed

ROOT = Path(__file__).resolve().parent.parent
# db/ is the generic store (its migrations name tables as they were then); the home itself.
SOURCES = [p for d in ("buurtbemiddeling", "bench", "figures", "common", "forms", "sitebuilder")
           for p in (ROOT / d).rglob("*.py") if p != ROOT / "common" / "tables.py"]


def _strings(node: ast.AST):
    return [n for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def written_names(sources: list[Path]) -> list[str]:
    """Table names spelled out as a string: in a `.table("...")` call or a module-level constant."""
    found = []
    for path in sources:
        tree = parsed(path)
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "table":
                found += [f"{where}:{s.lineno} .table({s.value!r})" for s in _strings(node) if node.args and s is node.args[0]]
        for node in tree.body:  # NAME = "cases" or A, B = "cases", "reports"
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant | ast.Tuple):
                unpacked = isinstance(node.value, ast.Tuple) and isinstance(targets[0], ast.Tuple)
                values = node.value.elts if unpacked else [node.value]
                found += [f"{where}:{s.lineno} {s.value!r}" for s in values
                          if isinstance(s, ast.Constant) and s.value in tables.ALL]
    return found


def test_no_module_spells_out_a_table_name():
    assert written_names(SOURCES) == []


def test_the_inventory_finds_a_spelled_out_name(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text('CASES, X = "cases", 1\n\ndef f(view):\n    return view.table("reports").all()\n')
    assert sorted(written_names([stray])) == ["stray.py:1 'cases'", "stray.py:4 .table('reports')"]


def test_every_table_of_a_demo_programme_is_listed(app):
    store = app.extensions["store"]
    demo.fill(store)
    # a table kept in parts is a file per part, named by its range of ids (db/parts.py)
    on_disk = {owner(p.stem) for p in store.tables_dir.glob("*.json") if not p.name.startswith((".", "_"))}
    assert on_disk, "the demo wrote no tables"
    assert sorted(on_disk - tables.ALL) == []
