"""Appointments of a case: the intake call, the talks with party A and B, the mediation
meeting and the nazorg call, each with date, time, place and who goes.

Table `appointments`: {"case_id", "kind", "date", "start", "end", "place", "volunteers": [ids],
"coordinator": bool, "status", "uid", "created_at"}. An appointment belongs to the step in
which it takes place; moving a case on from that step asks whether it took place.
A calendar feed carries only the kind, the case number and the place: never a party's name.
Pure rules, apart from the small store functions at the end.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from common import clock

from .workflow import WorkflowError, read_date
from common import tables

APPOINTMENTS = tables.APPOINTMENTS


@dataclass(frozen=True)
class Kind:
    """A kind of appointment: its label, its step and how a question names it."""

    label: str
    step: str  # the step of the case in which it takes place
    talk: str  # "het gesprek met partij A": how a question names it


KINDS: dict[str, Kind] = {
    "intake": Kind("Intakegesprek (bellen)", "intake", "het intakegesprek"),
    "gesprek-a": Kind("Gesprek partij A", "gesprek-a", "het gesprek met partij A"),
    "gesprek-b": Kind("Gesprek partij B", "gesprek-b", "het gesprek met partij B"),
    "bemiddelingsgesprek": Kind("Bemiddelingsgesprek", "bemiddelingsgesprek", "het bemiddelingsgesprek"),
    "nazorg": Kind("Nazorg (bellen)", "nazorg", "het nazorggesprek"),
}
# The step a case is in -> the appointment it plans next (gekoppeld: the duo plans party A).
PLANS_NEXT = {"aangemeld": "intake", "intake": "intake", "gekoppeld": "gesprek-a", "gesprek-a": "gesprek-a",
              "gesprek-b": "gesprek-b", "bemiddelingsgesprek": "bemiddelingsgesprek",
              "pendel": "bemiddelingsgesprek", "nazorg": "nazorg"}
PLANNED, HELD, NOT_HELD, CANCELLED = "gepland", "gehouden", "niet-doorgegaan", "afgezegd"
STATUSES = {PLANNED: "Gepland", HELD: "Heeft plaatsgevonden", NOT_HELD: "Ging niet door", CANCELLED: "Afgezegd"}
TOOK_PLACE = {"ja": "Ja, het heeft plaatsgevonden", "nee": "Nee, het ging niet door"}
MAX_PLACE = 200


def label(kind: str) -> str:
    return KINDS[kind].label if kind in KINDS else kind


def _time(text: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(text) if len(text) == 5 else None
    except ValueError:
        return None


def check(form: Any, *, duo: Sequence[int], today: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """A new appointment from the plan form (`form.getlist("volunteers")`): the duo's members
    only, a date not in the past, an end after the start."""
    errors: dict[str, str] = {}
    kind = str(form.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = "Kies welk gesprek dit is."
    day = read_date(str(form.get("date") or ""))
    if day is None:
        errors["date"] = "Vul de datum in als dd-mm-jjjj, bijvoorbeeld 14-03-2026."
    if day and day < today:
        errors["date"] = "Deze datum is al voorbij. Plan een afspraak vandaag of later."
    if day and day > today + dt.timedelta(days=366):
        errors["date"] = "Deze datum ligt meer dan een jaar vooruit. Klopt het jaartal?"
    start, end = str(form.get("start") or "").strip(), str(form.get("end") or "").strip()
    if _time(start) is None:
        errors["start"] = "Vul de begintijd in als uu:mm, bijvoorbeeld 19:30."
    if end and _time(end) is None:
        errors["end"] = "Vul de eindtijd in als uu:mm, bijvoorbeeld 20:30."
    elif end and "start" not in errors and end <= start:
        errors["end"] = "De eindtijd moet na de begintijd liggen."
    place = " ".join(str(form.get("place") or "").split())[:MAX_PLACE]
    if not place:
        errors["place"] = "Vul in waar het gesprek is, bijvoorbeeld ‘bij partij A thuis’ of ‘buurthuis De Linde’."
    chosen = [int(v) for v in form.getlist("volunteers") if str(v).isdigit()]
    volunteers = [v for v in dict.fromkeys(chosen) if v in duo]
    if len(volunteers) != len(set(chosen)):
        errors["volunteers"] = "Kies bemiddelaars uit het duo van deze zaak."
    coordinator = form.get("coordinator") == "ja"
    if not volunteers and not coordinator and "volunteers" not in errors:
        errors["volunteers"] = "Kies wie er gaat: de bemiddelaars, de coördinator of beiden."
    doc = {"kind": kind, "date": day.isoformat() if day else str(form.get("date") or "")[:10], "start": start, "end": end, "place": place,
           "volunteers": volunteers, "coordinator": coordinator}
    return doc, errors


def of_case(appointments: Iterable[Mapping[str, Any]], case_id: int) -> list:
    """A case's appointments in time order."""
    return sorted((a for a in appointments if a.get("case_id") == case_id), key=_when)


