"""What the audit log's search box finds: a record key, a case number or a person.

The log stores record keys (`case:37`, `report:3`), never names. A case number as shown
("2026-0037") or a person's name, e-mail address or phone number is resolved here, at search
time, to the record keys it stands for, through the data as it is now: so an erased person
is no longer found, and the log itself never holds a name. Pure of Flask.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from common import tables

from ..cases import numbering
from . import subjects

RECORD_KEY = re.compile(r"[a-z][a-z_-]*:[\w.-]+")


@dataclass(frozen=True)
class Resolved:
    records: frozenset[str]
    found: tuple[str, ...]  # what the text stood for, in Dutch, e.g. "zaak 2026-0037"
    by_person: bool  # resolved through a person's data (the search is then a person search)


def _case_records(case) -> set[str]:
    """A case's own entries and those of the report it came from."""
    records = {f"case:{case.doc_id}"}
    if case.get("report_id"):
        records.add(f"report:{case['report_id']}")
    return records


def resolve(view, text: str) -> Resolved | None:
    """The records `text` stands for; None when it is a plain record key (filtered as typed)."""
    text = " ".join((text or "").split())
    if RECORD_KEY.fullmatch(text):
        return None
    number = numbering.parse(text)
    if number:
        shown = numbering.format_number(*number)
        cases = [c for c in view.table(tables.CASES).all() if c.get("number") == shown]
        records = set().union(*(_case_records(c) for c in cases)) if cases else set()
        return Resolved(frozenset(records), (f"Zaak {shown}",) if cases else (), False)
    hits = subjects.search(view, text)
    records: set[str] = set()
    for hit in hits:
        records.add(hit.record)
        if hit.kind == "case":
            case = view.table(tables.CASES).get(doc_id=hit.doc_id)
            if case:
                records |= _case_records(case)
    return Resolved(frozenset(records), tuple(dict.fromkeys(f"{h.label} ({h.role})" for h in hits)), True)


def case_numbers(view, records: Iterable[str]) -> dict[str, str]:
    """The case number shown beside each `case:N` record key."""
    numbers = {}
    for record in records:
        kind, _, doc_id = (record or "").partition(":")
        if kind == "case" and doc_id.isdigit():
            case = view.table(tables.CASES).get(doc_id=int(doc_id))
            if case and case.get("number"):
                numbers[record] = case["number"]
    return numbers
