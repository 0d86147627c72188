"""What one case says for the figures: its dates, its end and its timeliness. Pure.

Input: a case as stored (see `buurtbemiddeling/cases/records.py`). These are the
definitions every figure uses (the reports, the quality page, the public site):
- *reported on*: `reported_at`, else `created_at` (a report that became a case keeps the
  day the resident reported it);
- *closed on*: for `afgesloten` the closing date, for `ongeschikt` the intake decision;
- *doorlooptijd*: calendar days from reported to closed, for `afgesloten` cases only
  (an ongeschikt case was never mediated);
- a case counts in the period of the date that fits the figure: a case reported in
  December and closed in January is a report of the old year and a closing of the new.

Words for how a case ended, each with one meaning (docs/internals.md, "Closed and solved"):
- *ended* (`is_ended`): no longer running: afgesloten or ongeschikt;
- *closed* (`is_closed`): mediated and closed, step afgesloten, with an outcome;
- *solved* (`is_solved`): closed with outcome opgelost;
- *positive* (`ended_positively`, POSITIVE): closed opgelost or deels opgelost — the
  national "positief afgesloten" share, the public page's and the report's main figure.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Mapping

SOLVED = "opgelost"
PARTLY_SOLVED = "deels-opgelost"
NOT_SOLVED = "niet-opgelost"  # the outcome that needs a reason
OUTCOMES = (SOLVED, PARTLY_SOLVED, NOT_SOLVED)
POSITIVE = frozenset({SOLVED, PARTLY_SOLVED})
UNSUITABLE = "ongeschikt"
CLOSED = "afgesloten"


def day(value: Any) -> dt.date | None:
    """The date of an ISO date or timestamp, or None for anything else."""
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def reported_moment(case: Mapping[str, Any]) -> str:
    """When the case was reported, as stored ("" if unknown): the report's arrival, or for a case
    made without one, its creation."""
    return str(case.get("reported_at") or case.get("created_at") or "")


def reported_on(case: Mapping[str, Any]) -> dt.date | None:
    """The reported date: the one definition behind the figures, the intake term, the case list's
    year filter and sort, and the exports."""
    return day(reported_moment(case))


def _closing(case: Mapping[str, Any]) -> Mapping[str, Any]:
    closing = case.get("closing")
    return closing if isinstance(closing, Mapping) else {}


def outcome(case: Mapping[str, Any]) -> str | None:
    """The closing outcome, one of OUTCOMES; "deels opgelost" and "deels-opgelost" are the same."""
    value = _closing(case).get("outcome")
    if not value:
        return None
    value = str(value).strip().lower().replace(" ", "-")
    return value if value in OUTCOMES else None


def is_closed(case: Mapping[str, Any]) -> bool:
    """Mediated and closed: step afgesloten (an imported case may carry only its closing)."""
    return case.get("step") == CLOSED or (not case.get("step") and outcome(case) is not None)


def is_unsuitable(case: Mapping[str, Any]) -> bool:
    return case.get("step") == UNSUITABLE


def is_ended(case: Mapping[str, Any]) -> bool:
    """No longer running: closed after mediation, or found unsuitable at the intake."""
    return is_closed(case) or is_unsuitable(case)


def is_solved(case: Mapping[str, Any]) -> bool:
    return is_closed(case) and outcome(case) == SOLVED


def ended_positively(case: Mapping[str, Any]) -> bool:
    """Closed as opgelost or deels opgelost."""
    return is_closed(case) and outcome(case) in POSITIVE


def closed_on(case: Mapping[str, Any]) -> dt.date | None:
    if is_closed(case):
        return day(_closing(case).get("closed_on"))
    if is_unsuitable(case):
        return day((case.get("intake") or {}).get("decided_on") or case.get("step_changed_at"))
    return None


def end_state(case: Mapping[str, Any]) -> str | None:
    """How a case ended: an outcome, "ongeschikt", or None while it runs (or on hold)."""
    if is_unsuitable(case):
        return UNSUITABLE
    return outcome(case) if is_closed(case) else None


def duration_days(case: Mapping[str, Any]) -> int | None:
    """Doorlooptijd in calendar days, for a closed (mediated) case with both dates."""
    start, end = reported_on(case), closed_on(case)
    if not is_closed(case) or start is None or end is None:
        return None
    return max(0, (end - start).days)


def intake_on_time(case: Mapping[str, Any], *, today: dt.date,
                   deadline: Callable[[dt.date], dt.date]) -> bool | None:
    """Was the intake decided by the deadline (`deadline(reported)`, in working days)?

    True/False when it can be said; None while the term still runs, or without a date.
    The calendar of working days is the caller's (common.intake_term.due)."""
    reported = reported_on(case)
    if reported is None:
        return None
    due = deadline(reported)
    decided = day((case.get("intake") or {}).get("decided_on"))
    if decided is not None:
        return decided <= due
    return False if today > due else None


def nazorg_done(case: Mapping[str, Any], records: Iterable[Mapping[str, Any]]) -> bool:
    """Nazorg is done when every party was contacted (records of table `nazorg`); the closing
    form's nazorg texts for A and B (written when a case is closed from the nazorg step)
    count as well for a case with two parties."""
    parties = max(len(case.get("parties") or []), 2)
    contacted = {r.get("party") for r in records if r.get("contacted_on")}
    if contacted >= set(range(parties)):
        return True
    closing = _closing(case)
    return bool((closing.get("nazorg_a") or "").strip() and (closing.get("nazorg_b") or "").strip()) and parties == 2


def case_id(case: Any) -> Any:
    """A stored doc's id (TinyDB doc_id), or an `id` key for plain dicts in tests."""
    return getattr(case, "doc_id", None) or (case.get("id") if isinstance(case, Mapping) else None)
