"""Multi-process safe TinyDB store (one JSON file per table).

Why: TinyDB alone is not safe with several worker processes (tinydb issues
#72, #341, #529).  This module adds:

* one cross-process ``FileLock`` (``<data_dir>/.lock``) around each whole
  read-modify-write ``transaction()``;
* one file per table (``tables/<name>.json``, format in ``db/storage.py``);
  a transaction buffers its writes and commits only the tables it changed;
* generations: every commit has a number, and ``tables/.generations`` records the
  generation of every table; the in-process cache is keyed on (table, generation),
  never on a file's stat;
* fresh TinyDB ``Table`` objects (``cache_size=0``) per view/transaction, so
  neither TinyDB's query cache nor its cached ``_next_id`` can go stale
  across processes.

Invariants (the contract for whoever changes this module):

1. The commit protocol (``Transaction._commit``, under the lock): write each changed table
   and the new commit record to temp files and fsync them all at once (``write_temps``: one
   helper thread per file, which the file system serves with one journal commit); hard-link
   each table's temp file as ``.<name>.g<N>.json`` (N: this commit's number); rename the record's
   temp file to ``.generations`` -- **the commit point** -- and fsync the folder; then rename
   the temp files to ``<name>.json`` and clean up old versions. Before the commit point an
   error leaves nothing (temps and links removed, nothing refers to them). After it the commit
   has happened: the rest is finished before the transaction returns (an interrupt is raised
   only after that; an error is logged, not raised, so a caller never retries a commit that
   happened), and if the process dies the next transaction's ``_recover`` relinks
   ``<name>.json`` from the recorded versions.

   Why nothing acknowledged is lost, also at a power cut: the contents of every file the
   record names are on disk before the record exists under its name (their fsyncs returned
   before the rename), and the folder's fsync, after the rename and the links, makes the
   record and the version links durable before the transaction returns. A crash before that
   fsync may lose the rename, and with it the whole commit -- which nobody was told had
   happened. A killed process (no power cut) loses nothing the kernel has: files are only
   ever replaced whole. Two waits on the disk per commit, whatever the number of tables: a
   public post (a report and its mails) held the lock for four fsyncs one after another.
   The lock itself is taken in the kernel's queue (``db/locking.py``), so a writer gets it
   the moment the one before lets go.
2. A version file never changes once written; ``<name>.json`` is always the current version
   after recovery (backups copy it, TinyDB can open it for debugging).
3. A read view pins the whole ``.generations`` record at its first table read and reads every
   table at its pinned generation, so one view sees one committed state across all tables.
   Superseded versions stay on disk KEEP_SECONDS (beyond the KEEP_OLD newest, KEEP_MIN_SECONDS);
   a view older than that moves on to the current state if the tables it already read are
   unchanged there, and otherwise raises StoreError (read again).
4. Cache contract: parsed versions are shared by every reader in the process and must never
   be mutated (copy with ``dict(doc)``). ``derived(key, build)`` records the tables ``build``
   read (through the view it is given) and reuses the result while all of them are at the
   same generation; ``build`` may depend on nothing else but what is in ``key`` (a date, a
   setting). ``fold`` continues a result over appended lines, ``parted`` keeps a result per
   part and version of a table in parts (``mapped`` on it), ``summed`` keeps a Counter over
   the parts and takes a changed part's old counts off: after another worker's write only
   what changed is built again. ``derived``, ``fold`` and ``summed`` keep at most DERIVED_KEPT
   results, ``parted`` PARTED_KEPT (least recently used go); the table cache keeps
   VERSIONS_IN_MEMORY versions per table.
5. Inside a transaction, documents are shallow-copied before TinyDB's ``update()`` mutates
   them, so readers never see uncommitted changes; an update *callable* must still not
   mutate nested values in place. Nothing is cached from inside a transaction.
6. Hot, losable counters (login throttle, form rate limit, spam counts) are not tables: they
   live in db/counters.py under their own locks, so they never queue behind data writes.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from itertools import islice
from pathlib import Path
from typing import Collection, TypeVar

from tinydb.storages import Storage
from tinydb.table import Document, Table

from .audit import AuditLog
from .counters import Counters
from .errors import StoreError
from .kept_on_disk import KeptOnDisk
from .locking import ProcessLock
from .lazy import TAIL, Grouped, LazyTable, Overlay, dumps_lines, line, record_append
from .lazy import head as lazy_head
from .parts import ById, Parts, PartsWorking, layout, owner
from .storage import (TableCache, _unlink_quietly, atomic_write, dumps, fsync_dir, loads, private_dir, version_path,
                      write_temps)

T = TypeVar("T")
logger = logging.getLogger(__name__)
GENERATIONS = ".generations"  # the commit record, replaced last: see the module docstring
KEEP_SECONDS = 120  # a superseded version stays this long for readers still on it,
KEEP_OLD = 3  # unless more than this many newer ones replaced it
KEEP_MIN_SECONDS = 10  # and even then at least this long (a busy writer makes many in a second)
CLEAN_EVERY = 1.0  # seconds between two listings of the tables folder for old versions, per process
DERIVED_KEPT = 512  # results kept by derived() and fold() each, least recently used go
SHARE_FROM_PARTS = 3  # parts read at once beyond which their strings are shared though they changed (db/storage.py)
COUNTS_LEFT_KEPT = 64  # summed(): counts of versions of parts that left the table cache (Store._count_leaving)
PARTED_KEPT = 8192  # results of parted() (and mapped()), one per part: some tens of keys over 75 parts
_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
META_TABLE = "_meta"
_UNKNOWN = object()


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

    def by_ids(self, doc_ids: Iterable[int]) -> list[Document]:
        """The documents with these ids, in this order (an id not there is left out), shared
        as ``all()`` gives them: TinyDB's ``get`` copies each one, which for the few hundred
        running cases picked out of five years cost more than the rest of Vandaag's lists."""
        if self._storage._owner._tx is not None:
            return _got(self, doc_ids)
        data = self._read_table()
        if isinstance(data, Parts):
            return data.get_many(map(str, doc_ids))
        return [doc for doc in map(data.get, map(str, doc_ids)) if doc is not None]


