"""Readable case numbers: YYYY-NNNN, counting up per year. Pure of Flask.

`assign` must run inside the transaction that inserts the case: the store's lock then
makes the read-max-and-insert atomic across processes, so two coordinators creating a
case at the same moment never get the same number.
"""
from __future__ import annotations

import re
from typing import Iterable

NUMBER_RE = re.compile(r"(\d{4})-(\d{4,})")


def parse(number: str) -> tuple[int, int] | None:
    match = NUMBER_RE.fullmatch((number or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def format_number(year: int, serial: int) -> str:
    return f"{year:04d}-{serial:04d}"


def next_number(existing: Iterable[str], year: int) -> str:
    serials = [p[1] for p in map(parse, existing) if p and p[0] == year]
    return format_number(year, max(serials, default=0) + 1)


class Counter:
    """Hands out next numbers per year for many new cases at once (an import), from one pass."""

    def __init__(self, existing: Iterable[str]):
        self.highest: dict[int, int] = {}
        for parsed in filter(None, map(parse, existing)):
            self.highest[parsed[0]] = max(self.highest.get(parsed[0], 0), parsed[1])

    def next(self, year: int) -> str:
        self.highest[year] = self.highest.get(year, 0) + 1
        return format_number(year, self.highest[year])


def assign(tx, table: str, year: int) -> str:
    """The next free number for `year`, read under the transaction's lock."""
    return next_number((doc.get("number", "") for doc in tx.table(table).all()), year)
