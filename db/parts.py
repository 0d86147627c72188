"""Tables kept in parts by range of document ids, so a write costs the same whatever the history.

Five years of cases make a timeline of 183,000 events (43 MB) and a case table of 24 MB; with
one file per table every note rewrote and fsynced both whole, under the global lock. A table
named in the store's ``parts`` ({name: ids per part}) is instead stored as tables named
``<name>.<first>-<last>`` (``case_events.1-2000``, ``case_events.2001-4000``, ...), each an
ordinary table of the store -- its own file, generation, versions and backup copy -- holding
the documents whose id lies in that range. Ids only grow, so adding a document writes the
newest part; changing an old one writes its own part.

* Readers need no setting: a table with parts in the commit record is read as their union
  (``Parts``), in id order.
* The generation of the whole table is the highest generation of its parts. Every commit has a
  higher number than all before it, so that changes whenever any part changes and never comes
  back: the caches and ``derived()`` keep working on table names.
* A table still in one file (data from before, a restored older backup) is read as it is and
  split into parts, in one commit, by the first transaction that writes it (or migration 5).
* A part's range is in its name, so the size of the parts is fixed once a table has parts: new
  parts take the size of the existing ones.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from itertools import islice

_PART = re.compile(r"^(.+)\.(\d+)-(\d+)$")


def part_name(name: str, first: int, last: int) -> str:
    return f"{name}.{first}-{last}"


def owner(name: str) -> str:
    """The table a stored table belongs to: ``cases`` for ``cases.1-250``, else the name itself."""
    part = _parse(name)
    return part[0] if part else name


_parsed: dict[str, tuple[str, int, int] | None] = {}  # stored name -> (table, first, last), None if no part


def _parse(stored: str) -> tuple[str, int, int] | None:
    # Worked out once per name: layout() runs for every commit over some hundreds of names.
    if stored not in _parsed:
        match = _PART.match(stored)
        _parsed[stored] = (match[1], int(match[2]), int(match[3])) if match else None
    return _parsed[stored]


def layout(tables) -> dict[str, list[tuple[int, int, str]]]:
    """``{table: [(first id, last id, part name)] in id order}`` for the tables kept in parts."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for stored in tables:
        part = _parse(stored)
        if part is not None:
            found.setdefault(part[0], []).append((part[1], part[2], stored))
    for parts in found.values():
        parts.sort()
    return found


def range_for(doc_id: int, size: int, parts: list[tuple[int, int, str]]) -> tuple[int, int]:
    """The range of the new part that holds ``doc_id``: ``size`` ids, or the size of the parts there are."""
    if parts:
        size = parts[0][1] - parts[0][0] + 1
    k = (doc_id - 1) // size
    return k * size + 1, (k + 1) * size


class Parts(Mapping):
    """One state of a table kept in parts: ``{str doc id: document}`` over the parts in id order.

    A committed state has its parts' ``generations`` (they give ``lineage``) and either their
    mappings (a dict or a LazyTable) in ``tables`` or, with ``tables=None``, ``load(part name)``
    to read a part when it is first asked for and keep it: a lookup by id parses one part, not
    all (a fresh CGI process showing one case). In a transaction (no ``generations``) ``load``
    gives a part's current data each time it is asked.
    """

    def __init__(self, name: str, parts: list[tuple[int, int, str]], tables: list[Mapping] | None = None,
                 generations: list[int] | None = None, lazy: bool = False,
                 load: Callable[[str], Mapping] | None = None) -> None:
        self.name, self.lazy = name, lazy
        self._firsts = [first for first, _, _ in parts]
        self._lasts = [last for _, last, _ in parts]
        self._names = [part for _, _, part in parts]
        self._load, self._generations = load, generations
        # The parts read so far of a committed state; None in a transaction (read each time).
        self._given = list(tables) if tables is not None else [None] * len(self._names) if generations else None

    def part(self, i: int) -> Mapping:
        """The data of the ``i``-th part in id order."""
        return self._part(i)

    def _part(self, i: int) -> Mapping:
        if self._given is None:
            return self._load(self._names[i])
        table = self._given[i]
        if table is None:
            table = self._given[i] = self._load(self._names[i])
        return table

    @property
    def _tables(self) -> list[Mapping]:
        return [self._part(i) for i in range(len(self._names))]

    def _table(self, key) -> Mapping | None:
        try:
            doc_id = int(key)
        except (TypeError, ValueError):
            return None
        i = bisect_right(self._firsts, doc_id) - 1
        return self._part(i) if i >= 0 and doc_id <= self._lasts[i] else None

    def __getitem__(self, key):
        table = self._table(key)
        if table is None:
            raise KeyError(key)
        return table[key]

    def get_many(self, keys: Iterable[str]) -> list:
        """The documents of these ids (str), in this order, those not there left out: a run of
        ids in one part looks the part up once, not per id (the running cases of five years)."""
        found, firsts, lasts = [], self._firsts, self._lasts
        table, first, last = None, 1, 0
        for key in keys:
            doc_id = int(key)
            if not first <= doc_id <= last:
                i = bisect_right(firsts, doc_id) - 1
                if i < 0 or doc_id > lasts[i]:
                    continue
                table, first, last = self._part(i), firsts[i], lasts[i]
            doc = table.get(key)
            if doc is not None:
                found.append(doc)
        return found

    def __contains__(self, key) -> bool:
        table = self._table(key)
        return table is not None and key in table

    def __iter__(self) -> Iterator[str]:
        for table in self._tables:
            yield from table

    def __len__(self) -> int:
        return sum(map(len, self._tables))

    def items(self, start: int = 0):
        """Every document from position ``start`` on (as ``LazyTable.items``)."""
        for table in self._tables:
            size = len(table)
            if start >= size:
                start -= size
                continue
            if start and hasattr(table, "lines"):  # a LazyTable skips without reading
                yield from table.items(start)
            else:
                yield from islice(table.items(), start, None)
            start = 0

    def values(self, start: int = 0):
        return (doc for _, doc in self.items(start))

    def pieces(self) -> list[tuple[str, int | None, Mapping]]:
        """``[(part name, its generation, its data)]`` in id order (a committed state only)."""
        return list(zip(self._names, self._generations, self._tables))

    def versions(self) -> list[tuple[str, int | None]]:
        """``[(part name, its generation)]`` in id order, without reading a part."""
        return list(zip(self._names, self._generations or ()))

    def max_id(self) -> int:
        for i in reversed(range(len(self._names))):  # ids only grow: the last part that has any
            table = self._part(i)  # (in a transaction: read only that part)
            if len(table):
                return table.max_id() if hasattr(table, "max_id") else max(map(int, table))
        return 0

    def held_at(self, generation: int, count: int) -> int | None:
        """``count`` if the state at ``generation`` held ``count`` documents, all of them in the
        leading parts unchanged since (their versions at most ``generation``) and the first
        part changed since, as it was then if it only grew by appends (its ``lineage``): then
        every document after those is new since, and a fold over that state continues from
        there (after notes that filled the newest part and began the next). None if not, or
        unknown (``generation`` None: the table did not exist)."""
        if generation is None or not self._generations:
            return None
        held = 0
        for i, part_generation in enumerate(self._generations):
            part = self._part(i)
            if part_generation is not None and part_generation <= generation:
                held += len(part)
            else:
                lineage = getattr(part, "lineage", {})
                earlier = [version for version in lineage if version <= generation]
                held += lineage[max(earlier)] if earlier else 0
                break
            if held > count:
                return None
        return count if held == count else None

    @property
    def lineage(self) -> dict:
        """``{generation of an earlier state: its length}`` for the states this one grew from by
        appends to its last part alone (what ``ReadView.fold`` continues from). Only states from
        every other part's generation on qualify: then those parts were as they are now."""
        if not self._names or self._generations is None:
            return {}
        tables = self._tables
        before = max(self._generations[:-1], default=-1)
        offset = sum(map(len, tables[:-1]))
        grown = getattr(tables[-1], "lineage", {})
        return {generation: offset + n for generation, n in grown.items() if generation >= before}