def _got(table: Table, doc_ids: Iterable[int]) -> list[Document]:
    """``by_ids`` where the documents may be uncommitted: TinyDB's copies."""
    return [doc for doc in (table.get(doc_id=doc_id) for doc_id in doc_ids) if doc is not None]


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
    by_ids = _got

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


class _Bounded(OrderedDict):
    """A dict that forgets its least recently used entries beyond ``limit``."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


class ReadView:
    """Lock-free read access to one committed state of the whole store.

    The first table read pins the generations of every table (``tables/.generations``); each
    table is then read at its pinned generation, so a view never sees half of a commit, however
    long after the first read it reads the next table.
    """

    def __init__(self, store: Store, tx: Transaction | None = None) -> None:
        self._store = store
        self._tx = tx  # inside a transaction: see its uncommitted writes
        self._pinned: dict[str, int] | None = None  # {table: generation} of the state this view reads
        self._layout: dict[str, list] = {}  # the tables kept in parts in that state (db/parts.py)
        self._snapshots: dict[str, dict] = {}
        self._reading: list[set[str]] = []  # tables read by each derived() build under way

    def table(self, name: str) -> Table:
        # A new Table each time: a view that kept its tables would be a reference cycle
        # (view -> table -> storage -> view), and its snapshots, open lazy files included,
        # would outlive the request until a full garbage collection.
        return _ReadOnlyTable(_TableStorage(self, name), _check_name(name), cache_size=0)

    def derived(self, key: str, build: Callable[[ReadView], T]) -> T:
        """``build(self)`` computed once per version of the tables it read, and kept in the process.

        For indexes and summaries over big tables (a case's timeline out of 150,000 events):
        the view records which tables ``build`` reads, and the result is reused while none of
        them has a new generation, so nobody has to list them. Its result, shared by all
        readers, must be treated as read-only, and ``build`` must depend only on the store's
        data (not on the clock or the request). Inside a transaction nothing is cached: the
        uncommitted writes are part of what is built. At most DERIVED_KEPT results are kept.
        A process that serves one request keeps it on disk if ``"derived:<key>"`` may be kept
        (db/kept_on_disk.py), with the versions of the files of every table the build read.
        """
        if self._tx is not None:
            return build(self)
        hit = self._store._derived.get(key)
        if hit is not None and all(self._version(name) == generation for name, generation in hit[0].items()):
            return hit[1]
        disk = self._kept_on_disk(f"derived:{key}")
        if hit is None and disk is not None:  # a process that serves one request (CGI)
            kept = disk.load(f"derived:{key}")
            if kept is not None and all(self._files(name) == files for name, files in kept[0]):
                self._store._derived[key] = ({name: self._version(name) for name, _ in kept[0]}, kept[1])
                return kept[1]
        self._reading.append(set())
        try:
            value = build(self)
        finally:
            read = self._reading.pop()
        self._store._derived[key] = ({name: self._version(name) for name in read}, value)
        if disk is not None:
            disk.put(f"derived:{key}", [(name, self._files(name)) for name in sorted(read)], value)
        return value

    def keeps_on_disk(self, name: str) -> bool:
        """Whether this process keeps the value ``name`` (``"derived:<key>"``, ...) on disk for the
        next: it serves one request (CGI), and the value holds no personal data (db/kept_on_disk.py)."""
        return self._kept_on_disk(name) is not None

    def _files(self, name: str) -> list[tuple[str, int | None]]:
        """The versions of the files of ``name`` in this view's state, without reading them:
        ``[(table or part, generation)]``."""
        generation = self._version(name)
        parts = self._layout.get(name)
        return [(name, generation)] if parts is None else [(part, self._pinned[part]) for *_, part in parts]

    def index(self, table: str, field: str) -> dict:
        """``{value: [documents with doc[field] == value]}`` in table order, kept per version.
        Of a lazy table only the ids are kept, and the documents read when asked for."""
        data = self._table_data(table)
        if not (isinstance(data, LazyTable) or getattr(data, "lazy", False)):
            return self.derived(f"index:{table}.{field}", lambda view: _group(view.table(table), field))

        def add(ids: dict, doc) -> None:
            # Ids as machine integers: a timeline of five years is 180,000 ids, as int objects 6 MB more.
            value, one = doc.get(field), array("q", (doc.doc_id,))
            held = ids.get(value)
            ids[value] = one if held is None else held + one  # a new array: fold never changes a value in place

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
        generation = self._version(table)
        hit = self._store._folds.get(key)  # (generation, result, documents folded or None)
        if hit is not None and hit[0] == generation:
            return hit[1]
        grown = getattr(data, "lineage", {}).get(hit[0]) if hit is not None else None
        if grown is None and hit is not None and hit[2] is not None and isinstance(data, Parts):
            # A new part begun since (every thousand events): its documents are the new ones.
            grown = data.held_at(hit[0], hit[2])
        disk, versions = self._kept_on_disk(f"fold:{key}"), None
        if grown is None and disk is not None:  # a process that serves one request (CGI)
            versions = self._files(table)
            kept = disk.get(f"fold:{key}", versions)
            if kept is not None:
                self._store._folds[key] = (generation, kept, None)
                return kept
        if grown is not None:
            acc, docs, count = dict(hit[1]), data.values(start=grown), grown
        else:
            acc, docs, count = {}, iter(self.table(table)), 0
        for doc in docs:
            add(acc, doc)
            count += 1
        self._store._folds[key] = (generation, acc, count)
        if versions is not None:
            disk.put(f"fold:{key}", versions, acc)
        return acc

    def parted(self, key: str, table: str, build: Callable[[Iterable[Document]], T],
               again: Callable[[T, Iterable[Document]], T] | None = None) -> list[T]:
        """``build(documents)`` for each part of ``table`` (db/parts.py), in id order, each kept
        per version of its part: after a change in one part only that part's is built again.
        So a value over five years of cases costs what changed plus combining the parts'
        results, in every process, after a write in any. A table in one file is one part.
        ``build`` must read nothing but the documents it is given (never the view); a
        ``derived`` build that calls this depends on ``table``. ``again(earlier, documents)``,
        if given, builds a part whose value of an earlier version is still kept: the same as
        ``build(documents)``, reusing what the documents it shares with that version gave (a
        part another process changed keeps its unchanged documents as the same objects:
        ``TableCache._reparsed``), so it must tell them apart by identity, never by id
        (``carried_over``)."""
        if self._tx is not None:
            return [build(iter(self.table(table)))]
        data = self._table_data(table)
        versions = self._files(table)
        kept, disk, results = self._store._parted, self._kept_on_disk(f"parted:{key}"), []
        for i, (name, generation) in enumerate(versions):
            hit = kept.get((key, name))
            if hit is None or hit[0] != generation:
                # A process that serves one request (CGI) reads a part's result kept on disk, and
                # then needs not parse the part.
                value = disk.get(f"parted:{key}:{name}", [(name, generation)]) if disk is not None else None
                if value is None:
                    docs = iter((data.part(i) if isinstance(data, Parts) else data).values())
                    value = build(docs) if hit is None or again is None else again(hit[1], docs)
                    if disk is not None:
                        disk.put(f"parted:{key}:{name}", [(name, generation)], value)
                hit = kept[(key, name)] = (generation, value)
            results.append(hit[1])
        return results

    def summed(self, key: str, table: str, count: Callable[[Iterable[Document]], Counter]) -> Counter:
        """The sum of ``count(documents)`` over the parts of ``table``, kept: after a change the
        changed parts' counts are taken off the total (counted on their previous versions,
        which the table cache still holds, or counted as they left it: ``Store._count_leaving``)
        and their new counts added, so it costs the parts that changed, not the table, and
        nothing is kept per part. Counted whole when a previous version is gone uncounted (the
        caches dropped). Keys whose count comes to 0 are left out; treat the result as
        read-only; while the counts stay equal it is the same object. ``count`` must read
        nothing but the documents it is given, and be the same rule for the same ``key``."""
        if self._tx is not None:
            return _without_zeros(count(iter(self.table(table))))
        data = self._table_data(table)
        versions = self._files(table)
        generations = dict(versions)
        hit, disk = self._store._sums.get(key), self._kept_on_disk(f"summed:{key}")
        if hit is not None and hit[0] == generations:
            return hit[1]
        if hit is None and disk is not None:  # a process that serves one request (CGI)
            kept = disk.get(f"summed:{key}", versions)
            if kept is not None:
                self._store._sums[key] = (generations, kept)
                return kept
        pieces = data.pieces() if isinstance(data, Parts) else [(table, generations[table], data)]
        # The changed parts' new counts less their old ones: a part's size to work out, where
        # copying and comparing the whole total (five years of pairs) cost more than counting.
        before, change = ({}, Counter()) if hit is None else (hit[0], Counter())
        for name, generation in before.items():
            if generations.get(name) != generation:
                counted = self._store._counts_left.pop((key, name), None)  # of use once: the sum moves on
                if counted is not None and counted[0] == generation:
                    _add_counts(change, counted[1], -1)
                    continue
                old = self._store._cache.kept(name, generation)
                if old is None:
                    before, change = {}, Counter()
                    break
                _add_counts(change, count(iter(old.values())), -1)
        for name, generation, docs in pieces:
            if before.get(name, -1) != generation:
                _add_counts(change, count(iter(docs.values())), 1)
        if before:
            total = hit[1]  # the same counts stay the same object: callers may key on it
            if change:
                total = Counter(total)  # a copy: the kept one is shared
                _add_counts(total, change, 1)
        else:
            total = change
            if hit is not None and total == hit[1]:
                total = hit[1]  # the same counts stay the same object: callers may key on it
        self._store._sums[key] = (generations, total)
        self._store._sum_counts[key] = count
        if hit is None and disk is not None:
            disk.put(f"summed:{key}", versions, total)
        return total

    def mapped(self, key: str, table: str, fn: Callable[[Document], T]) -> Mapping[int, T]:
        """``{doc_id: fn(doc)}``, kept per version of each part of ``table`` (``parted``): after
        a commit only the changed parts' documents are computed again. ``fn`` must read
        nothing but ``doc``."""
        return ById(self.parted(f"mapped:{key}", table, lambda docs: {doc.doc_id: fn(doc) for doc in docs}))

    def _kept_on_disk(self, name: str) -> KeptOnDisk | None:
        """Where a process that serves one request keeps the value ``name`` for the next, if it may."""
        disk = self._store.kept_on_disk
        return disk if disk is not None and name in disk.keys else None

    def _version(self, name: str) -> int | None:
        """The generation of ``name`` in this view's state (None: the table does not exist)."""
        for read in self._reading:
            read.add(name)
        if self._pinned is None:
            self._pin(self._store._generations())
        generation = self._generations.get(name, _UNKNOWN)
        if generation is _UNKNOWN:  # of a table in parts the highest of 184: asked many times a page
            generation = self._generations[name] = _generation(self._pinned, self._layout, name)
        return generation

    def _pin(self, record: dict) -> None:
        self._pinned, self._layout = record["tables"], self._store._layout(record)
        self._generations: dict[str, int | None] = {}  # _version's answers in this state

    def _table_data(self, name: str) -> dict:
        if self._tx is not None:
            return self._tx._table_data(name)
        for read in self._reading:  # a derived() build depends on this table, loaded before or not
            read.add(name)
        data = self._snapshots.get(name)
        if data is None:
            try:
                data = self._load(name)
            except FileNotFoundError:
                self._move_on(name)
                data = self._load(name)
            self._snapshots[name] = data
        return data

    def _load(self, name: str):
        generation = self._version(name)
        parts = self._layout.get(name)
        if parts is None:
            return self._store._cache.load(name, generation)
        return self._store._parts_of(name, parts, self._pinned, generation)

    def _move_on(self, name: str) -> None:
        """The pinned version of ``name`` was cleaned up (a view older than KEEP_SECONDS, after
        several commits): move to the current state if the tables read so far are unchanged
        in it; otherwise this view cannot be consistent any more."""
        record = self._store._generations()
        current, current_layout = record["tables"], self._store._layout(record)
        if any(_generation(current, current_layout, read) != _generation(self._pinned, self._layout, read)
               for read in self._snapshots):
            raise StoreError(f"read view too old: table {name!r} changed since the view began; read again")
        self._pin(record)

    def _write_table(self, name: str, data: dict) -> None:
        raise StoreError("a read view cannot write; use store.transaction()")


