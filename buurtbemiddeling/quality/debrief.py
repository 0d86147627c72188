"""The nabespreking (debrief) after each talk: what went well, what was hard, the protocol
checklist, and whether coaching is needed. Pure, apart from the store functions at the end.

A debrief (table `debriefs`): {"case_id", "talk", "date", "went_well", "hard",
"checklist": [{"item", "done"}], "coaching_needed", "volunteer_ids", "by", "at"}.
The checklist is stored as it was asked, so a later change to the protocol does not
rewrite what a duo answered.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from common import clock

from .forms import date_field, text_field
from common import tables

DEBRIEFS = tables.DEBRIEFS
TALKS = {
    "gesprek-a": "Gesprek met partij A",
    "gesprek-b": "Gesprek met partij B",
    "bemiddelingsgesprek": "Bemiddelingsgesprek",
    "pendel": "Pendelgesprek",
    "nazorg": "Nazorggesprek",
}
# Used while no published protocol has a Checklist section.
FALLBACK_CHECKLIST = (
    "Het gesprek samen als duo gevoerd",
    "Uitgelegd dat bemiddeling vrijwillig en vertrouwelijk is",
    "Neutraal gebleven en geen partij gekozen",
    "Geen eigen oplossingen aangedragen",
    "Afspraken of vervolgstappen samengevat",
    "De coördinator binnen twee dagen op de hoogte gebracht",
)
MAX_TEXT = 4000


def from_protocols(items: Sequence[str]) -> bool:
    """Whether `items` are a published protocol's checklist (else the general fallback list)."""
    return list(items) != list(FALLBACK_CHECKLIST)


def checklist_items(view) -> list[str]:
    """The protocols' published checklist when there is one, else the fallback list."""
    try:
        from ..protocols.checklist import published_checklist
    except ImportError:  # the protocols area is optional for this one
        return list(FALLBACK_CHECKLIST)
    return published_checklist(view) or list(FALLBACK_CHECKLIST)


def check(form: Any, items: Sequence[str], *, today: dt.date, not_before: dt.date | None,
          duo: Sequence[int]) -> tuple[dict[str, Any], dict[str, str]]:
    """A debrief from the form; `form.getlist("checked")` holds the indexes of ticked items."""
    errors: dict[str, str] = {}
    talk = str(form.get("talk") or "")
    if talk not in TALKS:
        errors["talk"] = "Kies over welk gesprek de nabespreking gaat."
    day = date_field(errors, form, "date", "datum van het gesprek", today=today, not_before=not_before)
    went_well = text_field(errors, form, "went_well", MAX_TEXT)
    hard = text_field(errors, form, "hard", MAX_TEXT)
    if not went_well and not hard:
        errors["went_well"] = "Schrijf wat goed ging of wat moeilijk was."
    checked = set(form.getlist("checked")) if hasattr(form, "getlist") else set(form.get("checked") or [])
    checklist = [{"item": item, "done": str(i) in checked} for i, item in enumerate(items)]
    coaching = str(form.get("coaching_needed") or "")
    if coaching not in ("ja", "nee"):
        errors["coaching_needed"] = "Geef aan of coaching nodig is."
    return {"talk": talk, "date": day, "went_well": went_well, "hard": hard, "checklist": checklist,
            "coaching_needed": coaching == "ja", "volunteer_ids": list(duo)}, errors


def missed(debrief: Mapping[str, Any]) -> list[str]:
    return [entry["item"] for entry in debrief.get("checklist") or [] if not entry.get("done")]


def of_case(view, case_id: int) -> list:
    return sorted(view.index(DEBRIEFS, "case_id").get(case_id, ()),
                  key=lambda d: (d.get("date", ""), d.doc_id))


def of_volunteer(view, volunteer_id: int) -> list:
    """A volunteer's debriefs, newest first; their ids are kept per version of the table, so
    the 28,000 debriefs of five years are not read for one volunteer's page."""
    def add_ids(found: dict, doc) -> None:
        for member in doc.get("volunteer_ids") or []:
            found[member] = found.get(member, ()) + (doc.doc_id,)

    table = view.table(DEBRIEFS)
    docs = [table.get(doc_id=i) for i in view.fold("quality.debriefs_by_volunteer", DEBRIEFS, add_ids).get(volunteer_id, ())]
    return sorted(docs, key=lambda d: d.get("date", ""), reverse=True)


def add(store, case_id: int, debrief: Mapping[str, Any], *, by: str, at: dt.datetime) -> int:
    with store.transaction() as tx:
        return tx.table(DEBRIEFS).insert({"case_id": case_id, **debrief, "by": by, "at": at.isoformat(timespec="seconds")})


_LONG_AGO = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _written(doc: Mapping[str, Any]) -> dt.datetime:
    """When a debrief or note was written (`at`), else the day it is about."""
    return clock.parse(doc.get("at") or doc.get("date")) or _LONG_AGO


def coaching_asked(debriefs, notes) -> list:
    """The open coaching requests: debriefs that asked for coaching ("Coaching nodig: ja") with no
    coaching note on that case written after the debrief was. Compared by when each was written,
    not by the day of the talk: a note made earlier the same day answered nothing yet, and a
    debrief about last week's talk, written today, still asks."""
    latest_note: dict[int, dt.datetime] = {}
    for note in notes:
        if note.get("case_id") is not None:
            latest_note[note["case_id"]] = max(latest_note.get(note["case_id"], _LONG_AGO), _written(note))
    return sorted((d for d in debriefs if d.get("coaching_needed") and latest_note.get(d["case_id"], _LONG_AGO) <= _written(d)),
                  key=lambda d: d.get("date", ""))
