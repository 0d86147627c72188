"""Tables read per record: a worker keeps where each document is in the file, not the documents.

A case's timeline, debriefs and proposals are read a case at a time, yet with five years of
cases those tables are most of the data: parsed, the 183,000 events alone took 290 MB in every
worker. A table the store opens lazily keeps three arrays (doc id, start, end of each line)
and reads a document with one ``pread`` when asked; scans parse the file in blocks and keep
nothing.

The file stays a TinyDB file, written one document per line so the lines can be found without
parsing (orjson escapes every newline inside a string)::

    {"<name>":{
    "1":{...},
    "2":{...}
    }}

A file in another layout (an older version, a restored backup) is read the ordinary way.
"""
from __future__ import annotations

import os
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, MutableMapping
from itertools import accumulate

import orjson
from tinydb.table import Document

BLOCK = 1 << 20  # bytes parsed at once in a scan: its memory, whatever the size of the file
TAIL = b"\n}}"
# Earlier versions a table remembers it grew from (and the appends recorded beside its file). A
# worker whose kept version is further behind reads the table whole, and what it kept over it
# (a timeline index, each case's activity) is built again from the first event: about a second
# at five years of cases. 64 was half a minute of the benchmark's notes and step changes in the
# other workers; 512 is some minutes there and hours of a programme's day. The record (8 KB) is
# rewritten with each append: 0.1 ms CPU more per note than with 64, and per reader.
LINEAGE = 512
SHARED_LENGTH = 40  # strings up to this long are codes, names and dates that repeat


def head(name: str) -> bytes:
    return b'{"' + name.encode() + b'":{\n'


def line(key: str, doc) -> bytes:
    return b'"' + key.encode() + b'":' + orjson.dumps(doc)


def dumps_lines(name: str, data: Mapping) -> bytes:
    """A whole table in the line layout."""
    return _file(name, [line(key, data[key]) for key in data])


def _file(name: str, lines: list[bytes]) -> bytes:
    """The file of these lines (or runs of lines), in one join: each concatenation of bytes
    would copy the whole file again."""
    if not lines:
        return orjson.dumps({name: {}})
    pieces = [head(name)]
    for part in lines:
        pieces += (part, b",\n")
    pieces[-1] = TAIL  # the last separator becomes the end of the file
    return b"".join(pieces)