class Transaction:
    """Writes buffered in memory, committed by ``Store.transaction()``."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._generations = store._generations()  # read under the lock: the state this tx builds on
        self._base: dict[str, dict] = {}  # table data as loaded
        self._working: dict[str, dict] = {}  # table data written in this tx
        self._base_keys: dict[str, int | None] = {}  # generation of each loaded table
        self._owned: dict[str, set] = {}  # str doc ids copied or written, per table
        self._tables: dict[str, Table] = {}
        self._dropped: set[str] = set()  # tables the commit removes (replace_all, a table split into parts)
        # The tables kept in parts, as this transaction leaves them (its own lists: new parts are added).
        self._layout = {name: list(parts) for name, parts in store._layout(self._generations).items()}
        self._parted: dict[str, PartsWorking] = {}  # working copies of tables kept in parts
        self._audit: list[dict] = []  # audit entries this commit writes (Store.audit inside the block)
        self._cleanup: tuple | None = None  # (commit, tables written, generations) to clean up after the lock
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

    def derived(self, key: str, build: Callable[[Transaction], T]) -> T:
        """As ``ReadView.derived``, never cached: a transaction sees its own writes."""
        return build(self)

    def keeps_on_disk(self, name: str) -> bool:
        return False  # nothing built inside a transaction is kept

    def index(self, table: str, field: str) -> dict:
        return _group(self.table(table), field)

    def mapped(self, key: str, table: str, fn: Callable[[Document], T]) -> dict[int, T]:
        return {doc.doc_id: fn(doc) for doc in self.table(table)}

    def parted(self, key: str, table: str, build: Callable[[Iterable[Document]], T]) -> list[T]:
        return [build(iter(self.table(table)))]

    def summed(self, key: str, table: str, count: Callable[[Iterable[Document]], Counter]) -> Counter:
        return _without_zeros(count(iter(self.table(table))))

    def fold(self, key: str, table: str, add: Callable[[dict, Document], None]) -> dict:
        return self.read().fold(key, table, add)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("transaction is already finished")

    def _table_data(self, name: str) -> dict:
        self._check_open()
        parts = self._layout.get(name)
        if parts is None:
            return self._physical_data(name)
        return Parts(name, parts, lazy=name in self._store.lazy, load=self._physical_data)

    def _physical_data(self, name: str) -> dict:
        """One table file's data in this transaction: a table, or one part of a table in parts."""
        data = self._working.get(name)
        if data is None:
            data = self._base.get(name)
            if data is None:
                generation = self._generations["tables"].get(name)
                data = self._base[name] = self._store._cache.for_writing(name, generation)
                self._base_keys[name] = generation
        return data

    def _write_table(self, name: str, data: dict) -> None:
        self._check_open()
        self._working[name] = data

    def _working_copy(self, name: str) -> dict:
        """This transaction's own copy of a table: the cached documents stay shared until changed."""
        self._check_open()
        if name in self._layout or name in self._store.parts:
            return self._parts_working(name)
        data = self._working.get(name)
        if data is None:
            base = self._physical_data(name)
            data = self._working[name] = Overlay(base) if isinstance(base, LazyTable) else dict(base)
        return data

    def _parts_working(self, name: str) -> PartsWorking:
        """The working copy of a table kept in parts; a table still in one file is split now,
        its file removed by the same commit."""
        working = self._parted.get(name)
        if working is not None:
            return working
        working = self._parted[name] = PartsWorking(name, self._store.parts.get(name, 0), self._layout.setdefault(name, []),
                                                    self._physical_data, self._part_copy)
        if name in self._working or (name in self._generations["tables"] and name not in self._dropped):
            for key, doc in self._physical_data(name).items():
                working[key] = doc
            self._working.pop(name, None)
            self._base[name], self._base_keys[name] = {}, None
            self._dropped.add(name)
        return working

    def _part_copy(self, part: str) -> dict:
        """The working copy of one part, whose written documents are recorded as for a table
        (``_serialise`` appends what was only added)."""
        return _Recorded(self._working_copy(part), self._owned.setdefault(part, set()))

    def split(self, name: str) -> None:
        """Keep ``name`` in parts now if the store is set to (migration 5); else nothing."""
        if name in self._store.parts:
            self._parts_working(name)

    def _max_id(self, name: str) -> int:
        if name in self._layout:
            return self._table_data(name).max_id()
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
        for name in set(self._generations["tables"]) | set(self._working) | set(tables):
            self._base[name], self._base_keys[name] = {}, None  # as if the table started empty
            self._tables.pop(name, None)
            self._working.pop(name, None)
            self._owned[name] = set()
            if name in tables:
                self._working[name] = dict(tables[name])
                self._owned[name] = set(tables[name])
            else:
                self._dropped.add(name)
        # Tables in parts arrive as their parts (a backup holds the files); one in one file
        # (an older backup) is split by the next write or migration.
        self._layout, self._parted = layout(tables), {}
        self._tables.clear()
        self._owned = {name: set(docs) for name, docs in tables.items()}

    def _commit(self) -> None:
        """Write the changed tables; the rename of ``.generations`` is the commit point.

        Before it, nothing is visible and an error leaves nothing (temp files and version links
        are removed). After it, the commit has happened: what is left (renaming the table files
        to their plain names, cleaning up old versions) is finished here, and if that fails it
        is finished by the next transaction's recovery; errors there are logged, not raised,
        because a caller told "failed" would retry and write twice.
        """
        store = self._store
        files = [(name, self._serialise(name, data)) for name, data in self._working.items()]
        drops = sorted(name for name in self._dropped if name not in self._working)
        if not files and not drops:
            if self._audit:  # nothing changed: the entries alone
                store._audit_log.write(self._audit)
            return
        generation = self._generations["commit"] + 1
        tables = {name: gen for name, gen in self._generations["tables"].items() if name not in drops}
        tables.update((name, generation) for name, _ in files)
        record = {"commit": generation, "tables": tables, "last": [n for n, _ in files] + drops}
        if self._audit:
            record["audit"] = self._audit  # written to the audit log after the commit point
        record_path = store.tables_dir / GENERATIONS
        written, opened, record_tmp = [], {}, None  # written: (name, temp, version path, data)
        try:
            # The tables' new versions and the commit record wait for the disk together.
            *temps, record_tmp = write_temps([(store._path(name), data) for name, data in files] + [(record_path, dumps(record))])
            for (name, data), tmp in zip(files, temps):
                version = version_path(store.tables_dir, name, generation)
                written.append((name, tmp, version, data))
            for name, tmp, version, _ in written:
                _unlink_quietly(version)  # left by a commit that never reached its commit point
                os.link(tmp, version)
                if owner(name) in store.lazy:
                    opened[name] = open(tmp, "rb")
                    working = self._working[name]
                    if isinstance(working, Overlay) and working.only_appended and self._base_keys.get(name) is not None:
                        record_append(store._path(name), self._base_keys[name], generation)
            os.replace(record_tmp, record_path)  # the commit point; made durable with the links below
            record_tmp = None
            fsync_dir(store.tables_dir)
        except BaseException:
            for fh in opened.values():
                fh.close()
            if record_tmp is None and written:
                raise  # the disk failed after the commit point: the versions the record names stay
            if record_tmp is not None:
                _unlink_quietly(record_tmp)
            for _, tmp, version, _ in written:
                _unlink_quietly(tmp)
                _unlink_quietly(version)
            raise
        # -- committed ------------------------------------------------------------------
        try:
            store._write_audit(record)
            for name, tmp, _, _ in written:
                os.replace(tmp, store._path(name))
            for name in drops:
                _unlink_quietly(store._path(name))
                store._cache.drop(name)
            for name, _, _, data in written:
                self._cached(name, generation, data, opened.get(name))
            # Old versions are cleaned up after the lock is let go (Store.transaction): listing the
            # folder needs no lock, and the next writer should not wait for it.
            self._cleanup = (generation, [name for name, *_ in written], tables)
        except BaseException as exc:
            store._cache.clear()
            store._kept_parts.clear()
            try:
                store._recover()  # the plain files, from the versions the commit recorded
            except Exception:
                logger.exception("commit %s: the next transaction finishes the table files", generation)
            for _, tmp, _, _ in written:
                _unlink_quietly(tmp)
            if not isinstance(exc, Exception):
                raise  # an interrupt (KeyboardInterrupt, SystemExit) goes on, with the commit finished
            logger.exception("commit %s: an error after the commit point; the commit stands", generation)

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
        generation = self._base_keys.get(name)
        if (base is None or generation is None or not new or any(k in base for k in owned)
                or len(data) != len(base) + len(new)):
            return dumps_lines(name, data)
        try:
            with open(version_path(self._store.tables_dir, name, generation), "rb") as fh:
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

    def _cached(self, name: str, generation: int, data: bytes, fh=None) -> None:
        """Keep the committed version (and its highest id, if known) for the next reader."""
        store = self._store
        working = self._working[name]
        if fh is None:
            if not isinstance(working, Overlay):  # else a part built on unparsed lines: its next reader parses it
                store._cache.put(name, generation, working, self._owned.get(name))
        else:
            if isinstance(working, Overlay) and working.only_appended:
                table = working.base.appended(fh, data, len(working.added), self._base_keys.get(name))
            else:
                table = LazyTable.open(fh, name)
            if table is None:  # an empty table
                fh.close()
                table = {}
            store._cache.put(name, generation, table)
        if name in store._max_ids and store._max_ids[name][0] == self._base_keys.get(name):
            store._max_ids[name] = (generation, self._max_id(name))

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
            self._store._cache.drop(name)
            self._store._kept_parts.pop(owner(name), None)
        self._working.clear()

    def read(self) -> ReadView:
        return ReadView(self._store, self)