class ById(Mapping):
    """``{doc id: value}`` over per-part dicts in id order (``ReadView.mapped``): a lookup asks
    the part whose ids span the key; nothing is merged into one dict."""

    def __init__(self, parts: list[dict]) -> None:
        self._parts = [part for part in parts if part]
        self._firsts = [min(part) for part in self._parts]

    def __getitem__(self, doc_id):
        i = bisect_right(self._firsts, doc_id) - 1 if type(doc_id) is int else -1
        if i < 0:
            raise KeyError(doc_id)
        return self._parts[i][doc_id]

    def get(self, doc_id, default=None):
        i = bisect_right(self._firsts, doc_id) - 1 if type(doc_id) is int else -1
        return self._parts[i].get(doc_id, default) if i >= 0 else default

    def __contains__(self, doc_id) -> bool:
        return self.get(doc_id, _MISSING) is not _MISSING

    def __iter__(self) -> Iterator[int]:
        for part in self._parts:
            yield from part

    def __len__(self) -> int:
        return sum(map(len, self._parts))

    def items(self):
        for part in self._parts:
            yield from part.items()

    def values(self):
        for part in self._parts:
            yield from part.values()


_MISSING = object()


class PartsWorking(MutableMapping):
    """A transaction's working copy of a table kept in parts: each write goes to its part's own
    working copy, so the commit writes only the parts that changed.

    ``read(part)`` gives a part's current data, ``write(part)`` its working copy (made on first
    use), ``parts`` is the transaction's list of the table's parts, extended here when a new id
    needs a new part.
    """

    def __init__(self, name: str, size: int, parts: list[tuple[int, int, str]],
                 read: Callable[[str], Mapping], write: Callable[[str], MutableMapping]) -> None:
        self.name, self.size, self.parts = name, size, parts
        self._read, self._write = read, write
        self._hit: tuple[int, int, str] | None = None

    def _part(self, key: str, create: bool = False) -> str | None:
        doc_id = int(key)
        hit = self._hit  # inserts come in runs of ids: most land in the part of the one before
        if hit is not None and hit[0] <= doc_id <= hit[1]:
            return hit[2]
        i = bisect_right([first for first, _, _ in self.parts], doc_id) - 1
        if i >= 0 and doc_id <= self.parts[i][1]:
            self._hit = self.parts[i]
            return self._hit[2]
        if not create:
            return None
        first, last = range_for(doc_id, self.size, self.parts)
        self._hit = (first, last, part_name(self.name, first, last))
        self.parts.insert(i + 1, self._hit)
        return self._hit[2]

    def __getitem__(self, key):
        part = self._part(key)
        if part is None:
            raise KeyError(key)
        return self._read(part)[key]

    def __setitem__(self, key, doc) -> None:
        self._write(self._part(key, create=True))[key] = doc

    def __delitem__(self, key) -> None:
        part = self._part(key)
        if part is None:
            raise KeyError(key)
        del self._write(part)[key]

    def __contains__(self, key) -> bool:
        part = self._part(key)
        return part is not None and key in self._read(part)

    def __iter__(self) -> Iterator[str]:
        for _, _, part in list(self.parts):
            yield from list(self._read(part))

    def __len__(self) -> int:
        return sum(len(self._read(part)) for _, _, part in self.parts)

    def clear(self) -> None:
        for _, _, part in self.parts:
            if len(self._read(part)):
                self._write(part).clear()
