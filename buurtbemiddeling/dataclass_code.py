"""The methods Python writes for each dataclass, compiled once and kept on disk for processes
that serve one request (CGI).

A dataclass is made when its module is imported: `dataclasses` writes the source of its
`__init__`, `__repr__`, `__eq__`, ... and compiles each with `exec`, 0.3 to 1 ms per class.
A CGI process makes some 50 of them for Vandaag or a case page (20 at start-up, 30 in the
areas the page reads): 40 ms of a 380 ms request, more than the page's own work.

`keep(folder)` hands `dataclasses` an `exec` that runs the code compiled for the same source
before: one file (marshal, the format of Python's own .pyc files and of Jinja's compiled
templates in the same cache folder) maps each source text to its code. The key is the source
text itself, so a changed class is compiled anew; the file's name carries the Python version
whose marshal format it holds. Only the `dataclasses` module's calls come here (its own name
`exec`); nothing else in the process changes.
"""
from __future__ import annotations

import atexit
import builtins
import dataclasses
import importlib.util
import marshal
import os
import sys
from pathlib import Path

MAX_KEPT = 2000  # sources; beyond that (many deploys of changed classes) the file starts again


def keep(folder: str | os.PathLike) -> dict[str, object]:
    """Run dataclasses' generated code kept in `folder` from now on. Returns the sources this
    process compiles anew (filled as classes are made), which are added to the file when the
    process ends."""
    path = Path(folder) / f"dataclasses.{sys.implementation.cache_tag}.{importlib.util.MAGIC_NUMBER.hex()}.marshal"
    kept = _read(path)
    compiled: dict[str, object] = {}

    def run(source, globals=None, locals=None):
        if type(source) is str:
            code = kept.get(source) or compiled.get(source)
            if code is None:
                code = compiled[source] = compile(source, "<string>", "exec")
            source = code
        return builtins.exec(source, globals, locals)

    dataclasses.exec = run  # shadows the builtin in that module only
    atexit.register(_write, path, kept, compiled)
    return compiled


def _read(path: Path) -> dict:
    try:
        kept = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return kept if isinstance(kept, dict) else {}


def _write(path: Path, kept: dict, compiled: dict) -> None:
    if not compiled:
        return
    everything = {**kept, **compiled} if len(kept) + len(compiled) <= MAX_KEPT else compiled
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(everything))
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
