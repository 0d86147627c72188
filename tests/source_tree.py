"""The project's Python files parsed once per test process: the tests that read the code (the
clock inventory, audit paths, rule homes, table names, ...) share the trees, kept per file and
text, so a changed file is parsed again. Walk them; never change a tree."""
from __future__ import annotations

import ast
from pathlib import Path

_trees: dict[tuple[str, str], ast.Module] = {}


def parsed(path: Path) -> ast.Module:
    text = path.read_text(encoding="utf-8")
    key = (str(path), text)
    if key not in _trees:
        _trees[key] = ast.parse(text, str(path))
    return _trees[key]
