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

from . import report
from .anonymity import THRESHOLD, Figure, is_small, suppress
from .cases import is_closed, reported_on

TOP_CONFLICT_TYPES = 5


# The counts come from the report module (one definition of each figure); this module
# only decides what may be published.

def reports_per_year(cases: Iterable[Mapping[str, Any]], threshold: int = THRESHOLD) -> list[tuple[int, Figure]]:
    years = Counter(day.year for day in map(reported_on, cases) if day)
    return [(year, suppress(years[year], threshold)) for year in sorted(years)]


def solved_share(cases: Iterable[Mapping[str, Any]], threshold: int = THRESHOLD) -> dict[str, Any]:
    """Share of closed cases (with an outcome) that ended solved or partly solved."""
    share = report.solved_share([c for c in cases if is_closed(c)])
    rest = share.whole - share.part
    publishable = share.whole >= threshold and not is_small(share.part, threshold) and not is_small(rest, threshold)
    return {
        "closed": suppress(share.whole, threshold),
        "percent": round(100 * share.part / share.whole) if publishable else None,
    }


def largest_conflict_types(cases: Iterable[Mapping[str, Any]], threshold: int = THRESHOLD,
                           top: int = TOP_CONFLICT_TYPES) -> list[tuple[str, int]]:
    """The largest conflict types with at least `threshold` cases, largest first."""
    return [(value, count) for value, count in report.conflict_types(cases) if count >= threshold][:top]


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
