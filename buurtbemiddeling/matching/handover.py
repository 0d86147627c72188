"""The handover sheet for the duo: only what they need for their talks, and nothing else.

On it: the case number, the duo (names and phone numbers, to reach each other), per party
the name, address, phone number and preferred language (the duo must know whether to bring
an interpreter), the conflict in short, safety notes and the agreements so far. Never on
it: the referrer and their notes, e-mail addresses, household, tenure and landlord, the
intake advice, the timeline, other cases.

The coordinator may word the short conflict, the safety notes and the agreements for the
duo (table `handovers`: {"case_id", "summary", "safety", "agreements", "updated_at", "by"});
until then the sheet offers a first paragraph of the description. Pure, apart from the
two small store functions at the end.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from ..cases import appointments as case_appointments
from common import tables

HANDOVERS = tables.HANDOVERS
PARTY_KEYS = ("name", "street", "postcode", "place", "phone", "call_time", "language")
SUMMARY_LIMIT = 600
MAX_TEXT = 3000
AUTO_SAFETY = {
    "violence_reported": "Bij de melding is geweld of bedreiging genoemd. Ga altijd samen en bel de coördinator "
                         "vóór het eerste gesprek.",
    "complex": "Complexe zaak: bespreek elk gesprek kort na met de coördinator.",
}


def first_paragraph(text: str, limit: int = SUMMARY_LIMIT) -> str:
    paragraph = (text or "").strip().split("\n\n")[0].strip()
    if len(paragraph) <= limit:
        return paragraph
    return paragraph[:limit].rsplit(" ", 1)[0] + " …"


def sheet(case: Mapping[str, Any], duo: Sequence[Mapping[str, Any]], handover: Mapping[str, Any] | None = None,
          conflict_labels: Mapping[str, str] | None = None,
          appointments: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The sheet's content, built from an allow-list of fields; `appointments` are the case's."""
    labels = conflict_labels or {}
    handover = handover or {}
    parties = [{"letter": chr(ord("A") + i) if i < 26 else str(i + 1), **{k: (p.get(k) or "") for k in PARTY_KEYS}}
               for i, p in enumerate(case.get("parties") or [])]
    safety = [text for key, text in AUTO_SAFETY.items() if case.get(key)]
    if (handover.get("safety") or "").strip():
        safety.append(handover["safety"].strip())
    closing = case.get("closing") or {}
    return {
        "number": case.get("number", ""),
        "duo": [{"name": v.get("name", ""), "phone": v.get("phone", "")} for v in duo],
        "parties": parties,
        "conflict_types": [labels.get(t, t) for t in case.get("conflict_types") or []],
        "summary": (handover.get("summary") or "").strip() or first_paragraph(case.get("description", "")),
        "safety": safety,
        "agreements": (handover.get("agreements") or "").strip() or (closing.get("agreements") or "").strip(),
        "appointments": [{"kind": case_appointments.label(a.get("kind", "")), "date": a.get("date", ""),
                          "start": a.get("start", ""), "end": a.get("end", ""), "place": a.get("place", ""),
                          "status": case_appointments.STATUSES.get(a.get("status"), "")}
                         for a in appointments if a.get("status") != case_appointments.CANCELLED],
    }


def check(form: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The coordinator's wording for the sheet."""
    values = {key: str(form.get(key) or "").replace("\r\n", "\n").strip() for key in ("summary", "safety", "agreements")}
    errors = {key: f"Gebruik maximaal {MAX_TEXT} tekens." for key, text in values.items() if len(text) > MAX_TEXT}
    return values, errors


def sheet_of(view, case, conflict_labels: Mapping[str, str]) -> dict[str, Any]:
    """The sheet of a case as stored: its duo, the coordinator's wording and its appointments."""
    volunteers = view.table(tables.VOLUNTEERS)
    duo = [v for v in (volunteers.get(doc_id=i) for i in case.get("duo") or []) if v is not None]
    found = case_appointments.of_case(case_appointments.all_of(view), case.doc_id)
    return sheet(case, duo, get(view, case.doc_id), conflict_labels, found)


def get(view, case_id: int):
    return next((h for h in view.table(HANDOVERS).all() if h.get("case_id") == case_id), None)


def save(store, case_id: int, values: Mapping[str, str], by: str, at: dt.datetime) -> None:
    with store.transaction() as tx:
        table = tx.table(HANDOVERS)
        doc = {"case_id": case_id, **values, "updated_at": at.isoformat(timespec="seconds"), "by": by}
        existing = next((h for h in table.all() if h.get("case_id") == case_id), None)
        if existing is None:
            table.insert(doc)
        else:
            table.update(doc, doc_ids=[existing.doc_id])
