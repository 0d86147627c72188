"""Coaching notes per volunteer and per case, and the progress check-ins. Pure, apart from
the store functions at the end.

A note (table `coaching_notes`): {"volunteer_id": int | None, "case_id": int | None, "date",
"kind", "content", "follow_up", "follow_up_date", "follow_up_done", "by", "at"}.

A duo "reported" on a case when the timeline has a contact with the bemiddelaars (a
check-in is logged as exactly that), a debrief, or a coaching note on the case; before the
first report the clock starts when the duo was linked.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..cases import workflow
from ..quality.forms import date_field, text_field
from common import tables

NOTES = tables.COACHING_NOTES
KINDS = {"telefonisch": "Telefonisch", "individueel": "Individueel gesprek", "intervisie": "Intervisie"}
MAX_TEXT = 4000
DEFAULT_CHECKIN_DAYS = 10
# Steps in which the duo is at work; nazorg waits weeks on purpose and has its own list.
WORKING_STEPS = ("gekoppeld", "gesprek-a", "gesprek-b", "bemiddelingsgesprek", "pendel")
CHECKIN = {"kind": "contact", "with": "bemiddelaars", "channel": "telefoon", "minutes": 0,
           "summary": "Voortgang nagevraagd bij het duo (check-in)."}


def check_note(form: Mapping[str, Any], *, today: dt.date, volunteer_ids: Iterable[int],
               case_ids: Iterable[int]) -> tuple[dict[str, Any], dict[str, str]]:
    """A coaching note from the form; about a volunteer, a case, or both."""
    errors: dict[str, str] = {}
    raw_volunteer, raw_case = str(form.get("volunteer_id") or ""), str(form.get("case_id") or "")
    volunteer_id = int(raw_volunteer) if raw_volunteer.isdigit() else None
    case_id = int(raw_case) if raw_case.isdigit() else None
    if volunteer_id is not None and volunteer_id not in set(volunteer_ids):
        errors["volunteer_id"] = "Kies een vrijwilliger uit de lijst."
    if case_id is not None and case_id not in set(case_ids):
        errors["case_id"] = "Kies een zaak uit de lijst."
    if volunteer_id is None and case_id is None:
        errors["volunteer_id"] = "Kies over welke vrijwilliger of zaak de notitie gaat."
    day = date_field(errors, form, "date", "datum", today=today, default=today.isoformat())
    kind = str(form.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = "Kies het soort contact: telefonisch, individueel gesprek of intervisie."
    content = text_field(errors, form, "content", MAX_TEXT)
    if not content:
        errors["content"] = "Schrijf kort wat er besproken is."
    follow_up = text_field(errors, form, "follow_up", MAX_TEXT)
    # A follow-up lies ahead: any date up to a year from now is fine.
    follow_up_date = ""
    if str(form.get("follow_up_date") or "").strip():
        follow_up_date = date_field(errors, form, "follow_up_date", "datum van de vervolgactie",
                                    today=today + dt.timedelta(days=366))
    elif follow_up:
        errors["follow_up_date"] = "Kies wanneer de vervolgactie moet gebeuren."
    return {"volunteer_id": volunteer_id, "case_id": case_id, "date": day, "kind": kind, "content": content,
            "follow_up": follow_up, "follow_up_date": follow_up_date, "follow_up_done": False}, errors


# -- check-ins --------------------------------------------------------------------------

@dataclass(frozen=True)
class Quiet:
    """A running case the duo has not reported on for a while."""

    case: Any
    last_report: dt.date
    days: int
    source: str  # what the last report was, in words


Heard = tuple[str, str]  # (the day, ISO, and how the duo reported), compared as a pair


def event_heard(event: Mapping[str, Any]) -> Heard | None:
    """What a timeline event says about the duo reporting, if anything."""
    if event.get("kind") == "contact" and event.get("with") == "bemiddelaars":
        return (event.get("date") or event.get("at") or "")[:10], "contact met het duo"
    if event.get("kind") == "duo" or (event.get("kind") == "step" and event.get("to") == "gekoppeld"):
        return (event.get("at") or "")[:10], "duo gekoppeld"
    return None


def debrief_heard(debrief: Mapping[str, Any]) -> Heard:
    return (debrief.get("date") or "")[:10], "nabespreking"


def note_heard(note: Mapping[str, Any]) -> Heard:
    return (note.get("date") or "")[:10], "coachingsnotitie"


def add_heard(latest: dict, doc: Mapping[str, Any], heard) -> None:
    """Keep in ``latest`` ({case id: Heard}) the later of what it holds and what ``doc`` says.
    Sets keys only, never changes a value: usable as a store fold."""
    found = heard(doc)
    case_id = doc.get("case_id")
    if found is not None and found[0] and case_id is not None and found > latest.get(case_id, ("", "")):
        latest[case_id] = found


def last_heard(events: Iterable[Mapping], debriefs: Iterable[Mapping], notes: Iterable[Mapping]) -> dict[int, Heard]:
    """Per case the latest report of its duo: {case id: Heard}."""
    latest: dict[int, Heard] = {}
    for docs, heard in ((events, event_heard), (debriefs, debrief_heard), (notes, note_heard)):
        for doc in docs:
            add_heard(latest, doc, heard)
    return latest


def last_report(case: Mapping[str, Any], heard: Heard | None) -> tuple[dt.date | None, str]:
    """The latest day the duo was heard from on this case, and how; before any report, the
    case's last step."""
    if heard is None:
        stamp = (case.get("step_changed_at") or case.get("last_activity_at") or "")[:10]
        return (dt.date.fromisoformat(stamp), "laatste stap") if stamp else (None, "")
    return dt.date.fromisoformat(heard[0]), heard[1]