class Store:
    def __init__(self, data_dir: str | os.PathLike, *, lock_timeout: float = 30.0, lazy: tuple[str, ...] = (),
                 no_history: tuple[str, ...] = (), parts: dict[str, int] | None = None,
                 one_request: bool = False, kept_on_disk: KeptOnDisk | None = None) -> None:
        """``lazy``: tables read a record at a time, which a process keeps unparsed (db/lazy.py).
        ``parts``: {table: ids per part} for tables kept in parts (db/parts.py), so a write costs
        the same however long the table's history; readers follow the files, not this setting.
        ``no_history``: tables whose superseded versions go at once (secrets, password hashes: a
        value changed or removed must not stay on disk); a view still on one moves on.
        ``one_request``: the process serves one request and ends (CGI): tables are parsed without
        sharing their short strings, which saves memory only a long-lived worker keeps.
        ``kept_on_disk``: where such a process keeps what ``ReadView.fold``, ``summed``,
        ``parted`` and ``derived`` built for the next one, for the keys it names (db/kept_on_disk.py)."""
        self.data_dir = Path(data_dir)
        self.lazy = frozenset(_check_name(name) for name in lazy)
        self.no_history = frozenset(_check_name(name) for name in no_history)
        self.parts = {_check_name(name): int(size) for name, size in (parts or {}).items()}
        if any(size < 1 for size in self.parts.values()):
            raise StoreError("a part holds at least one document")
        self.tables_dir = self.data_dir / "tables"
        self.audit_dir = self.data_dir / "audit"
        private_dir(self.tables_dir)
        private_dir(self.audit_dir)
        self.lock_timeout = lock_timeout
        self._cache = TableCache(self.tables_dir, self.lazy, share_strings=not one_request)
        self._cache.leaving = self._count_leaving
        self.kept_on_disk = kept_on_disk
        self._derived = _Bounded(DERIVED_KEPT)  # ReadView.derived: key -> ({table: generation}, value)
        self._folds = _Bounded(DERIVED_KEPT)  # ReadView.fold: key -> (generation, value, documents folded)
        self._parted = _Bounded(PARTED_KEPT)  # ReadView.parted: (key, part) -> (generation, value)
        self._sums = _Bounded(DERIVED_KEPT)  # ReadView.summed: key -> ({part: generation}, total)
        self._sum_counts: dict[str, Callable] = {}  # ReadView.summed: key -> its count
        # ReadView.summed: (key, part) -> (generation, its counts), of versions that left the table cache
        self._counts_left = _Bounded(COUNTS_LEFT_KEPT)
        self._max_ids: dict[str, tuple] = {}  # table -> (generation, highest doc id)
        self._kept_parts: dict[str, tuple[int, Parts]] = {}  # table in parts -> (generation, its newest state read)
        self._layouts: tuple[list, dict] | None = None  # (the names in a commit record, their layout in parts)
        self._cleaned_at = 0.0  # when _clean_versions last listed the folder
        self._local = threading.local()
        self._lock = ProcessLock(self.data_dir / ".lock", lock_timeout)
        self._audit_log = AuditLog(self.audit_dir, lock_timeout)
        self.counters = Counters(self.data_dir / "counters", lock_timeout)  # never under the data lock
        # A CGI host starts a process per request: the lock is taken only when there is something
        # to finish or clean up, so readers never queue behind a writer just to start.
        if self._repair_due():
            with self._lock:
                self._recover()
                # Temp files of killed writers; safe to remove while we hold the lock.
                for tmp in self.tables_dir.glob(".*.tmp"):
                    tmp.unlink(missing_ok=True)
                self._adopt()
        self._relayout()

    def _repair_due(self) -> bool:
        """Whether start-up has work under the lock (read without it; a writer at work right now
        also makes it true, and the locked pass then finds nothing to do): a journal or a commit
        to finish (`_recover`), its audit entries unwritten, temp files, or table files that are
        not the recorded versions (`_adopt`)."""
        state = self._generations()
        names = set(state["tables"])
        recorded = {version_path(self.tables_dir, name, generation).name for name, generation in state["tables"].items()}
        plain = set()
        for entry in os.scandir(self.tables_dir):
            if entry.name == ".journal" or entry.name.endswith(".tmp"):
                return True
            if entry.name.startswith("."):
                if entry.name.endswith(".json") and ".g" in entry.name and entry.name not in recorded:
                    name, _, generation = entry.name[1:-len(".json")].rpartition(".g")
                    if generation.isdigit() and int(generation) > state["tables"].get(name, -1):
                        return True  # a version of a commit that never reached its commit point
            elif entry.name.endswith(".json"):
                plain.add(entry.name[:-len(".json")])
        if plain != names:
            return True
        for name, generation in state["tables"].items():
            try:
                if not os.path.samefile(self._path(name), version_path(self.tables_dir, name, generation)):
                    return True
            except FileNotFoundError:
                return True
        if state.get("audit"):
            try:
                return int((self.tables_dir / ".audited").read_text() or 0) < state["commit"]
            except (FileNotFoundError, ValueError):
                return True
        return False

    def _generations(self) -> dict:
        try:
            state = loads((self.tables_dir / GENERATIONS).read_bytes())
        except FileNotFoundError:
            return {"commit": 0, "tables": {}, "last": []}
        except ValueError as exc:
            raise StoreError(f"{self.tables_dir / GENERATIONS} is damaged ({exc}); restore a backup") from exc
        return state

    def _layout(self, record: dict) -> dict:
        """The tables kept in parts in a commit record (db/parts.py), worked out again only when
        the commit added or removed a table or part (most only write existing ones)."""
        tables, kept = record["tables"], self._layouts
        if kept is None or len(kept[0]) != len(tables) or not all(map(tables.__contains__, kept[0])):
            kept = self._layouts = (list(tables), layout(tables))
        return kept[1]

    def _parts_of(self, name: str, parts: list, tables: dict, generation: int) -> Parts:
        """A table kept in parts at ``generation``, composed once; each part is read from the
        cache when first asked for (a case page reads its case's part of the cases)."""
        kept = self._kept_parts.get(name)
        if kept is not None and kept[0] == generation:
            return kept[1]
        # Many parts changed at once (a retention run, an import): their strings are shared.
        share = sum(self._cache.kept(part, tables[part]) is None for *_, part in parts) > SHARE_FROM_PARTS
        composed = Parts(name, parts, None, [tables[part] for *_, part in parts], lazy=name in self.lazy,
                         load=lambda part: self._cache.load(part, tables[part], share=share))
        self._kept_parts[name] = (generation, composed)
        return composed

    def _adopt(self) -> None:
        """Make every table file a recorded version (lock held): files from before generations,
        or put there by hand; versions of commits that never reached their commit point go."""
        state = self._generations()
        tables, commit = dict(state["tables"]), state["commit"]
        files = {p.stem for p in self.tables_dir.glob("*.json") if not p.name.startswith(".")}
        for name in sorted(files | set(tables)):
            path, recorded = self._path(name), tables.get(name)
            version = version_path(self.tables_dir, name, recorded) if recorded is not None else None
            try:
                same = version is not None and os.path.samefile(path, version)
            except FileNotFoundError:
                same = False
            if same:
                continue
            if name not in files:
                del tables[name]  # removed by hand
                continue
            commit += 1
            _unlink_quietly(version_path(self.tables_dir, name, commit))
            os.link(path, version_path(self.tables_dir, name, commit))
            tables[name] = commit
        for stale in self.tables_dir.glob(".*.g*.json"):
            name, _, generation = stale.name[1:-len(".json")].rpartition(".g")
            if generation.isdigit() and int(generation) > tables.get(name, -1):
                stale.unlink(missing_ok=True)
        if tables != state["tables"]:
            fsync_dir(self.tables_dir)
            atomic_write(self.tables_dir / GENERATIONS, dumps({"commit": commit, "tables": tables, "last": []}))
            self._cache.clear()

    def _relayout(self) -> None:
        """Rewrite lazy tables still in the one-line layout (older data, a restored backup) once,
        so no process has to parse them whole."""
        for name in sorted(self.lazy):
            if self._in_line_layout(name, self._generations()["tables"].get(name)):
                continue  # the usual case: no lock taken
            with self.transaction() as tx:
                generation = tx._generations["tables"].get(name)
                if not self._in_line_layout(name, generation) and len(tx._table_data(name)):
                    tx._working_copy(name)  # rewritten whole, in the line layout

    def _in_line_layout(self, name: str, generation: int | None) -> bool:
        """Whether the version is in the line layout, or there is nothing to rewrite."""
        if generation is None:
            return True
        try:
            with open(version_path(self.tables_dir, name, generation), "rb") as fh:
                start = fh.read(len(lazy_head(name)))
        except FileNotFoundError:
            return True
        return start == lazy_head(name) or start.startswith(b'{"' + name.encode() + b'":{}')

    def _recover(self) -> None:
        """Finish what the last commit left after its commit point: the plain table files
        (lock held). A journal of the layout before generations is rolled forward first."""
        journal = self.tables_dir / ".journal"
        if journal.exists():
            for tmp, path in loads(journal.read_bytes()):
                if not tmp:
                    Path(path).unlink(missing_ok=True)
                elif os.path.exists(tmp):
                    os.replace(tmp, path)
            fsync_dir(self.tables_dir)
            journal.unlink()
            self._cache.clear()
        state = self._generations()
        self._write_audit(state)
        for name in state["last"]:
            path, generation = self._path(name), state["tables"].get(name)
            if generation is None:
                _unlink_quietly(path)
                continue
            version = version_path(self.tables_dir, name, generation)
            try:
                if os.path.samefile(path, version):
                    continue
            except FileNotFoundError:
                if not version.exists():
                    continue  # nothing to finish from
            tmp = path.with_name(f".{path.name}.{os.getpid()}.recover.tmp")
            _unlink_quietly(tmp)
            os.link(version, tmp)
            os.replace(tmp, path)

    def _count_leaving(self, name: str, generation: int, table: Mapping) -> None:
        """A version leaves the table cache: each kept sum counted on it counts it now, so that
        ``ReadView.summed`` can take it off later. A worker serving pages between several writes
        to one part (a case put on hold and back, with Vandaag between) reads each new version,
        and its previous versions leave before the matching facts are asked again: without this
        those were counted again over every part (0.2 to 0.4 s at five years of cases)."""
        for key, (generations, _) in list(self._sums.items()):
            count = self._sum_counts.get(key)
            if count is not None and generations.get(name) == generation:
                self._counts_left[(key, name)] = (generation, count(iter(table.values())))

    def _write_audit(self, record: dict) -> None:
        """Append the audit entries of the commit ``record`` unless that was done already
        (``tables/.audited`` holds the number of the last commit whose entries are written)."""
        if not record.get("audit"):
            return
        marker = self.tables_dir / ".audited"
        try:
            if int(marker.read_text() or 0) >= record["commit"]:
                return
        except (FileNotFoundError, ValueError):
            pass
        self._audit_log.write(record["audit"])
        tmp = marker.with_name(f".audited.{os.getpid()}.tmp")
        tmp.write_text(str(record["commit"]))
        os.replace(tmp, marker)

    def _clean_versions(self, names: list[str], current: dict[str, int]) -> None:
        """Remove superseded versions no reader should still need (after a commit, without the
        lock: it only removes versions older than ``current``'s, never one a commit is writing,
        and a file another process removed first is passed by): those replaced more than
        KEEP_SECONDS ago, and beyond the KEEP_OLD newest those replaced more than
        KEEP_MIN_SECONDS ago (a reader still on one then moves on or reads again:
        ReadView._move_on). ``names``: the tables just written; ``current``: {table: generation}
        of the commit record.

        The folder holds a file per version of every part of every table, so it is listed at
        most every CLEAN_EVERY seconds per process (then for all tables), except when a table
        without history was written: its old version goes at once."""
        now = time.time()
        if now - self._cleaned_at < CLEAN_EVERY and not self.no_history.intersection(names):
            return
        self._cleaned_at = now
        by_table: dict[str, list[tuple[int, Path]]] = {}
        for entry in os.scandir(self.tables_dir):
            if entry.name.startswith(".") and entry.name.endswith(".json") and ".g" in entry.name:
                name, _, generation = entry.name[1:-len(".json")].rpartition(".g")
                # Only versions up to the recorded one: a link above it was left by a commit
                # that never reached its commit point, and is not what readers read.
                if generation.isdigit() and int(generation) <= current.get(name, -1):
                    by_table.setdefault(name, []).append((int(generation), Path(entry.path)))
        for name, versions in by_table.items():
            versions.sort()
            for i, (generation, path) in enumerate(versions[:-1]):
                if name in self.no_history:
                    _unlink_quietly(path)
                    continue
                try:
                    replaced_at = versions[i + 1][1].stat().st_mtime
                except FileNotFoundError:
                    replaced_at = 0
                age = now - replaced_at
                if age > KEEP_SECONDS or (i < len(versions) - 1 - KEEP_OLD and age > KEEP_MIN_SECONDS):
                    _unlink_quietly(path)

    def forget_superseded(self, names) -> None:
        """Remove every superseded version of these tables now, as `no_history` does at each commit:
        data erased on request must not stay on disk for KEEP_SECONDS. A reader still on one moves
        on (ReadView._move_on)."""
        wanted = set(names)
        with self._lock:
            current = self._generations()["tables"]
            for entry in os.scandir(self.tables_dir):
                if entry.name.startswith(".") and entry.name.endswith(".json") and ".g" in entry.name:
                    name, _, generation = entry.name[1:-len(".json")].rpartition(".g")
                    table = name.split(".", 1)[0]  # a part's file ("cases.1-200") belongs to its table
                    if table in wanted and generation.isdigit() and int(generation) != current.get(name):
                        _unlink_quietly(Path(entry.path))

    # -- tables --------------------------------------------------------------

    def _path(self, name: str) -> Path:
        return self.tables_dir / f"{name}.json"

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
        if tx._cleanup is not None:
            generation, names, current = tx._cleanup
            try:
                self._clean_versions(names, current)
            except Exception:  # the commit happened: a caller told "failed" would write it twice
                logger.exception("commit %s: an error after the commit point; the commit stands", generation)

    def table_names(self) -> list[str]:
        names = set(self._generations()["tables"])
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            names.update(tx._working)
            names -= tx._dropped - set(tx._working)
        return sorted({owner(name) for name in names})

    def drop_caches(self) -> None:
        self._cache.clear()
        self._kept_parts.clear()
        self._derived.clear()
        self._folds.clear()
        self._parted.clear()
        self._sums.clear()
        self._counts_left.clear()

    # -- schema --------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return _schema_of(self.read())

    def migrate(self) -> list[int]:
        """Apply pending migrations from db/migrations.py, one transaction each. A new store (no
        table written yet) gets them all in one: the same tables, one commit instead of one per
        migration (what every first run pays, and every test's fresh instance folder)."""
        from .migrations import MIGRATIONS

        latest = max((v for v, _ in MIGRATIONS), default=0)
        if self.schema_version == latest:
            return []  # the usual start: nothing to do, no lock taken
        pending = sorted(MIGRATIONS, key=lambda m: m[0])
        batches = [pending] if not self._generations()["tables"] else [[step] for step in pending]
        applied = []
        for batch in batches:
            with self.transaction() as tx:
                # Re-check under the lock: another process may have migrated.
                current = _schema_of(tx)
                if current > latest:
                    raise StoreError(f"data schema {current} is newer than this code ({latest})")
                done = []
                for version, migration in batch:
                    if version > current:
                        migration(tx)
                        done.append(version)
                if not done:
                    continue
                meta = tx.table(META_TABLE)
                if meta.contains(doc_id=1):
                    meta.update({"schema": done[-1]}, doc_ids=[1])
                else:
                    meta.insert(Document({"schema": done[-1]}, doc_id=1))
            applied += done
        return applied

    # -- audit ---------------------------------------------------------------

    def audit(self, user: str | None, action: str, record: str | None = None, **details) -> dict:
        """One audit entry. Inside a transaction it is written by that transaction's commit, so
        a change and its entry exist together or not at all; outside one (a page viewed, an
        export, a login) it is appended at once, under the audit log's own lock."""
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            entry = self._audit_log.entry(user, action, record, details)
            tx._audit.append(entry)
            return entry
        return self._audit_log.append(user, action, record, details)

    @contextmanager
    def audit_while(self, user: str | None, action: str, record: str | None = None, **details) -> Iterator[dict]:
        """``audit`` for what the block makes (a page that shows a case file): outside a
        transaction the entry is appended and fsynced by a helper thread while the block runs,
        and the block's result is handed on only once the entry is on disk; an error writing it
        is raised after the block, as ``audit`` would raise it before. The wait on the disk
        (2 to 9 ms a case page on the benchmark's machine) then overlaps the rendering."""
        if getattr(self._local, "tx", None) is not None:
            yield self.audit(user, action, record, **details)
            return
        entry = self._audit_log.entry(user, action, record, details)  # its moment: now, in this thread's clock
        failed: list[BaseException] = []

        def write() -> None:
            try:
                self._audit_log.write([entry])
            except BaseException as exc:  # raised in the caller's thread below
                failed.append(exc)

        writer = threading.Thread(target=write, name="audit")
        writer.start()
        try:
            yield entry
        finally:
            writer.join()
        if failed:
            raise failed[0]

    def rewrite_audit(self, change) -> int:
        """Erasure on request only: every audit entry through ``change`` (db/audit.py)."""
        return self._audit_log.rewrite(change)

    def audit_entries(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        user: str | None = None,
        record: str | Collection[str] | None = None,
    ) -> list[dict]:
        """Entries newest first; ``since`` and ``until`` are both inclusive; ``record`` is one
        record key or several."""
        return self._audit_log.entries(since, until, user, record)

    # -- backups -------------------------------------------------------------

    def latest_backup_age(self, dest_dir: str | os.PathLike | None = None) -> timedelta | None:
        from .backup import backup_created, list_backups

        backups = list_backups(self, dest_dir)
        if not backups:
            return None
        return datetime.now(timezone.utc) - backup_created(backups[0])


