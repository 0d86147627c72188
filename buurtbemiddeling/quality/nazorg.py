"""Nazorg per party: contacted when and by whom, whether the agreements hold, satisfaction.

A record (table `nazorg`): {"case_id", "party": index, "contacted_on", "by_whom", "holds",
"satisfaction": 1-5 | None, "note", "by", "at"}; one per party, a new one replaces it.
Pure, apart from the store functions at the end.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from common import clock
from figures.cases import nazorg_done

from .forms import date_field, text_field
from common import tables

NAZORG = tables.NAZORG
HOLDS = {"ja": "Afspraken houden", "deels": "Afspraken houden deels", "nee": "Afspraken houden niet",
         "geen": "Er waren geen afspraken"}
SATISFACTION = {1: "1 – zeer ontevreden", 2: "2 – ontevreden", 3: "3 – neutraal", 4: "4 – tevreden", 5: "5 – zeer tevreden"}
MAX_TEXT = 2000


def check(form: Mapping[str, Any], *, party_count: int, today: dt.date,
          not_before: dt.date | None) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    raw = str(form.get("party") or "")
    party = int(raw) if raw.isdigit() else -1
    if not 0 <= party < party_count:
        errors["party"] = "Kies welke partij is gebeld."
    day = date_field(errors, form, "contacted_on", "datum van het contact", today=today, not_before=not_before)
    by_whom = " ".join(str(form.get("by_whom") or "").split())[:150]
    if not by_whom:
        errors["by_whom"] = "Vul in wie de partij heeft gesproken."
    holds = str(form.get("holds") or "")
    if holds not in HOLDS:
        errors["holds"] = "Kies of de afspraken standhouden."
    raw_score = str(form.get("satisfaction") or "")
    satisfaction = int(raw_score) if raw_score.isdigit() and int(raw_score) in SATISFACTION else None
    if raw_score and satisfaction is None:
        errors["satisfaction"] = "Kies een tevredenheid van 1 tot en met 5."
    note = text_field(errors, form, "note", MAX_TEXT)
    return {"party": party, "contacted_on": day, "by_whom": by_whom, "holds": holds,
            "satisfaction": satisfaction, "note": note}, errors


def done(case: Mapping[str, Any], records: Iterable[Mapping[str, Any]]) -> bool:
    """Nazorg is done when every party was contacted; the closing form's nazorg texts for A
    and B (written when a case is closed from the nazorg step) count as well."""
    return nazorg_done(case, records)  # one definition, shared with the annual report


def summary(record: Mapping[str, Any]) -> str:
    """A party's nazorg in one paragraph, for the closing form:
    "Gebeld op 02-12-2026 door Sanne: afspraken houden. Tevredenheid 4 – tevreden. ..."."""
    day = clock.date_text(record.get("contacted_on"))
    when = f" op {day}" if day else ""
    parts = [f"Gebeld{when}{' door ' + record['by_whom'] if record.get('by_whom') else ''}: "
             f"{HOLDS.get(record.get('holds'), 'afspraken onbekend').lower()}."]
    if record.get("satisfaction") in SATISFACTION:
        parts.append(f"Tevredenheid {SATISFACTION[record['satisfaction']]}.")
    if (record.get("note") or "").strip():
        parts.append(record["note"].strip())
    return " ".join(parts)


def of_case(view, case_id: int) -> dict[int, Any]:
    return {r["party"]: r for r in view.index(NAZORG, "case_id").get(case_id, ())}


def save(store, case_id: int, record: Mapping[str, Any], *, by: str, at: dt.datetime) -> None:
    with store.transaction() as tx:
        table = tx.table(NAZORG)
        doc = {"case_id": case_id, **record, "by": by, "at": at.isoformat(timespec="seconds")}
        old = [r.doc_id for r in table.all() if r.get("case_id") == case_id and r.get("party") == record["party"]]
        if old:
            table.update(doc, doc_ids=old[:1])
        else:
            table.insert(doc)
