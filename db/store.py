"""Multi-process safe TinyDB store (one JSON file per table).

Why: TinyDB alone is not safe with several worker processes (tinydb issues
#72, #341, #529).  This module adds:

* one cross-process ``FileLock`` (``<data_dir>/.lock``) around each whole
  read-modify-write ``transaction()``;
* one file per table (``tables/<name>.json``, format in ``db/storage.py``);
  a transaction buffers its writes and on success replaces only the files
  that changed, atomically (temp + fsync + ``os.replace`` + fsync dir).
  A commit touching several files goes through ``tables/.journal`` so a
  crash between the renames is rolled forward by the next transaction;
* an in-process cache of parsed files, reused while the file's stat is
  unchanged, so a read costs one ``stat``;
* fresh TinyDB ``Table`` objects (``cache_size=0``) per view/transaction, so
  neither TinyDB's query cache nor its cached ``_next_id`` can go stale
  across processes.

Read views are lock-free snapshots: ``view.table(name)`` loads the table
once (one ``stat``) and keeps using it.  Returned documents are shared by
all readers in the process: never mutate them (copy with ``dict(doc)``).
Inside a transaction, documents are shallow-copied before TinyDB's
``update()`` mutates them, so readers never see uncommitted changes; an
update *callable* must still not mutate nested values in place.

Commits of several tables are atomic for writers (journal), but lock-free
readers in other processes may briefly see one table new and another old.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from itertools import islice
from pathlib import Path
from typing import TypeVar

from tinydb.storages import Storage
from tinydb.table import Document, Table

from .audit import AuditLog
from .counters import Counters
from .errors import StoreError
from .locking import ProcessLock
from .lazy import TAIL, Grouped, LazyTable, Overlay, dumps_lines, line, record_append
from .lazy import head as lazy_head
from .storage import TableCache, _stat_key, _unlink_quietly, atomic_write, dumps, fsync_dir, loads, write_temp

T = TypeVar("T")
_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
META_TABLE = "_meta"


def _check_name(name: str) -> str:
    # Table names become file names: no path separators or dot files.
    if not isinstance(name, str) or not _NAME_RE.match(name) or name.endswith(".json"):
        raise StoreError(f"invalid table name: {name!r}")
    return name


class _TableStorage(Storage):
    """TinyDB storage for one table of a view or transaction."""

    def __init__(self, owner: ReadView | Transaction, name: str) -> None:
        self._owner = owner
        self._name = name

    def read(self) -> dict:
        # A fresh outer dict: TinyDB assigns into it, never into the cache.
        return {self._name: self._owner._table_data(self._name)}

    def write(self, data: dict) -> None:
        self._owner._write_table(self._name, data[self._name])


class _ReadOnlyTable(Table):
    def _update_table(self, updater) -> None:
        # Refuse before TinyDB's updater mutates shared cached documents.
        raise StoreError(f"table {self.name!r} is read-only here; use store.transaction()")

    def __iter__(self) -> Iterator[Document]:
        # The cache holds Documents already (storage.as_documents): hand them out instead of
        # copying each one, which made every all() cost O(size of the table) in copies.
        data = self._read_table()
        if self._storage._owner._tx is None:
            return iter(data.values())  # a cached version: all Documents, never changed
        return (doc if type(doc) is Document else Document(doc, int(doc_id)) for doc_id, doc in data.items())

    def all(self) -> list[Document]:
        return list(iter(self))


class _WorkingTable(MutableMapping):
    """The table given to TinyDB updaters inside a transaction.

    TinyDB's updaters speak int doc ids; the transaction's working copy of the table is the
    str-keyed dict of the file, shallow-copied once per transaction (not once per insert:
    rebuilding the whole table per operation made a write cost O(table size) twice over).
    Documents are shared with readers and TinyDB's update() changes them in place, so each
    is copied on first access.
    """

    def __init__(self, data: dict, owned: set) -> None:
        self._data = data
        self._owned = owned  # str doc ids already private to this transaction

    def __getitem__(self, doc_id):
        key = str(doc_id)
        doc = self._data[key]
        if key not in self._owned:
            doc = self._data[key] = dict(doc)
            self._owned.add(key)
        return doc

    def __setitem__(self, doc_id, doc) -> None:
        key = str(doc_id)
        self._owned.add(key)
        self._data[key] = doc

    def __delitem__(self, doc_id) -> None:
        del self._data[str(doc_id)]

    def __contains__(self, doc_id) -> bool:
        return str(doc_id) in self._data

    def __iter__(self):
        return map(int, self._data)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()


class _TxTable(Table):
    def _update_table(self, updater) -> None:
        # As tinydb.Table._update_table, on the transaction's own copy of the table.
        owner = self._storage._owner
        updater(_WorkingTable(owner._working_copy(self.name), owner._owned.setdefault(self.name, set())))
        self.clear_cache()

    def _get_next_id(self) -> int:
        # TinyDB parses every key to find the highest id; the transaction keeps it per file version.
        if self._next_id is None:
            self._next_id = self._storage._owner._max_id(self.name) + 1
        next_id = self._next_id
        self._next_id += 1
        return next_id


class ReadView:
    """Lock-free read access; every table is a snapshot taken at first use."""

    def __init__(self, store: Store, tx: Transaction | None = None) -> None:
        self._store = store
        self._tx = tx  # inside a transaction: see its uncommitted writes
        self._snapshots: dict[str, dict] = {}
        self._keys: dict[str, tuple | None] = {}  # stat key of each snapshot, for derived()

    def table(self, name: str) -> Table:
        # A new Table each time: a view that kept its tables would be a reference cycle
        # (view -> table -> storage -> view), and its snapshots, open lazy files included,
        # would outlive the request until a full garbage collection.
        return _ReadOnlyTable(_TableStorage(self, name), _check_name(name), cache_size=0)

    def derived(self, key: str, tables: tuple[str, ...], build: Callable[[ReadView], T]) -> T:
        """``build(self)`` computed once per version of ``tables`` and kept in the process.

        For indexes and summaries over big tables (a case's timeline out of 150,000 events):
        the result is reused while none of the named table files changed (their stat keys),
        so it costs one stat per table. ``build`` must read only the named tables and its
        result, shared by all readers, must be treated as read-only. Inside a transaction
        nothing is cached: the uncommitted writes are part of what is built.
        """
        if self._tx is not None:
            return build(self)
        versions = tuple(self._version(name) for name in tables)
        hit = self._store._derived.get(key)
        if hit is not None and hit[0] == versions:
            return hit[1]
        value = build(self)
        self._store._derived[key] = (versions, value)
        return value

    def index(self, table: str, field: str) -> dict:
        """``{value: [documents with doc[field] == value]}`` in table order, kept per version.
        Of a lazy table only the ids are kept, and the documents read when asked for."""
        data = self._table_data(table)
        if not isinstance(data, LazyTable):
            return self.derived(f"index:{table}.{field}", (table,), lambda view: _group(view.table(table), field))

        def add(ids: dict, doc) -> None:
            value = doc.get(field)
            ids[value] = ids.get(value, ()) + (doc.doc_id,)

        return Grouped(data, self.fold(f"index:{table}.{field}", table, add))

    def fold(self, key: str, table: str, add: Callable[[dict, Document], None]) -> dict:
        """A dict built by ``add(acc, doc)`` over the table's documents in order, kept per version.

        A version this process made by appending to the version of the kept result (at once or
        over several commits) continues from a copy of it with only the new documents: after a
        note, one event is folded in, not 183,000. So ``add`` may set keys of ``acc`` but never
        change a value in place.
        """
        if self._tx is not None:
            acc: dict = {}
            for doc in self.table(table):
                add(acc, doc)
            return acc
        data = self._table_data(table)
        versions = (self._version(table),)
        hit = self._store._derived.get(key)
        if hit is not None and hit[0] == versions:
            return hit[1]
        grown = getattr(data, "lineage", {}).get(hit[0][0]) if hit is not None else None
        if grown is not None:
            acc, docs = dict(hit[1]), data.values(start=grown)
        else:
            acc, docs = {}, iter(self.table(table))
        for doc in docs:
            add(acc, doc)
        self._store._derived[key] = (versions, acc)
        return acc

    def mapped(self, key: str, table: str, fn: Callable[[Document], T]) -> dict[int, T]:
        """``{doc_id: fn(doc)}``, kept per version of ``table``. After a commit only the changed
        documents are computed again: a commit copies what it changes, so a document that is
        the same object as last time is unchanged (documents are never changed in place)."""
        def build(view) -> dict[int, T]:
            previous = self._store._mapped.get(key, {})
            current = {}
            for doc in view.table(table):
                hit = previous.get(doc.doc_id)
                current[doc.doc_id] = hit if hit is not None and hit[0] is doc else (doc, fn(doc))
            self._store._mapped[key] = current
            return {doc_id: value for doc_id, (_, value) in current.items()}

        return self.derived(f"mapped:{key}", (table,), build)

    def _version(self, name: str):
        self._table_data(name)  # take the snapshot first, so the key and the data agree
        return self._keys.get(name)

    def _table_data(self, name: str) -> dict:
        if self._tx is not None:
            return self._tx._table_data(name)
        data = self._snapshots.get(name)
        if data is None:
            self._keys[name], data = self._store._cache.load_keyed(self._store._path(name), name)
            self._snapshots[name] = data
        return data

    def _write_table(self, name: str, data: dict) -> None:
        raise StoreError("a read view cannot write; use store.transaction()")


class Transaction:
    """Writes buffered in memory, committed by ``Store.transaction()``."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._base: dict[str, dict] = {}  # table data as loaded
        self._working: dict[str, dict] = {}  # table data written in this tx
        self._base_keys: dict[str, tuple | None] = {}  # stat key of each loaded table
        self._owned: dict[str, set] = {}  # str doc ids copied or written, per table
        self._tables: dict[str, Table] = {}
        self._dropped: set[str] = set()  # tables whose file the commit removes (replace_all)
        self._failed = False
        self._closed = False

    @property
    def store(self) -> Store:
        return self._store

    def table(self, name: str) -> Table:
        self._check_open()
        table = self._tables.get(name)
        if table is None:
            # One Table per name, so its _next_id stays consistent within the tx.
            _check_name(name)
            table = _TxTable(_TableStorage(self, name), name, cache_size=0)
            self._tables[name] = table
        return table

    def derived(self, key: str, tables: tuple[str, ...], build: Callable[[Transaction], T]) -> T:
        """As ``ReadView.derived``, never cached: a transaction sees its own writes."""
        return build(self)

    def index(self, table: str, field: str) -> dict:
        return _group(self.table(table), field)

    def mapped(self, key: str, table: str, fn: Callable[[Document], T]) -> dict[int, T]:
        return {doc.doc_id: fn(doc) for doc in self.table(table)}

    def fold(self, key: str, table: str, add: Callable[[dict, Document], None]) -> dict:
        return self.read().fold(key, table, add)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("transaction is already finished")

    def _table_data(self, name: str) -> dict:
        self._check_open()
        data = self._working.get(name)
        if data is None:
            data = self._base.get(name)
            if data is None:
                self._base_keys[name], data = self._store._cache.load_keyed(self._store._path(name), name)
                self._base[name] = data
        return data

    def _write_table(self, name: str, data: dict) -> None:
        self._check_open()
        self._working[name] = data

    def _working_copy(self, name: str) -> dict:
        """This transaction's own copy of a table: the cached documents stay shared until changed."""
        self._check_open()
        data = self._working.get(name)
        if data is None:
            base = self._table_data(name)
            data = self._working[name] = Overlay(base) if isinstance(base, LazyTable) else dict(base)
        return data

    def _max_id(self, name: str) -> int:
        base_key = self._base_keys.get(name)
        if name not in self._base:
            self._table_data(name)
            base_key = self._base_keys.get(name)
        cache = self._store._max_ids
        hit = cache.get(name)
        if hit is None or hit[0] != base_key or base_key is None:
            base = self._base[name]
            hit = cache[name] = (base_key, base.max_id() if isinstance(base, LazyTable) else max(map(int, base), default=0))
        # Documents written in this transaction may carry their own (higher) ids.
        touched = [int(k) for k in self._owned.get(name, ()) if k in self._working.get(name, {})]
        return max([hit[1], *touched])

    def replace_all(self, tables: dict[str, dict]) -> None:
        """Make the store hold exactly ``tables`` ({name: {str doc id: document}}) at commit, as
        one all-or-nothing commit; the live files are not read, so damaged ones are replaced too
        (a restore)."""
        self._check_open()
        for name in tables:
            _check_name(name)
        current = {p.stem for p in self._store.tables_dir.glob("*.json") if not p.name.startswith(".")}
        for name in current | set(self._working) | set(tables):
            self._base[name], self._base_keys[name] = {}, None  # as if the table started empty
            self._tables.pop(name, None)
            self._working.pop(name, None)
            self._owned[name] = set()
            if name in tables:
                self._working[name] = dict(tables[name])
                self._owned[name] = set(tables[name])
            else:
                self._dropped.add(name)

    def _commit(self) -> None:
        store = self._store
        files = [(store._path(n), self._serialise(n, d), n) for n, d in self._working.items()]
        drops = [store._path(n) for n in sorted(self._dropped) if n not in self._working]
        if not files and not drops:
            return
        temps, opened, journal = [], {}, None
        try:
            for path, data, name in files:
                tmp, key = write_temp(path, data)
                temps.append((path, tmp, key, name, data))
                if name in store.lazy:
                    # Opened before the rename: the new version's inode, whoever replaces the path next.
                    opened[name] = open(tmp, "rb")
                    working = self._working[name]
                    if isinstance(working, Overlay) and working.only_appended and self._base_keys.get(name):
                        record_append(path, self._base_keys[name], key)
            if len(temps) + len(drops) > 1:
                # "" as the source: the file is removed.
                steps = [[str(tmp), str(path)] for path, tmp, *_ in temps] + [["", str(path)] for path in drops]
                atomic_write(store.tables_dir / ".journal", dumps(steps))
                journal = store.tables_dir / ".journal"
            for path, tmp, *_ in temps:
                os.replace(tmp, path)
            for path in drops:
                path.unlink(missing_ok=True)
            fsync_dir(store.tables_dir)
            if journal is not None:
                os.unlink(journal)
        except BaseException:
            for fh in opened.values():
                fh.close()
            if journal is None:  # with a journal, the next transaction finishes the commit
                for _, tmp, *_ in temps:
                    _unlink_quietly(tmp)
            raise
        for path, _, key, name, data in temps:
            self._cached(name, path, key, data, opened.get(name))
        for path in drops:
            store._cache.drop(path)

    def _serialise(self, name: str, data: dict) -> bytes:
        """The table file's new contents, one document per line (db/lazy.py).

        When the transaction only added documents (a timeline entry, a report), the file is
        the old file with them appended: serialising 150,000 unchanged events again was most
        of the cost of adding one. A lazy table copies its unchanged lines. Otherwise, and
        whenever the old file is not as we wrote it, the whole table is serialised.
        """
        if isinstance(data, Overlay):
            return data.dumps()
        base, owned = self._base.get(name), self._owned.get(name, set())
        new = [k for k in owned if k in data]
        if base is None or not new or any(k in base for k in owned) or len(data) != len(base) + len(new):
            return dumps_lines(name, data)
        path = self._store._path(name)
        try:
            with open(path, "rb") as fh:
                if _stat_key(os.fstat(fh.fileno())) != self._base_keys.get(name):
                    return dumps_lines(name, data)
                old = fh.read()
        except FileNotFoundError:
            return dumps_lines(name, data)
        if not old.startswith(lazy_head(name)) or not old.endswith(TAIL):
            return dumps_lines(name, data)
        added_keys = list(islice(reversed(data), len(new)))[::-1]  # inserts come last, in order
        if set(added_keys) != set(new):
            return dumps_lines(name, data)
        added = b",\n".join(line(key, data[key]) for key in added_keys)
        # One copy of the old bytes, not three (slicing and adding bytes each copy 40 MB).
        return b"".join((memoryview(old)[:len(old) - len(TAIL)], b",\n", added, TAIL))

    def _cached(self, name: str, path: Path, key: tuple, data: bytes, fh=None) -> None:
        """Keep the committed version (and its highest id, if known) for the next reader."""
        store = self._store
        working = self._working[name]
        if fh is None:
            store._cache.put(path, key, working, self._owned.get(name))
        else:
            if isinstance(working, Overlay) and working.only_appended:
                table = working.base.appended(fh, data, len(working.added), self._base_keys.get(name))
            else:
                table = LazyTable.open(fh, name)
            if table is None:  # an empty table
                fh.close()
                table = {}
            store._cache.put(path, key, table)
        if name in store._max_ids and store._max_ids[name][0] == self._base_keys.get(name):
            store._max_ids[name] = (key, self._max_id(name))

    def _close(self) -> None:
        # Breaks the cycle tx -> table -> storage -> tx, so the versions this transaction read
        # (and the old files a lazy table holds open) go now, not at the next full collection.
        self._closed = True
        self._tables.clear()
        self._base.clear()
        self._working.clear()

    def _discard(self) -> None:
        # An update callable may have mutated nested values of cached documents.
        for name in set(self._base) | set(self._working):
            self._store._cache.drop(self._store._path(name))
        self._working.clear()


class Store:
    def __init__(self, data_dir: str | os.PathLike, *, lock_timeout: float = 30.0, lazy: tuple[str, ...] = ()) -> None:
        """``lazy``: tables read a record at a time, which a process keeps unparsed (db/lazy.py)."""
        self.data_dir = Path(data_dir)
        self.lazy = frozenset(_check_name(name) for name in lazy)
        self.tables_dir = self.data_dir / "tables"
        self.audit_dir = self.data_dir / "audit"
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        self.audit_dir.mkdir(parents=True, exist_ok=True)
        self.lock_timeout = lock_timeout
        self._cache = TableCache(self.lazy)
        self._derived: dict[str, tuple[tuple, object]] = {}  # ReadView.derived results
        self._max_ids: dict[str, tuple] = {}  # table -> (stat key, highest doc id)
        self._mapped: dict[str, dict] = {}  # ReadView.mapped: key -> {doc_id: (doc, value)}
        self._local = threading.local()
        self._lock = ProcessLock(self.data_dir / ".lock", lock_timeout)
        self._audit_log = AuditLog(self.audit_dir, lock_timeout)
        self.counters = Counters(self.data_dir / "counters", lock_timeout)  # never under the data lock
        with self._lock:
            self._recover()
            # Temp files of killed writers; safe to remove while we hold the lock.
            for tmp in self.tables_dir.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
            self._relayout()

    def _relayout(self) -> None:
        """Rewrite lazy tables still in the one-line layout (older data, a restored backup) once,
        so no process has to parse them whole (lock held)."""
        for name in sorted(self.lazy):
            path = self._path(name)
            try:
                with open(path, "rb") as fh:
                    start = fh.read(len(lazy_head(name)))
            except FileNotFoundError:
                continue
            if start != lazy_head(name) and len(self._load(name)):
                atomic_write(path, dumps_lines(name, self._load(name)))
                self._cache.drop(path)

    def _recover(self) -> None:
        """Finish a multi-file commit interrupted by a crash (lock held)."""
        journal = self.tables_dir / ".journal"
        if not journal.exists():
            return
        for tmp, path in loads(journal.read_bytes()):
            if not tmp:
                Path(path).unlink(missing_ok=True)
            elif os.path.exists(tmp):
                os.replace(tmp, path)
        fsync_dir(self.tables_dir)
        journal.unlink()
        self._cache.clear()

    # -- tables --------------------------------------------------------------

    def _path(self, name: str) -> Path:
        return self.tables_dir / f"{name}.json"

    def _load(self, name: str) -> dict:
        return self._cache.load(self._path(name), name)

    def read(self) -> ReadView:
        """Read-only view; inside a transaction it sees the transaction's writes."""
        return ReadView(self, getattr(self._local, "tx", None))

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the data lock for the whole block; commit on normal exit.

        Re-entrant per thread: a nested block joins the outer transaction,
        which commits once at the outermost exit.  If a nested block raised,
        the outer transaction writes nothing even if the error was caught.
        """
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            try:
                yield tx
            except BaseException:
                tx._failed = True
                raise
            return
        with self._lock:
            self._recover()
            tx = Transaction(self)
            self._local.tx = tx
            try:
                yield tx
                if tx._failed:
                    raise StoreError("a nested transaction block failed; nothing was written")
                tx._commit()
            except BaseException:
                tx._discard()
                raise
            finally:
                tx._close()
                self._local.tx = None

    def table_names(self) -> list[str]:
        names = {p.stem for p in self.tables_dir.glob("*.json") if not p.name.startswith(".")}
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            names.update(tx._working)
        return sorted(names)

    def drop_caches(self) -> None:
        self._cache.clear()
        self._derived.clear()
        self._mapped.clear()

    # -- schema --------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return _schema_of(self.read())

    def migrate(self) -> list[int]:
        """Apply pending migrations from db/migrations.py, one transaction each."""
        from .migrations import MIGRATIONS

        latest = max((v for v, _ in MIGRATIONS), default=0)
        applied = []
        for version, migration in sorted(MIGRATIONS, key=lambda m: m[0]):
            with self.transaction() as tx:
                # Re-check under the lock: another process may have migrated.
                current = _schema_of(tx)
                if current > latest:
                    raise StoreError(f"data schema {current} is newer than this code ({latest})")
                if version <= current:
                    continue
                migration(tx)
                meta = tx.table(META_TABLE)
                if meta.contains(doc_id=1):
                    meta.update({"schema": version}, doc_ids=[1])
                else:
                    meta.insert(Document({"schema": version}, doc_id=1))
            applied.append(version)
        return applied

    # -- audit ---------------------------------------------------------------

    def audit(self, user: str | None, action: str, record: str | None = None, **details) -> dict:
        """Append one audit line; independent of the data lock."""
        return self._audit_log.append(user, action, record, details)

    def audit_entries(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        user: str | None = None,
        record: str | None = None,
    ) -> list[dict]:
        """Entries newest first; ``since`` and ``until`` are both inclusive."""
        return self._audit_log.entries(since, until, user, record)

    # -- backups -------------------------------------------------------------

    def latest_backup_age(self, dest_dir: str | os.PathLike | None = None) -> timedelta | None:
        from .backup import backup_created, list_backups

        backups = list_backups(self, dest_dir)
        if not backups:
            return None
        return datetime.now(timezone.utc) - backup_created(backups[0])


def _group(docs, field: str) -> dict:
    grouped: dict = {}
    for doc in docs:
        grouped.setdefault(doc.get(field), []).append(doc)
    return grouped


def _schema_of(view: ReadView | Transaction) -> int:
    doc = view.table(META_TABLE).get(doc_id=1)
    return int(doc.get("schema", 0)) if doc else 0