def _generation(tables: dict, parts: dict, name: str) -> int | None:
    """The generation of ``name`` in a state: of a table in parts, the highest of its parts'."""
    if name in parts:
        return max((tables[part] for *_, part in parts[name]), default=None)
    return tables.get(name)


class _Recorded(MutableMapping):
    """A part's working copy that records the ids written to it, as ``_WorkingTable`` does."""

    def __init__(self, data, owned: set) -> None:
        self._data, self._owned = data, owned

    def __getitem__(self, key):
        return self._data[key]

    def __setitem__(self, key, doc) -> None:
        self._owned.add(key)
        self._data[key] = doc

    def __delitem__(self, key) -> None:
        del self._data[key]

    def __contains__(self, key) -> bool:
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()


def _add_counts(total: Counter, counts: Counter, sign: int) -> None:
    for key, n in counts.items():
        n = total.get(key, 0) + sign * n
        if n:
            total[key] = n
        else:
            total.pop(key, None)


def _without_zeros(counts: Counter) -> Counter:
    return Counter({key: n for key, n in counts.items() if n})


def carried_over(earlier: list, docs: Iterable[Document], held: Callable[[int], T],
                 make: Callable[[Document], T]) -> tuple[list[Document], list[T]]:
    """For a ``parted`` ``again``: ``docs`` as a list, and for each what it gives: ``held(i)``
    for the document that is ``earlier[i]`` (the same object: unchanged since the earlier value,
    whose documents ``earlier`` are), else ``make(doc)``. By identity, never by id: a changed
    document keeps its id. ``earlier`` holds its documents, so no object id is reused meanwhile."""
    at = {id(doc): i for i, doc in enumerate(earlier)}
    docs = list(docs)
    values = []
    for doc in docs:
        i = at.get(id(doc))
        values.append(held(i) if i is not None and earlier[i] is doc else make(doc))
    return docs, values


def _group(docs, field: str) -> dict:
    grouped: dict = {}
    for doc in docs:
        grouped.setdefault(doc.get(field), []).append(doc)
    return grouped


def _schema_of(view: ReadView | Transaction) -> int:
    doc = view.table(META_TABLE).get(doc_id=1)
    return int(doc.get("schema", 0)) if doc else 0
