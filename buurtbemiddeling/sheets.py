"""Importing a spreadsheet saved as CSV, for every area (cases, the volunteer pool). No Flask.

An import is checked whole before anything is written: `read` takes the file within its
limits, `columns_of` matches its header to an area's documented columns (without case,
accents or punctuation), and the area checks each row into a `Row` of a `Plan`. Values of a
configured list that match nothing are gathered per list for the preview's mapping step;
the coordinator's choices come back as a `Mapping` of (list, text) -> value.

Between the preview and the confirmation the file waits in a stash folder under a random
token, so a large file is not sent back and forth in the page.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Mapping, Sequence

from common import clock

from .csv_safe import csv_text
from .settings import lists

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
STASH_HOURS = 24
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class SheetError(ValueError):
    """The file as a whole cannot be read; the message is Dutch."""


@dataclass(frozen=True)
class Column:
    name: str  # the Dutch header, as exported and documented
    key: str
    hint: str = ""  # what goes in it, for the columns page
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers older files use


@dataclass
class Row:
    line: int
    raw: dict[str, str]
    errors: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)  # what will be written, once checked

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the file as a whole
    ignored_columns: list[str] = field(default_factory=list)
    unmatched: dict[str, set[str]] = field(default_factory=dict)  # list key -> texts matching no value
    mapped: dict[str, dict[str, str]] = field(default_factory=dict)  # list key -> {text: value} chosen in the preview

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems and all(r.ok for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    def shown_rows(self, limit: int = 200) -> list[Row]:
        """The rows with an error first, then the others, at most `limit` (a page, not 10,000 rows)."""
        return ([r for r in self.rows if not r.ok] + [r for r in self.rows if r.ok])[:limit]

    def to_map(self) -> list[tuple[str, str, str]]:
        """(list key, text, chosen value or "") for the mapping step, by list and text."""
        found = {(key, text): "" for key, texts in self.unmatched.items() for text in texts}
        found |= {(key, text): value for key, chosen in self.mapped.items() for text, value in chosen.items()}
        return [(key, text, value) for (key, text), value in sorted(found.items())]


def decode(data: bytes) -> str:
    """Spreadsheets save UTF-8 (with or without BOM) or Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_limited(stream: BinaryIO, max_bytes: int = MAX_BYTES) -> bytes:
    """The upload's bytes, read in chunks and never more than one past the limit."""
    chunks, size = [], 0
    while size <= max_bytes:
        chunk = stream.read(min(64 * 1024, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > max_bytes:
        raise SheetError(f"Het bestand is groter dan {max_bytes // (1024 * 1024)} MB. "
                         "Splits het in delen en importeer die na elkaar.")
    return b"".join(chunks)


def read(data: bytes, *, max_rows: int = MAX_ROWS) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line number, cells)]) of a CSV file, blank lines left out."""
    text = decode(data)
    first_line = text[:4096].splitlines()[0] if text.strip() else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    body: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if not header:
                header = cells
                continue
            if len(body) == max_rows:
                raise SheetError(f"Het bestand heeft meer dan {max_rows:,} regels".replace(",", ".")
                                 + f"; importeer er maximaal {max_rows:,} tegelijk.".replace(",", "."))
            body.append((reader.line_num, cells))
    except csv.Error as exc:
        raise SheetError(f"Het bestand is geen leesbare CSV ({exc}). Sla het op als ‘CSV (puntkomma gescheiden)’.") from None
    return header, body


def header_key(text: str) -> str:
    return lists.slugify(text)


def columns_of(header: Sequence[str], columns: Sequence[Column], plan: Plan) -> list[str | None]:
    """Per cell of the header, the key of its column (None: not used); problems go to `plan`."""
    lookup = {header_key(name): c.key for c in columns for name in (c.name, *c.aliases)}
    keys: list[str | None] = []
    for cell in header:
        key = lookup.get(header_key(cell))
        if key is None and cell.strip():
            plan.ignored_columns.append(cell.strip())
        keys.append(key if key not in keys else None)
    missing = [c.name for c in columns if c.required and c.key not in keys]
    if missing:
        plan.problems.append("Deze verplichte kolommen ontbreken: " + ", ".join(missing) + ". "
                             "De eerste regel moet de kolomnamen bevatten.")
    return keys


def rows_of(data: bytes, columns: Sequence[Column], plan: Plan) -> Iterable[Row]:
    """The file's rows with their cells by column key; nothing when the file as a whole is wrong."""
    try:
        header, body = read(data)
    except SheetError as exc:
        plan.problems.append(str(exc))
        return
    if not header:
        plan.problems.append("Het bestand is leeg.")
        return
    keys = columns_of(header, columns, plan)
    if plan.problems:
        return
    if not body:
        plan.problems.append("Het bestand bevat alleen kolomnamen en geen regels.")
        return
    for line, cells in body:
        row = Row(line, {key: (cells[i].strip() if i < len(cells) else "") for i, key in enumerate(keys) if key})
        if len(cells) > len(header):
            row.errors.append("Deze regel heeft meer cellen dan er kolommen zijn; "
                              "staat er een scheidingsteken in een cel zonder aanhalingstekens?")
        yield row


