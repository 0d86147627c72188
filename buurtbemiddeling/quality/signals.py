"""Signals about a volunteer's functioning, positive or a concern, with a trend. Pure,
apart from the store functions at the end.

A signal (table `volunteer_signals`): {"volunteer_id", "date", "kind": positief | zorg,
"text", "source", "case_id", "by", "at"}. `source` says where it came from: the
coordinator, a nabespreking, a party at nazorg, a colleague.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .forms import date_field
from common import tables

SIGNALS = tables.VOLUNTEER_SIGNALS
KINDS = {"positief": "Positief", "zorg": "Zorg"}
SOURCES = {"coordinator": "Coördinator", "nabespreking": "Nabespreking", "partij": "Een partij (nazorg)",
           "collega": "Collega-bemiddelaar", "anders": "Anders"}
DIRECTIONS = {"beter": "Gaat beter", "slechter": "Meer zorgen", "gelijk": "Gelijk", "onbekend": "Te weinig signalen"}
MAX_TEXT = 2000


def check(form: Mapping[str, Any], *, today: dt.date, volunteer_ids: Iterable[int]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    raw = str(form.get("volunteer_id") or "")
    volunteer_id = int(raw) if raw.isdigit() else None
    if volunteer_id not in set(volunteer_ids):
        errors["volunteer_id"] = "Kies een vrijwilliger uit de lijst."
    kind = str(form.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = "Kies positief of zorg."
    source = str(form.get("source") or "coordinator")
    if source not in SOURCES:
        errors["source"] = "Kies waar het signaal vandaan komt."
    text = str(form.get("text") or "").replace("\r\n", "\n").strip()
    if not text:
        errors["text"] = "Beschrijf het signaal in een paar woorden."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Gebruik maximaal {MAX_TEXT} tekens."
    day = date_field(errors, form, "date", "datum", today=today, default=today.isoformat())
    return {"volunteer_id": volunteer_id, "kind": kind, "source": source, "text": text, "date": day}, errors


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarters_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    year, quarter = quarter_of(today)
    result = []
    for _ in range(count):
        result.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return list(reversed(result))


@dataclass(frozen=True)
class Trend:
    quarters: list[tuple[str, int, int]]  # (label, positive, concern), oldest first
    direction: str

    @property
    def label(self) -> str:
        return DIRECTIONS[self.direction]


def trend(signals: Iterable[Mapping[str, Any]], *, today: dt.date, quarters: int = 4) -> Trend:
    """Positive and concern signals per quarter over the last `quarters`. The direction compares
    the recent half with the older half: worse when concerns grew, better when the balance
    (positive minus concern) rose without more concerns, else the same."""
    keys = _quarters_back(today, quarters)
    counts = {key: [0, 0] for key in keys}
    for signal in signals:
        try:
            key = quarter_of(dt.date.fromisoformat(signal.get("date", "")[:10]))
        except ValueError:
            continue
        if key in counts:
            counts[key][0 if signal.get("kind") == "positief" else 1] += 1
    rows = [(f"K{q} {y}", *counts[(y, q)]) for y, q in keys]
    half = quarters // 2
    older_concerns, recent_concerns = (sum(c for _, _, c in part) for part in (rows[:half], rows[half:]))
    older, recent = (sum(p - c for _, p, c in part) for part in (rows[:half], rows[half:]))
    if sum(p + c for _, p, c in rows) < 2:
        direction = "onbekend"
    elif recent_concerns > older_concerns and recent < older:
        direction = "slechter"  # more concerns lately, not merely less praise
    elif recent > older and recent_concerns <= older_concerns:
        direction = "beter"
    else:
        direction = "gelijk"
    return Trend(rows, direction)


# Worse first: a coordinator looks at growing concerns before anything else.
_DIRECTION_ORDER = {"slechter": 0, "onbekend": 1, "gelijk": 2, "beter": 3}


def overview(all_signals: Iterable[Mapping[str, Any]], names: Mapping[int, str], *, today: dt.date) -> list[dict]:
    """Volunteers with signals, the ones with more concerns lately first."""
    by_volunteer: dict[int, list] = {}
    for signal in all_signals:
        by_volunteer.setdefault(signal.get("volunteer_id"), []).append(signal)
    rows = []
    for vid, found in by_volunteer.items():
        found_trend = trend(found, today=today)
        rows.append({"id": vid, "name": names.get(vid, f"Vrijwilliger {vid}"), "trend": found_trend,
                     "positive": sum(p for _, p, _ in found_trend.quarters),
                     "concern": sum(c for _, _, c in found_trend.quarters),
                     "last": max(s.get("date", "") for s in found)})
    return sorted(rows, key=lambda r: (_DIRECTION_ORDER[r["trend"].direction], -r["concern"], r["name"]))


def of_volunteer(view, volunteer_id: int) -> list:
    return sorted((s for s in view.table(SIGNALS).all() if s.get("volunteer_id") == volunteer_id),
                  key=lambda s: (s.get("date", ""), s.doc_id), reverse=True)


def add(store, signal: Mapping[str, Any], *, by: str, at: dt.datetime, case_id: int | None = None) -> int:
    with store.transaction() as tx:
        return tx.table(SIGNALS).insert({**signal, "case_id": case_id, "by": by, "at": at.isoformat(timespec="seconds")})
