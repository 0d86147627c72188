"""Which cases a network partner referred, and the feedback it may get: stage and outcome,
never names, addresses or what was said. Pure: plain partner and case mappings in.

A case belongs to a partner when its referrer names the partner: `referrer.partner_id`
when set, otherwise the organisation typed on the case (or the referral form) matches the
partner's name word for word in any order ("Politie basisteam Lindenhoven" and "Politie
Lindenhoven, basisteam"), or one name holds all the words (two at least) of the other.
When both have a type, the types must agree, so "Gemeente" never claims a GGD referral.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from figures import cases as case_rules
from figures.period import Period
from figures.stats import ranked

from ..cases import workflow

# Referrer types (settings list) that mean the same as a partner type.
SAME_TYPE = {"politie", "woningcorporatie", "gemeente", "welzijn", "wijkteam", "huisarts", "ggd"}


def _words(name: str | None) -> frozenset[str]:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return frozenset(re.findall(r"[a-z0-9]+", text))


def names_match(partner_name: str | None, organisation: str | None) -> bool:
    a, b = _words(partner_name), _words(organisation)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 2 and (a <= b or b <= a))


def referred_by(partner: Mapping[str, Any], case: Mapping[str, Any]) -> bool:
    referrer = case.get("referrer") or {}
    pid = case_rules.case_id(partner)
    if referrer.get("partner_id") is not None:
        return referrer.get("partner_id") == pid
    kinds = {partner.get("type"), referrer.get("type")}
    if len(kinds) == 2 and kinds <= SAME_TYPE:
        return False
    return referrer.get("type") != "zelfmelder" and names_match(partner.get("name"), referrer.get("organisation"))


def suggested(partners: Iterable[Mapping[str, Any]], referrer: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The one partner the referrer's organisation names, by the same rule as `referred_by`
    without a link, for the coordinator to confirm; of several, the one with exactly the
    typed words; None when that leaves no single partner, so nobody is guessed."""
    unlinked = {"referrer": {**(referrer or {}), "partner_id": None}}
    found = [p for p in partners if referred_by(p, unlinked)]
    if len(found) > 1:
        typed = _words((referrer or {}).get("organisation"))
        found = [p for p in found if _words(p.get("name")) == typed]
    return found[0] if len(found) == 1 else None


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