class LazyTable(Mapping):
    """One version of a table file: ``{str doc id: Document}``, each read from disk when asked.

    Holds the file open (an inode, so a later replacement of the path does not matter).
    Documents are parsed anew on each access: nothing is kept, and callers treat them as
    read-only as everywhere else in the store.
    """

    def __init__(self, fh, name: str, ids: array, starts: array, ends: array, lineage: dict | None = None,
                 ordered: bool | None = None) -> None:
        self._fh, self.name = fh, name
        self._ids, self._starts, self._ends = ids, starts, ends
        # Ids only grow in a table that is appended to: then a binary search finds a line,
        # otherwise a dict does.
        if ordered is None:
            ordered = all(a < b for a, b in zip(ids, ids[1:]))
        self._where = None if ordered else {doc_id: i for i, doc_id in enumerate(ids)}
        # {generation of an earlier version: its length} for the versions this process turned into
        # this one by appending only: what was kept for them can be continued, not rebuilt.
        self.lineage = lineage or {}

    @classmethod
    def open(cls, fh, name: str) -> LazyTable | None:
        """The table in ``fh`` (a binary file at offset 0), or None if it is not in the line layout."""
        start = head(name)
        if fh.read(len(start)) != start:
            return None
        ids, starts, ends = _scan(fh, len(start))
        if not ids:
            return None
        return cls(fh, name, ids, starts, ends)

    def grown(self, fh, version, size: int) -> LazyTable | None:
        """The version in ``fh`` (``size`` bytes) if it is this one, ``version``, with lines
        appended (by another process, per its record: `appends`); else None. The old last line
        must read the same in both files, as a check that the record is about these files."""
        end = self._ends[-1]
        last = os.pread(self._fh.fileno(), end - self._starts[-1], self._starts[-1])
        if os.pread(fh.fileno(), len(last) + 2, self._starts[-1]) != last + b",\n":
            return None
        data = os.pread(fh.fileno(), size - end, end)  # from the comma after the old last line
        if not data.endswith(TAIL):
            return None
        return self.appended(fh, data, None, version, offset=end)

    def appended(self, fh, data: bytes, count: int | None, version, offset: int = 0) -> LazyTable:
        """The version in ``fh``: this one, ``version``, plus ``count`` new lines (None: as many
        as there are). ``data``: the new file's bytes from ``offset`` on."""
        ids, starts, ends = array("q", self._ids), array("q", self._starts), array("q", self._ends)
        ordered = self._where is None
        if count != 0:
            tail_start = self._ends[-1] + 2  # after the comma and newline that now follow the old last line
            found = _lines(data[tail_start - offset:len(data) - len(TAIL)] + b"\n", tail_start)
            if count is not None and len(found[0]) != count:
                raise ValueError("the appended lines do not match the new file")
            new_ids = found[0]
            ordered = ordered and all(a < b for a, b in zip(new_ids, new_ids[1:])) and (not ids or ids[-1] < new_ids[0])
            for target, part in zip((ids, starts, ends), found):
                target.extend(part)
        lineage = dict(list(self.lineage.items())[-LINEAGE + 1:]) | {version: len(self._ids)}
        return LazyTable(fh, self.name, ids, starts, ends, lineage=lineage, ordered=ordered)

    # -- the mapping ---------------------------------------------------------------------

    def _position(self, key) -> int | None:
        try:
            doc_id = int(key)
        except (TypeError, ValueError):
            return None
        if self._where is not None:
            return self._where.get(doc_id)
        i = bisect_left(self._ids, doc_id)
        return i if i < len(self._ids) and self._ids[i] == doc_id else None

    def __getitem__(self, key) -> Document:
        i = self._position(key)
        if i is None:
            raise KeyError(key)
        return self._read(i)

    def __contains__(self, key) -> bool:
        return self._position(key) is not None

    def __iter__(self) -> Iterator[str]:
        return map(str, self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def values(self, start: int = 0) -> Iterator[Document]:
        return (doc for _, doc in self.items(start))

    def items(self, start: int = 0) -> Iterator[tuple[str, Document]]:
        """Every document from position ``start`` on, parsed a block of lines at a time."""
        i, n = start, len(self._ids)
        while i < n:
            j = bisect_left(self._starts, self._starts[i] + BLOCK, i + 1, n)
            block = os.pread(self._fh.fileno(), self._ends[j - 1] - self._starts[i], self._starts[i])
            for key, doc in orjson.loads(b"{" + block + b"}").items():
                yield key, Document(doc, int(key))
            i = j

    def max_id(self) -> int:
        return max(self._ids, default=0)

    def _read(self, i: int) -> Document:
        raw = os.pread(self._fh.fileno(), self._ends[i] - self._starts[i], self._starts[i])
        return Document(orjson.loads(raw[raw.index(b":") + 1:]), self._ids[i])

    def lines(self, first: int, last: int) -> bytes:
        """Lines ``first`` to ``last`` (exclusive) as they are in the file, joined by ``,\\n``."""
        return os.pread(self._fh.fileno(), self._ends[last - 1] - self._starts[first], self._starts[first])


def _lines(buf: bytes, offset: int) -> tuple[array, array, array]:
    """Ids and document spans of the complete lines in ``buf``, found at file ``offset``."""
    lines = buf.split(b"\n")[:-1]
    starts = array("q", accumulate((len(line) + 1 for line in lines[:-1]), initial=offset)) if lines else array("q")
    ids = array("q", (int(line[1:line.index(b'"', 1)]) for line in lines))
    ends = array("q", (s + len(line) - (line[-1:] == b",") for s, line in zip(starts, lines)))
    return ids, starts, ends


def _scan(fh, offset: int) -> tuple[array, array, array]:
    ids, starts, ends = array("q"), array("q"), array("q")
    carry = b""
    while block := fh.read(BLOCK):
        buf = carry + block
        cut = buf.rfind(b"\n") + 1
        for target, part in zip((ids, starts, ends), _lines(buf[:cut], offset)):
            target.extend(part)
        offset += cut
        carry = buf[cut:]
    if carry != b"}}":
        raise ValueError("table file does not end with its last line and }}")
    return ids, starts, ends


# -- appends seen by other processes ------------------------------------------------------
# A writer that only appended to a lazy table records (old version, new version) next to the
# file, so another process holding the old version reads only the new lines instead of
# scanning the whole file and rebuilding what it kept (up to half a second at L). The record
# is a hint: a missing or unreadable one means a full scan, and a version is only ever
# matched by its exact generation (generations are never reused).

def _appends_path(path):
    return path.with_name(f".{path.stem}.appends")


def record_append(path, old: int, new: int) -> None:
    """Remember that generation ``new`` of the table file at ``path`` is ``old`` with lines appended."""
    steps = appends(path)[-(LINEAGE - 1):] + [[old, new]]
    tmp = path.with_name(f".{path.stem}.appends.{os.getpid()}.tmp")
    tmp.write_bytes(orjson.dumps(steps))
    os.chmod(tmp, 0o600)
    os.replace(tmp, _appends_path(path))


def appends(path) -> list:
    try:
        steps = orjson.loads(_appends_path(path).read_bytes())
        return steps if isinstance(steps, list) else []
    except (OSError, orjson.JSONDecodeError):
        return []


def appended_chain(path, old: int, new: int) -> bool:
    """Whether the records lead from generation ``old`` to ``new`` by appends only."""
    following = {a: b for a, b in (step for step in appends(path) if len(step) == 2) if isinstance(a, int)}
    key, seen = old, set()
    while key in following and key not in seen:
        seen.add(key)
        key = following[key]
        if key == new:
            return True
    return False


class Overlay(MutableMapping):
    """A transaction's working copy of a lazy table: its changes over the unchanged file.

    TinyDB's updaters see a dict; only the documents they touch are read, and a commit copies
    the unchanged lines from the file as they are.
    """

    def __init__(self, base: LazyTable) -> None:
        self.base = base
        self.changed: dict[str, dict] = {}  # written or replaced documents, by str id
        self.deleted: set[str] = set()  # ids of the file removed
        self.added: dict[str, None] = {}  # ids not in the file, in order of insertion

    def __getitem__(self, key: str):
        if key in self.changed:
            return self.changed[key]
        if key in self.deleted:
            raise KeyError(key)
        return self.base[key]

    def __setitem__(self, key: str, doc) -> None:
        if key not in self.base:
            self.added[key] = None
        self.deleted.discard(key)
        self.changed[key] = doc

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.changed.pop(key, None)
        if key in self.added:
            del self.added[key]
        else:
            self.deleted.add(key)

    def __contains__(self, key) -> bool:
        return key in self.changed or (key not in self.deleted and key in self.base)

    def __iter__(self) -> Iterator[str]:
        yield from (key for key in self.base if key not in self.deleted)
        yield from self.added

    def __len__(self) -> int:
        return len(self.base) - len(self.deleted) + len(self.added)

    def items(self):
        for key, doc in self.base.items():
            if key in self.changed:
                yield key, self.changed[key]
            elif key not in self.deleted:
                yield key, doc
        for key in self.added:
            yield key, self.changed[key]

    def values(self):
        return (doc for _, doc in self.items())

    def clear(self) -> None:
        self.changed.clear()
        self.added.clear()
        self.deleted = set(self.base)

    @property
    def only_appended(self) -> bool:
        return not self.deleted and all(key in self.added for key in self.changed)

    def dumps(self) -> bytes:
        """The new file: unchanged runs of lines copied from the old one, the rest serialised."""
        base, name = self.base, self.base.name
        touched = sorted(base._position(key) for key in set(self.changed).union(self.deleted) if key in base)
        parts, run_start = [], 0
        for i in touched:
            if i > run_start:
                parts.append(base.lines(run_start, i))
            key = str(base._ids[i])
            if key not in self.deleted:
                parts.append(line(key, self.changed[key]))
            run_start = i + 1
        if run_start < len(base):
            parts.append(base.lines(run_start, len(base)))
        parts.extend(line(key, self.changed[key]) for key in self.added)
        return _file(name, parts)


def reparsed(table: LazyTable, before: bytes, held: Mapping) -> dict | None:
    """Every document of ``table`` in a dict, as ``materialise(table, share_strings=False)``, but
    a document whose line reads exactly as in ``before`` (the bytes of an earlier version's file,
    whose documents ``held`` are) is the held one: only the lines that differ are parsed. A
    writer copies the lines it did not change (``PartsWorking.dumps``), so after another
    process's change to one case of a part's 200 the part costs that case, not a parse of all
    of it. None when ``before`` is not a file in the line layout."""
    start = head(table.name)
    if not before.startswith(start) or not before.endswith(TAIL):
        return None
    known = set(before[len(start):-len(TAIL)].split(b",\n"))
    raw = table.lines(0, len(table))
    first, found, changed = table._starts[0], {}, []
    for doc_id, begin, end in zip(table._ids, table._starts, table._ends):
        text = raw[begin - first:end - first]
        key = str(doc_id)
        doc = held.get(key) if text in known else None
        if type(doc) is Document:
            found[key] = doc
        else:
            found[key] = None  # its place in the file's order, filled below
            changed.append(text)
    if changed:
        for key, doc in orjson.loads(b"{" + b",".join(changed) + b"}").items():
            found[key] = Document(doc, int(key))
    return found


def materialise(table: LazyTable, share_strings: bool = True) -> dict:
    """Every document of ``table`` in a dict, short strings shared: a step, a wijk, a date or a
    checklist item is then one object however many documents hold it (a third of 15,000
    cases' memory). Parsed a block at a time, so the file is never parsed whole.
    ``share_strings=False``: as parsed (walking every value costs ten times the parse)."""
    if not share_strings:
        return dict(table.items())
    shared: dict[str, str] = {}

    def share(value):
        if type(value) is str:
            return shared.setdefault(value, value) if len(value) <= SHARED_LENGTH else value
        if isinstance(value, dict):  # a Document too
            for key, item in value.items():
                if type(item) is not int:
                    value[key] = share(item)
        elif type(value) is list:
            value[:] = map(share, value)
        return value

    return {key: share(doc) for key, doc in table.items()}


class Grouped(Mapping):
    """``{value: [documents]}`` over a lazy table: the ids are kept, the documents read when asked."""

    def __init__(self, table: LazyTable, ids: Mapping) -> None:
        self._table, self._ids = table, ids

    def __getitem__(self, value) -> list[Document]:
        return [self._table[doc_id] for doc_id in self._ids[value]]

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