def _when(appointment: Mapping[str, Any]) -> tuple[str, str]:
    return appointment.get("date", ""), appointment.get("start", "")


def suggested_kind(case: Mapping[str, Any], mine: Sequence[Mapping[str, Any]]) -> str:
    """The kind the plan form starts with: the talk of the current step, or the next one when
    that one is planned or held already."""
    kind = PLANS_NEXT.get(case.get("step"), "intake")
    order = list(KINDS)
    done = {a.get("kind") for a in mine if a.get("status") in (PLANNED, HELD)}
    while kind in done and order.index(kind) + 1 < len(order):
        kind = order[order.index(kind) + 1]
    return kind


def pending(case: Mapping[str, Any], mine: Sequence[Mapping[str, Any]]):
    """The planned appointment of the step the case is in, which moving on asks about (or None)."""
    kinds = {k for k, kind in KINDS.items() if kind.step == case.get("step")}
    if case.get("step") == "pendel":
        kinds.add("bemiddelingsgesprek")
    planned = [a for a in mine if a.get("kind") in kinds and a.get("status") == PLANNED]
    return planned[-1] if planned else None


def took_place(appointment: Mapping[str, Any] | None, answer: Any) -> bool:
    """The answer to "did it take place?" when moving on; a planned appointment must be answered."""
    if appointment is None:
        return True
    if answer not in TOOK_PLACE:
        raise WorkflowError(f"Geef aan of {KINDS[appointment['kind']].talk} van {clock.date_text(appointment['date'])} "
                            "heeft plaatsgevonden.", "took_place")
    return answer == "ja"


def last_talk_date(mine: Sequence[Mapping[str, Any]], today: dt.date) -> str:
    """The date of the latest talk held (or planned) up to today, for the nazorg step's form."""
    talks = [a["date"] for a in mine if a.get("kind") != "intake" and a.get("status") in (PLANNED, HELD)
             and a.get("date", "") <= today.isoformat()]
    return max(talks, default="")


def between(appointments: Iterable[Mapping[str, Any]], first: dt.date, last: dt.date) -> list:
    """Planned appointments from `first` to `last` inclusive, in time order (Vandaag)."""
    low, high = first.isoformat(), last.isoformat()
    return sorted((a for a in appointments if a.get("status") == PLANNED and low <= a.get("date", "") <= high),
                  key=_when)


def for_volunteer(appointments: Iterable[Mapping[str, Any]], volunteer_id: int,
                  duo_of: Mapping[int, Sequence[int]]) -> list:
    """A volunteer's appointments: they go, and they are still in the case's duo."""
    return sorted((a for a in appointments if volunteer_id in (a.get("volunteers") or [])
                   and volunteer_id in duo_of.get(a.get("case_id"), ()) and a.get("status") != CANCELLED),
                  key=_when)


def calendar_item(appointment: Mapping[str, Any], number: str) -> dict[str, Any]:
    """What a calendar carries of an appointment: kind, case number and place; no names."""
    day = dt.date.fromisoformat(appointment["date"])
    start = dt.datetime.combine(day, dt.time.fromisoformat(appointment["start"]))
    end = (dt.datetime.combine(day, dt.time.fromisoformat(appointment["end"])) if appointment.get("end")
           else start + dt.timedelta(hours=1))
    status = "" if appointment.get("status") == PLANNED else f" ({STATUSES.get(appointment.get('status'), '')})"
    return {"uid": appointment.get("uid") or f"appointment-{appointment.doc_id}@buurtbemiddeling",
            "start": start, "end": end, "summary": f"{label(appointment['kind'])} · zaak {number}{status}",
            "location": appointment.get("place", ""), "category": "Afspraak"}


def summary(appointment: Mapping[str, Any]) -> str:
    """One line for the timeline and lists: "Gesprek partij A op 12-12-2026 om 19:30, bij partij A thuis"."""
    return (f"{label(appointment.get('kind', ''))} op {clock.date_text(appointment.get('date', ''))} om "
            f"{appointment.get('start', '')}, {appointment.get('place', '')}")


# -- the store ------------------------------------------------------------------------

def all_of(view) -> list:
    return view.table(APPOINTMENTS).all()


def add(tx, case_id: int, doc: Mapping[str, Any], at: dt.datetime) -> int:
    return tx.table(APPOINTMENTS).insert({**doc, "case_id": case_id, "status": PLANNED,
                                          "uid": f"{secrets.token_hex(12)}@buurtbemiddeling",
                                          "created_at": at.isoformat(timespec="seconds")})


def set_status(tx, appointment_id: int, status: str) -> None:
    tx.table(APPOINTMENTS).update({"status": status}, doc_ids=[appointment_id])
