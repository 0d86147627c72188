"""The anonymised figures on the public Resultaten page.

Input: plain dicts as stored (cases, volunteers); output: a dict the site template
shows. Every count below the threshold is suppressed; a share is only shown when
both the part and the rest are publishable, so a hidden count cannot be worked
out by subtraction.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Iterable, Mapping

from .anonymity import THRESHOLD, Figure, is_small, suppress

SOLVED = {"opgelost", "deels-opgelost"}
OUTCOMES = {"opgelost", "deels-opgelost", "niet-opgelost"}
TOP_CONFLICT_TYPES = 5


def _outcome(case: Mapping[str, Any]) -> str | None:
    closing = case.get("closing") or {}
    outcome = closing.get("outcome") if isinstance(closing, Mapping) else None
    if not outcome:
        return None
    outcome = str(outcome).strip().lower().replace(" ", "-")  # "deels opgelost" and "deels-opgelost"
    return outcome if outcome in OUTCOMES else None


def _year(value: Any) -> int | None:
    try:
        return int(str(value)[:4])
    except (TypeError, ValueError):
        return None


def reports_per_year(cases: Iterable[Mapping[str, Any]], threshold: int = THRESHOLD) -> list[tuple[int, Figure]]:
    years = Counter(y for y in (_year(c.get("created_at")) for c in cases) if y)
    return [(year, suppress(years[year], threshold)) for year in sorted(years)]


def solved_share(cases: Iterable[Mapping[str, Any]], threshold: int = THRESHOLD) -> dict[str, Any]:
    """Share of closed cases (with an outcome) that ended solved or partly solved."""
    outcomes = [o for o in (_outcome(c) for c in cases) if o]
    solved = sum(1 for o in outcomes if o in SOLVED)
    rest = len(outcomes) - solved
    publishable = len(outcomes) >= threshold and not is_small(solved, threshold) and not is_small(rest, threshold)
    return {
        "closed": suppress(len(outcomes), threshold),
        "percent": round(100 * solved / len(outcomes)) if publishable else None,
    }


def largest_conflict_types(cases: Iterable[Mapping[str, Any]], threshold: int = THRESHOLD,
                           top: int = TOP_CONFLICT_TYPES) -> list[tuple[str, int]]:
    """The largest conflict types with at least `threshold` cases, largest first."""
    counts: Counter[str] = Counter()
    for case in cases:
        types = case.get("conflict_types") or []
        if isinstance(types, str):
            types = [types]
        counts.update(set(types))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(value, count) for value, count in ranked if count >= threshold][:top]


def active_volunteers(volunteers: Iterable[Mapping[str, Any]], threshold: int = THRESHOLD) -> Figure:
    return suppress(sum(1 for v in volunteers if v.get("step") == "actief"), threshold)


def public_figures(cases: Iterable[Mapping[str, Any]], volunteers: Iterable[Mapping[str, Any]], *,
                   today: dt.date, threshold: int = THRESHOLD) -> dict[str, Any]:
    cases = list(cases)
    return {
        "computed_on": today,
        "threshold": threshold,
        "total": suppress(len(cases), threshold),
        "per_year": reports_per_year(cases, threshold),
        "solved": solved_share(cases, threshold),
        "conflict_types": largest_conflict_types(cases, threshold),
        "volunteers": active_volunteers(volunteers, threshold),
    }
