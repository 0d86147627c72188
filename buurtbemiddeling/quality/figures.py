"""The quality figures per quarter and per year. Pure: plain case and nazorg mappings in,
numbers out, each share with its part and whole so the page can say "12 van 15".

Definitions (the quality page repeats them in words):
- *Intake op tijd*: cases reported in the period whose intake decision fell within the
  intake term (working days) of the report; a case still undecided after its deadline
  counts as late, one still within its term is not counted yet.
- *Nazorg gedaan*: of the cases closed (afgesloten) in the period, those where every party
  was contacted for nazorg (see `nazorg.done`).
- *Doorlooptijd*: calendar days from report to closing, the median over the cases closed in
  the period.
- *Opgelost*: of the cases closed in the period, outcome *opgelost* (and apart *deels opgelost*).
- *Tevredenheid*: the mean score (1–5) of the nazorg contacts in the period.
Ongeschikt cases count for the intake only: they were never mediated.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from statistics import median
from typing import Any, Iterable, Mapping

from ..cases.intake import add_working_days
from . import nazorg as nazorg_rules


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def pct(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


@dataclass(frozen=True)
class Figures:
    label: str
    start: dt.date
    end: dt.date  # inclusive
    intake_in_time: Share
    nazorg_done: Share
    median_days: float | None
    solved: Share
    partly_solved: Share
    satisfaction: float | None
    satisfaction_count: int


def periods(year: int) -> list[tuple[str, dt.date, dt.date]]:
    quarters = [(f"K{q} {year}", dt.date(year, 3 * q - 2, 1),
                 (dt.date(year, 3 * q + 1, 1) if q < 4 else dt.date(year + 1, 1, 1)) - dt.timedelta(days=1))
                for q in range(1, 5)]
    return quarters + [(f"Heel {year}", dt.date(year, 1, 1), dt.date(year, 12, 31))]


def _day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _reported(case: Mapping) -> dt.date | None:
    return _day(case.get("reported_at") or case.get("created_at"))


def intake_on_time(case: Mapping, *, today: dt.date, working_days: int) -> bool | None:
    """True/False when it can be said, None while the intake term is still running."""
    reported = _reported(case)
    if reported is None:
        return None
    deadline = add_working_days(reported, working_days)
    decided = _day((case.get("intake") or {}).get("decided_on"))
    if decided is not None:
        return decided <= deadline
    return False if today > deadline else None


def compute(cases: Iterable[Mapping], nazorg_records: Iterable[Mapping], *, year: int, today: dt.date,
            working_days: int = 5) -> list[Figures]:
    """Figures for the four quarters of `year` and the whole year."""
    cases = list(cases)
    by_case: dict[Any, list] = defaultdict(list)
    contacts = []
    for record in nazorg_records:
        by_case[record.get("case_id")].append(record)
        day = _day(record.get("contacted_on"))
        if day and record.get("satisfaction"):
            contacts.append((day, int(record["satisfaction"])))
    result = []
    for label, start, end in periods(year):
        def within(day: dt.date | None) -> bool:
            return day is not None and start <= day <= end

        judged = [on_time for c in cases if within(_reported(c))
                  for on_time in [intake_on_time(c, today=today, working_days=working_days)] if on_time is not None]
        closed = [c for c in cases if c.get("step") == "afgesloten" and within(_day((c.get("closing") or {}).get("closed_on")))]
        outcomes = [(c.get("closing") or {}).get("outcome") for c in closed]
        durations = [(_day(c["closing"]["closed_on"]) - _reported(c)).days for c in closed if _reported(c)]
        scores = [score for day, score in contacts if within(day)]
        result.append(Figures(
            label, start, end,
            intake_in_time=Share(sum(judged), len(judged)),
            nazorg_done=Share(sum(nazorg_rules.done(c, by_case.get(getattr(c, "doc_id", c.get("id")), [])) for c in closed),
                              len(closed)),
            median_days=float(median(durations)) if durations else None,
            solved=Share(outcomes.count("opgelost"), len(closed)),
            partly_solved=Share(outcomes.count("deels-opgelost"), len(closed)),
            satisfaction=round(sum(scores) / len(scores), 2) if scores else None,
            satisfaction_count=len(scores),
        ))
    return result


def years(cases: Iterable[Mapping], today: dt.date) -> list[int]:
    found = {d.year for d in (_reported(c) for c in cases) if d}
    found.add(today.year)
    return sorted(found, reverse=True)
