"""Table files: JSON codec, the generation-keyed cache and crash-safe writes.

File format of ``<data_dir>/tables/<name>.json``: a regular TinyDB JSON file
holding exactly one table, stored under its own name::

    {"<name>": {"<doc_id>": {...document...}, ...}}

so ``TinyDB(path).table(name)`` can open a copy for debugging.  A missing
file is an empty table.  Files are only ever replaced whole (temp file +
``os.replace``), never changed in place.

Generations (see db/store.py for the commit protocol): every commit has a number; a table's
generation is the number of the last commit that wrote it. ``tables/.generations`` holds
``{"commit": N, "tables": {name: generation}, "last": [names the last commit wrote]}`` and is
replaced last, as the commit point. Each version of a table is also linked as
``tables/.<name>.g<generation>.json`` (the same inode as ``<name>.json`` while it is current),
and readers open that name: a version's file never changes, and superseded versions stay a
while for readers still on an older state. The cache below is keyed on (table, generation),
never on the file's stat: on NFS or CIFS a same-size rewrite on a reused inode within the
timestamp resolution looks unchanged.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import orjson
from tinydb.table import Document

from .errors import StoreError
from .lazy import LazyTable, appended_chain, materialise, reparsed
from .parts import owner

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


def private_dir(path: Path) -> None:
    """Create the folder ``path`` (and missing parents) readable only by this account."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


# Whether writes wait for the disk. Always on, except in the test suite's own processes
# (tests/conftest.py): no test can cut the power, which is all fsync protects against (a killed
# process loses nothing either way: files are replaced whole), and on a shared disk waiting for
# it was most of the suite's time.
_durable = True


def set_durable(on: bool) -> None:
    global _durable
    _durable = on


def sync(fd: int) -> None:
    """fsync ``fd``, unless durability is off (see ``set_durable``)."""
    if _durable:
        os.fsync(fd)


def fsync_dir(path: Path) -> None:
    # Makes the rename itself durable, not only the file contents.
    if not _durable:
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a fsynced temp file next to ``path``; returns the temp path."""
    return write_temps([(path, data)])[0]


def write_temps(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write each ``data`` to a temp file next to its ``path``, then wait for the disk once for
    all of them: their fsyncs run at the same time, which the file system serves with one
    journal commit (on ext4 here three files took 1,2 ms so, 6,4 ms one after the other).
    Returns the temp paths; on an error none is left."""
    written: list[tuple[Path, int]] = []
    try:
        for path, data in files:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
            written.append((tmp, fd))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        sync_all([fd for _, fd in written])
    except BaseException:
        for tmp, fd in written:
            os.close(fd)
            _unlink_quietly(tmp)
        raise
    for _, fd in written:
        os.close(fd)
    return [tmp for tmp, _ in written]


def sync_all(fds: list[int]) -> None:
    """fsync every descriptor, all at once (one helper thread per descriptor but the last);
    raises the first error after all have finished."""
    if not _durable or not fds:
        return
    errors: list[BaseException] = []

    def one(fd: int) -> None:
        try:
            os.fsync(fd)
        except BaseException as exc:  # reported by the caller's thread
            errors.append(exc)

    helpers = [threading.Thread(target=one, args=(fd,), name="fsync") for fd in fds[:-1]]
    for helper in helpers:
        helper.start()
    one(fds[-1])
    for helper in helpers:
        helper.join()
    if errors:
        raise errors[0]


