"""The case export: every column of a case's life (`columns`), as CSV and as XLSX. No Flask.

CSV: semicolon-separated UTF-8 with BOM (what Dutch Excel opens without a wizard); a cell
that a spreadsheet would run as a formula is prefixed with a quote (OWASP, CSV injection).
XLSX: typed cells (dates as dates, hours and minutes as numbers), and phone numbers and case
numbers as text, so a spreadsheet keeps their leading 0. Dates are dd-mm-jjjj throughout.
An exported file imports again unchanged (`importing`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from typing import Any, Iterable, Mapping

from common import clock
from figures import cases as case_rules

from ..csv_safe import safe_cell  # shared with every other export
from ..quality import nazorg as nazorg_rules
from ..settings import lists
from ..sheets import decode  # noqa: F401  (imports and tests read files through here)
from . import repo, workflow
from .columns import COLUMNS, EXPORT_ONLY, PARTIES, STEP_DATES
from .page import partner_names

TEXT_COLUMNS = {"Nummer", "Telefoon A", "Telefoon B", "Postcode A", "Postcode B"}


def _day(iso: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(iso)[:10]) if iso else None
    except ValueError:
        return None


def _hours(minutes: Any) -> float:
    return round(int(minutes or 0) / 60, 2)


# -- export ----------------------------------------------------------------------

HEADER = [c.name for c in COLUMNS] + list(EXPORT_ONLY)


def _step_dates(events: Iterable[Mapping]) -> dict[str, dt.date]:
    """The day each step was last reached, from the timeline (a correction counts as well)."""
    found = {}
    for event in sorted(events, key=lambda e: e.get("at") or ""):
        if event.get("kind") == "step" and event.get("to") in STEP_DATES:
            found[event["to"]] = _day(event.get("at"))
    return found


def export_values(view, cases: Iterable[Mapping]) -> Iterable[list[Any]]:
    """The header, then per case its values: dates as dates, hours as numbers, the rest text."""
    volunteers = {doc.doc_id: doc for doc in view.table(repo.VOLUNTEERS)}
    shared_names = {name for name, n in Counter(v.get("name") for v in volunteers.values()).items() if n > 1}
    partners = partner_names(view)
    events = repo.events_by_case(view)
    nazorg = view.index(nazorg_rules.NAZORG, "case_id")
    label = {key: lists.labels(view, key) for key in
             ("wijken", "conflict_types", "referrer_types", "outcomes", "not_solved_reasons", "unsuitable_reasons",
              "household_types")}

    def mediator(volunteer_id) -> str:
        doc = volunteers.get(volunteer_id) or {}
        name = doc.get("name") or f"Vrijwilliger {volunteer_id}"
        return doc.get("email") or name if name in shared_names else name

    yield HEADER
    for case in cases:
        parties = list(case.get("parties") or []) + [{}, {}, {}]
        closing = case.get("closing") or {}
        intake = case.get("intake") or {}
        contacts = {r.get("party"): r for r in nazorg.get(case.doc_id, ())} if hasattr(case, "doc_id") else {}
        steps = _step_dates(events.get(getattr(case, "doc_id", None), ()))
        values = {
            "number": case.get("number"), "reported": case_rules.reported_on(case),
            "step": workflow.label(case.get("step")), "wijk": label["wijken"].get(case.get("wijk"), case.get("wijk") or ""),
            "conflict_types": " | ".join(label["conflict_types"].get(t, t) for t in case.get("conflict_types") or []),
            "referrer": label["referrer_types"].get((case.get("referrer") or {}).get("type"), ""),
            "referrer_org": (case.get("referrer") or {}).get("organisation", ""),
            "description": case.get("description"), "complex": "ja" if case.get("complex") else "nee",
            "decision": workflow.DECISIONS.get(intake.get("decision"), ""), "decided_on": _day(intake.get("decided_on")),
            "unsuitable_reason": label["unsuitable_reasons"].get(intake.get("reason"), intake.get("reason") or "")
            if intake.get("decision") == "ongeschikt" else "",
            "duo": " | ".join(mediator(v) for v in case.get("duo") or []),
            "outcome": label["outcomes"].get(closing.get("outcome"), closing.get("outcome") or ""),
            "not_solved_reason": label["not_solved_reasons"].get(closing.get("reason"), closing.get("reason") or ""),
            "closed_on": _day(closing.get("closed_on")), "agreements": closing.get("agreements"),
            "hours": _hours(case.get("minutes")),
            **{f"date_{step}": day for step, day in steps.items()},
        }
        for index, letter in enumerate(PARTIES):
            party, contact = parties[index], contacts.get(index) or {}
            values |= {f"{letter}_{name}": party.get(name) for name in ("name", "street", "postcode", "phone", "email", "tenure")}
            values |= {f"{letter}_household": label["household_types"].get(party.get("household"), party.get("household") or ""),
                       f"nazorg_{letter}_on": _day(contact.get("contacted_on")), f"nazorg_{letter}_holds": contact.get("holds"),
                       f"nazorg_{letter}_satisfaction": contact.get("satisfaction"), f"nazorg_{letter}_text": closing.get(f"nazorg_{letter}")}
        partner_id = (case.get("referrer") or {}).get("partner_id")
        yield [values.get(c.key) for c in COLUMNS] + [
            _partner_name(partners, partner_id), _day(case.get("nazorg_due")), _moment(case.get("last_activity_at"))]


def _moment(iso: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(iso)[:16]) if iso else None
    except ValueError:
        return None


def _partner_name(partners: Mapping[int, str], partner_id: int | None) -> str:
    """The linked partner only: a name merely resembling the organisation is not a link."""
    if partner_id is None:
        return ""
    return partners.get(partner_id) or f"Partner {partner_id} (niet meer in het netwerk)"


def as_text(value: Any) -> str:
    """A cell as the CSV writes it: one date format, hours with a decimal comma."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime(clock.DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(clock.DATE_FORMAT)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return safe_cell(value)


def export_rows(view, cases: Iterable[Mapping]) -> Iterable[list[str]]:
    for values in export_values(view, cases):
        yield [as_text(value) for value in values]


def export_csv(view, cases: Iterable[Mapping]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(export_rows(view, cases))
    return "\ufeff" + out.getvalue()


def export_xlsx(view, cases: Iterable[Mapping]) -> bytes:
    from ..xlsx import workbook

    return workbook("Zaken", export_values(view, cases), text_columns=TEXT_COLUMNS)
