"""Folds and per-part values kept on disk for processes that serve one request (CGI).

A worker keeps what `ReadView.fold` built (a case's events by case, each case's latest
activity) in memory for the next request; a CGI process ends after one, so each page
parsed the whole timeline again (17,600 events at M: 90 ms for the index, 50 ms for the
activity) and every part of the cases for the running cases and the duplicates. Here a
fold's result, a ``ReadView.summed`` total, a ``ReadView.parted`` value per part and a
``ReadView.derived`` value is written to one file per key in the instance's cache folder, with
what it was built from:

* the versions of the table's files, ``[(stored name, generation)]`` (a part of a table kept
  in parts is a file of its own); of a derived value, those of every table its build read. A version's file never changes and generations are never
  reused, so equal versions mean equal documents;
* the code: the paths, sizes and modification times of the project's Python files, so a
  deploy makes every kept result stale.

A result is used only when both are equal to what the reader has now; otherwise it is built
again and the file replaced (atomically). A missing, damaged or unreadable file is a miss.
Only the values ``keys`` names are kept (``"fold:<key>"``, ``"summed:<key>"``,
``"parted:<key>"``, ``"derived:<key>"``): values of ids, counts, steps and moments, never a
name, an address or a document. A file outlives the data it was built from until the next request replaces it, and
what is erased on request or after its retention period must not stay on disk.

The files hold pickles: the app writes them in its own instance folder (0700), as the
compiled templates next to them, and reads nothing anyone else wrote.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("app.py", "common", "db", "buurtbemiddeling")  # what a fold's result can depend on


def code_version(root: Path = ROOT) -> str:
    """A digest of the project's Python files as they are now (path, size, modification time).

    Worked out by every CGI process that reads a kept value: os.walk and os.stat on strings,
    which cost less than half of pathlib's rglob and stat for the same files."""
    digest = hashlib.sha256()
    for top in CODE:
        base = os.path.join(root, top)
        if os.path.isfile(base):
            found = [top]
        else:
            found = []
            for folder, subfolders, files in os.walk(base):
                subfolders[:] = [name for name in subfolders if name != "__pycache__"]
                relative = os.path.relpath(folder, root)
                found += [os.path.join(relative, name) for name in files if name.endswith(".py")]
            found.sort()
        for file in found:
            stat = os.stat(os.path.join(root, file))
            digest.update(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class KeptOnDisk:
    """Values kept in ``folder``, one file per key, each with the versions it was built from;
    ``keys``: the values that may be kept (see above)."""

    def __init__(self, folder: str | os.PathLike, keys: frozenset[str], root: Path = ROOT, code: str | None = None) -> None:
        """``code``: the version of the code the values depend on, when the caller knows a cheaper
        one than a digest of every Python file of the project (which is worked out when needed)."""
        self.folder, self.keys, self.root = Path(folder), frozenset(keys), root
        self._code: str | None = code

    @property
    def code(self) -> str:
        if self._code is None:  # worked out once per process, on the first fold
            self._code = code_version(self.root)
        return self._code

    def _path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".pickle")

    def get(self, key: str, versions: list[tuple[str, int | None]]):
        """The result kept for ``key`` if it was built from exactly ``versions`` by this code, else None."""
        kept = self.load(key)
        return kept[1] if kept is not None and kept[0] == versions else None

    def load(self, key: str) -> tuple[list, object] | None:
        """``(versions, result)`` kept for ``key`` by this code, whatever versions it was built
        from (the caller compares them: ``ReadView.derived`` learns what a build read only by
        building it), else None."""
        try:
            with open(self._path(key), "rb") as fh:
                kept_key, code, kept_versions, value = pickle.load(fh)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError, AttributeError, ImportError):
            return None
        if kept_key != key or code != self.code:
            return None
        return kept_versions, value

    def put(self, key: str, versions: list[tuple[str, int | None]], value) -> None:
        """Keep ``value`` for ``key``; a folder that cannot be written, or a value pickle cannot
        hold, keeps nothing (the next request builds it again, as without this cache)."""
        path = self._path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                pickle.dump((key, self.code, versions, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            try:
                tmp.unlink()
            except OSError:
                pass