def atomic_write(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically and durably."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    if sync_dir:
        fsync_dir(path.parent)


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


# A worker keeps tables and the values built on them that are not frozen (folds of every case's
# ids, rankings, the lists of the day): at five years of cases some 110,000 objects that every
# full collection walks, 20 to 35 ms each; with Python's thresholds one came every 15 or so pages
# after writes, a page's own work doubled. Tenfold fewer; the same peak memory in that run, the
# garbage they free being rare (parsed data holds no cycles).
FULL_COLLECTION_EVERY = 100  # collections of the middle generation between two full ones (Python: 10)


def serve_many_requests() -> None:
    """A process that serves request after request (a WSGI or Passenger worker): fewer full collections."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


def version_path(tables_dir: Path, name: str, generation: int) -> Path:
    """The file of one version of a table; it never changes once written."""
    return tables_dir / f".{name}.g{generation}.json"


VERSIONS_IN_MEMORY = 2  # per table: the current one, and the one a view pinned just before a commit


class TableCache:
    """Parsed table versions, keyed by (table, generation); the newest few per table are kept.

    Returned dicts are shared by every reader in the process: callers must treat them (and
    the documents inside) as read-only. Tables named in ``lazy`` are kept as a ``LazyTable``
    (db/lazy.py) when their file is in the line layout.
    """

    def __init__(self, tables_dir: Path, lazy: frozenset[str] = frozenset(), share_strings: bool = True) -> None:
        self.tables_dir = tables_dir
        self._entries: dict[str, dict[int, dict]] = {}  # name -> {generation: table}, oldest first
        self.lazy = lazy
        self.share_strings = share_strings  # False in a process that serves one request (CGI)
        self._unfrozen = 0  # documents parsed with freeze=False since the last freeze
        # Told (name, generation, table) when a version leaves memory to make room for newer ones.
        self.leaving: Callable[[str, int, Mapping], None] | None = None

    def load(self, name: str, generation: int | None, freeze: bool = True, share: bool = False) -> dict:
        """The table at ``generation`` (None: the table does not exist, so empty).

        Raises FileNotFoundError when that version's file was cleaned up (db/store.py).
        ``freeze=False``: the caller loads several parts and calls ``freeze_new`` once after.
        ``share``: share its short strings even if it is a new version of one held already.
        """
        if generation is None:
            return {}
        versions = self._entries.get(name)
        if versions is not None and generation in versions:
            return versions[generation]
        path = version_path(self.tables_dir, name, generation)
        lazy = owner(name) in self.lazy  # a part of a lazy table is read as lazily
        fh = open(path, "rb")
        try:
            table = self._grown(name, versions, fh, generation) if lazy else None
            if table is None:
                table = LazyTable.open(fh, name)
            if table is None:  # an older layout, or an empty table
                fh.seek(0)
                table = as_documents(_parse(fh.read(), path, name))
            elif not lazy:
                # A new version of a table or part this process holds already is a change (one
                # part, in every worker, after each write): parsed as is, without sharing its
                # strings, which cost ten times the parse. The first read shares them, and so
                # does a read of many changed parts at once (a retention run's, an import's),
                # unless the process ends after one request: its memory is not worth that walk.
                shared = self.share_strings and (share or not versions)
                table = (None if shared else self._reparsed(name, versions, table)) or materialise(table, shared)
        except BaseException as exc:
            fh.close()
            if isinstance(exc, ValueError):
                raise StoreError(f"table file {path} is damaged ({exc}); restore a backup") from exc
            raise
        if not isinstance(table, LazyTable):
            fh.close()
        self._keep(name, generation, table)
        if not isinstance(table, LazyTable):
            self._unfrozen += len(table)
            if freeze:
                self.freeze_new()
        return table

    def for_writing(self, name: str, generation: int | None):
        """The version of a part a transaction builds on: the parsed one if it is kept, else the
        file's lines, unparsed and not kept (a ``LazyTable``, as a lazy table's).

        Another process's commit leaves the newest parts of reports and the outbox unparsed here;
        parsing them under the data lock was most of a public post's time there (8 writers:
        each post found them changed). The transaction reads only the documents it asks for and
        appends to the lines; the next reader parses the new version, outside the lock."""
        if generation is None or owner(name) in self.lazy or owner(name) == name:
            return self.load(name, generation)
        versions = self._entries.get(name)
        if versions is not None and generation in versions:
            return versions[generation]
        path = version_path(self.tables_dir, name, generation)
        fh = open(path, "rb")
        try:
            table = LazyTable.open(fh, name)
        except BaseException:
            fh.close()
            raise
        if table is None:  # an older layout, or an empty part
            fh.close()
            return self.load(name, generation)
        return table

    def freeze_new(self) -> None:
        """Freeze what was parsed since the last freeze, if that is a big table's worth."""
        if self._unfrozen >= FREEZE_FROM:
            _freeze()
        self._unfrozen = 0

    def _grown(self, name: str, versions: dict | None, fh, generation: int) -> LazyTable | None:
        """The new version from the newest kept one plus the lines another process appended, if
        it recorded that it only appended (db/lazy.py `record_append`)."""
        if not versions:
            return None
        old_generation, old = next(reversed(versions.items()))
        if not isinstance(old, LazyTable) or not len(old):
            return None
        if not appended_chain(self.tables_dir / f"{name}.json", old_generation, generation):
            return None
        return old.grown(fh, old_generation, os.fstat(fh.fileno()).st_size)

    def _reparsed(self, name: str, versions: dict | None, table: LazyTable) -> dict | None:
        """The new version ``table`` of a table or part held already, parsed only where its lines
        differ from the newest held version's (db/lazy.py `reparsed`); None when that version's
        file is gone (cleaned up) or not in the line layout."""
        if not versions:
            return None
        old_generation, old = next(reversed(versions.items()))
        if isinstance(old, LazyTable) or not old:
            return None
        try:
            before = version_path(self.tables_dir, name, old_generation).read_bytes()
        except FileNotFoundError:
            return None
        return reparsed(table, before, old)

    def kept(self, name: str, generation: int | None):
        """The table at ``generation`` if it is in memory (never read from disk), else None."""
        if generation is None:
            return {}
        return self._entries.get(name, {}).get(generation)

    def _keep(self, name: str, generation: int, table) -> None:
        versions = self._entries.setdefault(name, {})
        versions[generation] = table
        for old in sorted(versions)[:-VERSIONS_IN_MEMORY]:
            leaving = versions.pop(old)
            if self.leaving is not None:
                self.leaving(name, old, leaving)

    def put(self, name: str, generation: int, table, changed: set | None = None) -> None:
        if not isinstance(table, LazyTable):
            table = as_documents(table, changed)
        self._keep(name, generation, table)

    def drop(self, name: str) -> None:
        self._entries.pop(name, None)

    def clear(self) -> None:
        self._entries.clear()


def _parse(raw: bytes, path: Path, name: str) -> dict:
    try:
        return loads(raw).get(name, {}) if raw else {}
    except (orjson.JSONDecodeError, AttributeError) as exc:
        raise StoreError(f"table file {path} is damaged ({exc}); restore a backup") from exc
