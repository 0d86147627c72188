"""Which cases a network partner referred, and the feedback it may get: stage and outcome,
never names, addresses or what was said. Pure: plain partner and case mappings in. Which
partner a referrer is belongs to the network area (`network/referrals.py`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from figures import cases as case_rules
from figures.period import Period
from figures.stats import ranked

from ..cases import workflow
from ..network.referrals import referred_by

def cases_of(partner: Mapping[str, Any], cases: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [c for c in cases if referred_by(partner, c)]


@dataclass(frozen=True)
class Row:
    """One referred case as the partner may see it."""

    number: str
    reported: dt.date | None
    stage: str
    ended: str  # an outcome key, "ongeschikt" or "" while it runs
    closed: dt.date | None


@dataclass(frozen=True)
class Feedback:
    period: Period | None
    referred: int
    running: int
    stages: list[tuple[str, int]]  # step label -> count
    endings: list[tuple[str, int]]  # outcome key -> count
    rows: list[Row]


def feedback(cases: Iterable[Mapping[str, Any]], period: Period | None = None) -> Feedback:
    """The partner's cases reported in `period` (all when None), newest first."""
    chosen = [c for c in cases if period is None or case_rules.reported_on(c) in period]
    rows = sorted((Row(str(c.get("number") or ""), case_rules.reported_on(c), workflow.label(c.get("step")),
                       case_rules.end_state(c) or "", case_rules.closed_on(c)) for c in chosen),
                  key=lambda r: (r.reported or dt.date.min, r.number), reverse=True)
    order = {key: step.phase for key, step in workflow.STEPS.items()}
    stages = sorted(ranked(c.get("step") for c in chosen), key=lambda item: order.get(item[0], 99))
    return Feedback(
        period=period,
        referred=len(chosen),
        running=sum(1 for r in rows if not r.ended),
        stages=[(workflow.label(step), count) for step, count in stages],
        endings=[(end, count) for end, count in ranked(r.ended for r in rows if r.ended)],
        rows=rows,
    )