def quiet_among(cases: Iterable[Mapping], heard: Iterable[Mapping[int, Heard]], *, today: dt.date,
                days: int = DEFAULT_CHECKIN_DAYS) -> list[Quiet]:
    """Open cases whose duo has not reported for `days` days or more; the longest silence first.
    ``heard``: maps {case id: Heard} (of events, debriefs, notes), the latest of them counts."""
    heard = list(heard)
    found = []
    for case in cases:
        if not may_go_quiet(case):
            continue
        latest = None
        for reports in heard:
            report = reports.get(case.doc_id)
            if report is not None and (latest is None or report > latest):
                latest = report
        kept = _KEPT.get(case.doc_id)
        if kept is not None and kept[0] is case and kept[1] == (latest, today, days):
            quiet = kept[2]
        else:
            day, source = last_report(case, latest)
            quiet = Quiet(case, day, (today - day).days, source) if day is not None and (today - day).days >= days else None
            _KEPT[case.doc_id] = (case, (latest, today, days), quiet)
        if quiet is not None:
            found.append(quiet)
    return sorted(found, key=lambda q: (-q.days, q.case.get("number", "")))


# Per case id what quiet_among found last: (the case document, (latest report, today, days), Quiet
# or None). The same stored case with the same inputs gives the same Quiet object, so an unchanged
# list is made of the same objects and Vandaag's coaching panel keeps its HTML (admin/fragments.py);
# the entry holds the case, so no other object gets its id.
_KEPT: dict[int, tuple] = {}


def may_go_quiet(case: Mapping[str, Any]) -> bool:
    """An open case in a working step with a duo on it: one whose duo can go quiet."""
    return case.get("step") in WORKING_STEPS and len(case.get("duo") or []) >= 2 and workflow.is_open(case)


def quiet_cases(cases: Iterable[Mapping], events: Iterable[Mapping], debriefs: Iterable[Mapping],
                notes: Iterable[Mapping], *, today: dt.date, days: int = DEFAULT_CHECKIN_DAYS) -> list[Quiet]:
    """`quiet_among` over these events, debriefs and notes."""
    return quiet_among(cases, [last_heard(events, debriefs, notes)], today=today, days=days)


def follow_ups_due(notes: Iterable[Mapping], *, today: dt.date, ahead: int = 7) -> list:
    """Open follow-ups due within `ahead` days (overdue ones too), the earliest first."""
    until = (today + dt.timedelta(days=ahead)).isoformat()
    due = [n for n in notes if n.get("follow_up") and not n.get("follow_up_done") and (n.get("follow_up_date") or "") <= until]
    return sorted(due, key=lambda n: (n.get("follow_up_date") or "", n.doc_id))


# -- in the store -------------------------------------------------------------------------

def heard_from(view) -> list[dict[int, Heard]]:
    """The duos' latest reports per case from the timeline, the debriefs and the notes. The first
    two are folded per version of their table: after a note in any process only the new events
    are read, not the timelines of every running case."""
    return [view.fold("coaching.heard.events", tables.CASE_EVENTS, lambda acc, e: add_heard(acc, e, event_heard)),
            view.fold("coaching.heard.debriefs", tables.DEBRIEFS, lambda acc, d: add_heard(acc, d, debrief_heard)),
            last_heard((), (), view.table(NOTES))]


def notes_for(view, *, volunteer_id: int | None = None, case_id: int | None = None) -> list:
    docs = view.table(NOTES).all()
    chosen = [n for n in docs if (volunteer_id is None or n.get("volunteer_id") == volunteer_id)
              and (case_id is None or n.get("case_id") == case_id)]
    return sorted(chosen, key=lambda n: (n.get("date", ""), n.doc_id), reverse=True)


def add_note(store, note: Mapping[str, Any], *, by: str, at: dt.datetime) -> int:
    with store.transaction() as tx:
        return tx.table(NOTES).insert({**note, "by": by, "at": at.isoformat(timespec="seconds")})


def mark_follow_up_done(store, note_id: int, *, by: str, at: dt.datetime) -> bool:
    with store.transaction() as tx:
        if tx.table(NOTES).get(doc_id=note_id) is None:
            return False
        tx.table(NOTES).update({"follow_up_done": True, "follow_up_done_at": at.isoformat(timespec="seconds"),
                                "follow_up_done_by": by}, doc_ids=[note_id])
        return True