# -- values of the configured lists ------------------------------------------------

class ListValues:
    """Finds configured list values forgivingly (`lists.lookup`), and the coordinator's mapping
    for texts that match none; what stays unmatched is gathered on the plan for the mapping step."""

    def __init__(self, view, plan: Plan, mapping: Mapping[tuple[str, str], str] | None = None):
        self.view, self.plan, self.mapping = view, plan, dict(mapping or {})
        self._lookups: dict[str, dict[str, str]] = {}

    def find(self, row: Row, key: str, text: str, what: str) -> str:
        lookup = self._lookups.get(key)
        if lookup is None:
            lookup = self._lookups[key] = lists.lookup(self.view, key)
        value = lookup.get(lists.loose_key(text))
        if value is None and self.mapping.get((key, lists.loose_key(text))) in lookup.values():
            value = self.plan.mapped.setdefault(key, {})[text] = self.mapping[(key, lists.loose_key(text))]
        if value is None:
            self.plan.unmatched.setdefault(key, set()).add(text)
            row.errors.append(f"{what} ‘{text}’ staat niet in de lijst. Kies hierboven bij ‘Waarden koppelen’ "
                              "welke waarde het is, of voeg die eerst toe bij Instellingen.")
            return ""
        return value


def mapping_from(form: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """The mapping step's choices, posted as map-N-list, map-N-text and map-N-value."""
    found = {}
    for name in form:
        match = re.fullmatch(r"map-(\d+)-list", name)
        if match:
            n = match.group(1)
            value = str(form.get(f"map-{n}-value") or "")
            if value:
                found[(str(form[name]), lists.loose_key(str(form.get(f"map-{n}-text") or "")))] = value
    return found


# -- dates and numbers in cells -----------------------------------------------------

_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@lru_cache(maxsize=4096)
def parse_day(text: str) -> dt.date | None:
    """dd-mm-jjjj (also with / or . and a two-digit year) or jjjj-mm-dd, a time after it ignored."""
    text = text.split(" ")[0].split("T")[0]
    try:
        if match := _YMD.fullmatch(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.fullmatch(text):
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            return dt.date(year, int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def date_cell(row: Row, key: str, what: str, *, today: dt.date, required: bool = False) -> dt.date | None:
    text = row.raw.get(key, "")
    if not text:
        if required:
            row.errors.append(f"De {what} ontbreekt.")
        return None
    value = parse_day(text)
    if value is None:
        row.errors.append(f"De {what} ‘{text}’ is geen bestaande datum. Gebruik dd-mm-jjjj, bijvoorbeeld 03-02-2025.")
        return None
    if value > today:
        row.errors.append(f"De {what} ({clock.date_text(value)}) ligt in de toekomst.")
        return None
    return value


def number_cell(row: Row, key: str, what: str, *, limit: float) -> float | None:
    text = row.raw.get(key, "").replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        row.errors.append(f"{what} ‘{row.raw[key]}’ is geen getal.")
        return None
    if not 0 <= value <= limit:
        row.errors.append(f"{what} ‘{row.raw[key]}’ moet tussen 0 en {limit:g} liggen.")
        return None
    return value


def split_cell(text: str) -> list[str]:
    """Several values in one cell, separated by | (or ; inside a comma-separated file)."""
    return [part.strip() for part in re.split(r"[|;]", text or "") if part.strip()]


# -- the template and the stash ------------------------------------------------------

def template_csv(columns: Sequence[Column], examples: Iterable[Mapping[str, str]]) -> str:
    return csv_text([[c.name for c in columns], *([example.get(c.key, "") for c in columns] for example in examples)])


def stash(folder: Path, data: bytes) -> str:
    """Keep an uploaded file until it is confirmed; old ones are cleared on the way."""
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STASH_HOURS * 3600
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    fd = os.open(folder / f"{token}.csv", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return token


def unstash(folder: Path, token: str) -> bytes | None:
    if not _TOKEN.match(token or ""):
        return None
    path = folder / f"{token}.csv"
    return path.read_bytes() if path.is_file() else None


def discard(folder: Path, token: str) -> None:
    if _TOKEN.match(token or ""):
        (folder / f"{token}.csv").unlink(missing_ok=True)


def plan_with(data: bytes, columns: Sequence[Column], check: Callable[[Row], None], plan: Plan | None = None) -> Plan:
    plan = plan or Plan()
    for row in rows_of(data, columns, plan):
        check(row)
        plan.rows.append(row)
    return plan
