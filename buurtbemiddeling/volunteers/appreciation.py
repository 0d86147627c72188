"""Appreciation: years of service, mediations done, last personal contact, who deserves thanks.

Personal contacts live on the volunteer doc as `contacts`: [{"on", "kind", "note", "by"}].
Mediations are counted from the cases area's table `cases`: a case counts for a volunteer
when the volunteer's id is in the case's `duo` (ids as int or str). Pure.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from common import clock

from .checks import past_date
from common import tables

MILESTONE_YEARS = (1, 5, 10, 15, 20, 25)
MEDIATION_MILESTONES = (10, 25, 50, 100)
CONTACT_KINDS = {"gesprek": "Persoonlijk gesprek", "telefoon": "Telefoontje", "kaart": "Kaartje of attentie",
                 "bedankt": "Bedankt voor een bemiddeling", "jubileum": "Jubileum gevierd"}
ANNIVERSARY_WINDOW_DAYS = 30  # a thank-you is due from 30 days before to 30 days after
NO_CONTACT_DAYS = 90
THANKED_KINDS = ("kaart", "bedankt", "jubileum")


def years_of_service(start: str | None, today: date) -> int:
    if not start:
        return 0
    begin = date.fromisoformat(start[:10])
    return today.year - begin.year - ((today.month, today.day) < (begin.month, begin.day))


def _anniversary(begin: date, years: int) -> date:
    try:
        return begin.replace(year=begin.year + years)
    except ValueError:  # 29 February
        return begin.replace(year=begin.year + years, day=28)


@dataclass(frozen=True)
class Anniversary:
    """A volunteer's milestone year and the day it falls on."""

    years: int
    on: date


def anniversary_near(start: str | None, today: date, window: int = ANNIVERSARY_WINDOW_DAYS) -> Anniversary | None:
    """A milestone year that falls within `window` days before or after today."""
    if not start:
        return None
    begin = date.fromisoformat(start[:10])
    for years in MILESTONE_YEARS:
        on = _anniversary(begin, years)
        if abs((on - today).days) <= window:
            return Anniversary(years, on)
    return None


def last_contact(volunteer: Mapping[str, Any]) -> str | None:
    dates = [c.get("on", "") for c in volunteer.get("contacts", []) if c.get("on")]
    return max(dates) if dates else None


def _duo_ids(case: Mapping[str, Any]) -> set[str]:
    return {str(member) for member in case.get("duo") or []}


def mediation_counts(cases: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """volunteer id (str) -> number of cases they were assigned to."""
    counts: dict[str, int] = {}
    for case in cases:
        for member in _duo_ids(case):
            counts[member] = counts.get(member, 0) + 1
    return counts


def mediation_counts_of(view) -> dict[str, int]:
    """`mediation_counts` of the stored cases, kept per version of the cases table."""
    # Counted per part of the table, so after a change only the changed part is counted again.
    return view.summed("volunteers.mediation_counts", tables.CASES, lambda cases: Counter(mediation_counts(cases)))


def mediations_done(view, volunteer_id: int) -> int:
    return mediation_counts_of(view).get(str(volunteer_id), 0)


@dataclass(frozen=True)
class ThankYou:
    """A volunteer to thank, and why."""

    volunteer: Any
    reasons: list[str]
    last_contact: str | None
    occasion: bool  # an anniversary or a milestone: a dated reason, so it comes first


def thank_you_list(volunteers: Iterable, mediations: Mapping[str, int], today: date) -> list[ThankYou]:
    """Active volunteers a coordinator should thank now, and why; most reasons first."""
    rows = []
    for volunteer in volunteers:
        if volunteer.get("step") not in ("actief", "meeloopperiode"):
            continue
        reasons, occasion = [], False
        contact = last_contact(volunteer)
        near = anniversary_near(volunteer.get("start_date"), today)
        thanked_since = {c.get("on", "") for c in volunteer.get("contacts", []) if c.get("kind") in THANKED_KINDS}
        if near and not any(d >= (near.on - timedelta(days=ANNIVERSARY_WINDOW_DAYS)).isoformat() for d in thanked_since):
            reasons.append(f"{near.years} jaar vrijwilliger {_when(near.on, today)}")
            occasion = True
        if contact is None or (today - date.fromisoformat(contact)).days > NO_CONTACT_DAYS:
            reasons.append("Geen persoonlijk contact sinds " + (clock.date_text(contact) if contact else "de start"))
        done = mediations.get(str(volunteer.doc_id), 0)
        reached = milestone_reached(done)
        if reached and volunteer.get("thanked_for_mediations", 0) < reached:
            reasons.append(f"{reached} bemiddelingen gedaan")
            occasion = True
        if reasons:
            rows.append(ThankYou(volunteer, reasons, contact, occasion))
    return sorted(rows, key=lambda row: (not row.occasion, -len(row.reasons), row.last_contact or "", row.volunteer.get("name", "")))


def check_contact(form: Mapping[str, str], *, by: str, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    errors = {}
    on = past_date(form.get("on"), errors, "on", today, missing="Vul de datum in, bijvoorbeeld 2026-03-14.",
                   future="Een contact kan niet in de toekomst liggen.")
    kind = form.get("kind") or ""
    if kind not in CONTACT_KINDS:
        errors["kind"] = "Kies het soort contact."
    return {"on": on, "kind": kind, "note": (form.get("note") or "").strip()[:1000], "by": by}, errors


def milestone_reached(done: int) -> int | None:
    return max((m for m in MEDIATION_MILESTONES if done >= m), default=None)


def _when(on: date, today: date) -> str:
    days = (on - today).days
    if days == 0:
        return "vandaag"
    return f"over {days} dagen" if days > 0 else "op " + clock.date_text(on)

