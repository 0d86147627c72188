"""The programme's own source as syntax trees, for the tests that inventory the code (who calls
the clock, who writes a duo, where table names are spelled out...). Parsing every module costs
seconds and a dozen of those tests each walk the whole package: one parse per file and process,
kept while the file is unchanged. The trees are shared, so a test only reads them."""
from __future__ import annotations

import ast
import functools
from pathlib import Path


def parsed(path: Path) -> ast.Module:
    """The syntax tree of `path` as it is on disk now."""
    stat = path.stat()
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=None)
def _parse(path: Path, mtime_ns: int, size: int) -> ast.Module:
    return ast.parse(path.read_text("utf-8"), str(path))
