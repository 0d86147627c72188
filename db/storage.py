"""Table files: JSON codec, stat-validated cache and crash-safe writes.

File format of ``<data_dir>/tables/<name>.json``: a regular TinyDB JSON file
holding exactly one table, stored under its own name::

    {"<name>": {"<doc_id>": {...document...}, ...}}

so ``TinyDB(path).table(name)`` can open a copy for debugging.  A missing
file is an empty table.  Files are only ever replaced whole (temp file +
``os.replace``), so a reader sees the old or the new version, never half.
"""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import orjson
from tinydb.table import Document

from .errors import StoreError
from .lazy import LazyTable, appended_chain, materialise

_DUMP_OPTS = orjson.OPT_NON_STR_KEYS
# The data is personal: on a shared host no other account may read it.
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def dumps(obj) -> bytes:
    try:
        # Without OPT_NON_STR_KEYS orjson is about a third faster; table keys are strings, and
        # a document with int keys somewhere inside still gets written, by the second try.
        return orjson.dumps(obj)
    except TypeError:
        return orjson.dumps(obj, option=_DUMP_OPTS)


def loads(data: bytes):
    return orjson.loads(data)


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def private_dir(path: Path) -> None:
    """Create the folder ``path`` (and missing parents) readable only by this account."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def fsync_dir(path: Path) -> None:
    # Makes the rename itself durable, not only the file contents.
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(path: Path, data: bytes) -> tuple[Path, tuple[int, int, int]]:
    """Write ``data`` to a fsynced temp file next to ``path``.

    Returns the temp path and the stat key the file will have once renamed.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        prev_mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        prev_mtime = 0
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        # A freed inode number can be reused by the next temp file and
        # coarse kernel timestamps can repeat, so force mtime_ns to grow:
        # the (ino, size, mtime_ns) cache key then always changes.
        mtime = max(prev_mtime + 1, os.fstat(fd).st_mtime_ns)
        os.utime(fd, ns=(mtime, mtime))
        os.fsync(fd)
        key = _stat_key(os.fstat(fd))
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    os.close(fd)
    return tmp, key


def atomic_write(path: Path, data: bytes, *, sync_dir: bool = True) -> tuple[int, int, int]:
    """Replace ``path`` with ``data`` atomically and durably; returns the stat key."""
    tmp, key = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    if sync_dir:
        fsync_dir(path.parent)
    return key


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def as_documents(table: dict, only: set | None = None) -> dict:
    """Turn a table's documents into TinyDB ``Document`` objects once, when a version is cached.

    Readers then iterate the cached documents instead of copying every one into a new
    ``Document`` on each ``all()`` (TinyDB's default): at 150,000 documents that copy alone
    costs a tenth of a second per call. Converts in place; ``only``: the doc ids that may
    still be plain dicts (those a transaction wrote).
    """
    for doc_id in table if only is None else [k for k in only if k in table]:
        doc = table[doc_id]
        if type(doc) is not Document:
            table[doc_id] = Document(doc, int(doc_id))
    return table


# Tables this big are moved out of the cyclic garbage collector's sight once parsed: its full
# collections walk every object, and with 150,000 events that made some requests 0.4 s slower.
# Parsed JSON holds no reference cycles; refcounting still frees an old version when replaced.
FREEZE_FROM = 1000


def _freeze() -> None:
    gc.collect(1)  # young garbage first, so no cycle is frozen with the table
    gc.freeze()


class TableCache:
    """Parsed table files, reused while (st_ino, st_size, st_mtime_ns) is unchanged.

    Returned dicts are shared by every reader in the process: callers must
    treat them (and the documents inside) as read-only. Tables named in ``lazy`` are kept as
    a ``LazyTable`` (db/lazy.py) when their file is in the line layout.
    """

    def __init__(self, lazy: frozenset[str] = frozenset()) -> None:
        self._entries: dict[Path, tuple[tuple[int, int, int], dict]] = {}
        self.lazy = lazy

    def load(self, path: Path, name: str) -> dict:
        return self.load_keyed(path, name)[1]

    def load_keyed(self, path: Path, name: str) -> tuple[tuple[int, int, int] | None, dict]:
        """The table and the stat key of the version it was parsed from (None: no file)."""
        try:
            key = _stat_key(os.stat(path))
        except FileNotFoundError:
            self._entries.pop(path, None)
            return None, {}
        entry = self._entries.get(path)
        if entry is not None and entry[0] == key:
            return entry
        try:
            fh = open(path, "rb")
        except FileNotFoundError:
            return None, {}
        # Key from the open file: it may have been replaced since stat().
        key = _stat_key(os.fstat(fh.fileno()))
        try:
            table = self._grown(entry, fh, key, path) if name in self.lazy else None
            if table is None:
                table = LazyTable.open(fh, name)
            if table is None:  # an older layout, or an empty table
                fh.seek(0)
                table = as_documents(_parse(fh.read(), path, name))
            elif name not in self.lazy:
                table = materialise(table)
        except BaseException as exc:
            fh.close()
            if isinstance(exc, ValueError):
                raise StoreError(f"table file {path} is damaged ({exc}); restore a backup") from exc
            raise
        if not isinstance(table, LazyTable):
            fh.close()
        entry = self._entries[path] = (key, table)
        if len(table) >= FREEZE_FROM and not isinstance(table, LazyTable):
            _freeze()
        return entry

    @staticmethod
    def _grown(entry, fh, key, path) -> LazyTable | None:
        """The new version from the kept one plus the lines another process appended, if it
        recorded that it only appended (db/lazy.py `record_append`)."""
        if entry is None or not isinstance(entry[1], LazyTable) or not len(entry[1]):
            return None
        if not appended_chain(path, entry[0], key):
            return None
        return entry[1].grown(fh, entry[0], key[1])

    def put(self, path: Path, key: tuple[int, int, int], table, changed: set | None = None) -> None:
        if not isinstance(table, LazyTable):
            table = as_documents(table, changed)
        self._entries[path] = (key, table)

    def drop(self, path: Path) -> None:
        self._entries.pop(path, None)

    def clear(self) -> None:
        self._entries.clear()


def _parse(raw: bytes, path: Path, name: str) -> dict:
    try:
        return loads(raw).get(name, {}) if raw else {}
    except (orjson.JSONDecodeError, AttributeError) as exc:
        raise StoreError(f"table file {path} is damaged ({exc}); restore a backup") from exc
