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
- *Protocol gevolgd* (`adherence`): of the debriefs of talks in the year, per checklist point
  how often the duo ticked it, and the debriefs with every point ticked. A point is the text
  that was asked (a debrief keeps its checklist as it was), so points of an older protocol
  version stay apart.
Ongeschikt cases count for the intake only: they were never mediated.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

from figures import cases as case_figures, report as report_figures
from figures.period import quarter, year as whole_year
from figures.stats import Share

from common import intake_term

# The definitions live in the figures module, shared with the annual report.
_day = case_figures.day
_reported = case_figures.reported_on


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


def compute(cases: Iterable[Mapping], nazorg_records: Iterable[Mapping], *, year: int, today: dt.date,
            working_days: int) -> list[Figures]:
    """Figures for the four quarters of `year` and the whole year."""
    cases, nazorg_records = list(cases), list(nazorg_records)
    contacts = []
    for record in nazorg_records:
        day = _day(record.get("contacted_on"))
        if day and record.get("satisfaction"):
            contacts.append((day, int(record["satisfaction"])))

    def deadline(day: dt.date) -> dt.date:
        return intake_term.due(day, working_days)

    result = []
    for (label, start, end), period in zip(periods(year), [quarter(year, q) for q in range(1, 5)] + [whole_year(year)]):
        closed = report_figures.closed_in(cases, period)
        scores = [score for day, score in contacts if day in period]
        result.append(Figures(
            label, start, end,
            intake_in_time=report_figures.intake_in_time(report_figures.reported_in(cases, period), today=today,
                                                         deadline=deadline),
            nazorg_done=report_figures.nazorg_share(closed, nazorg_records),
            median_days=report_figures.durations(closed).median,
            solved=report_figures.solved_share(closed, frozenset({case_figures.SOLVED})),
            partly_solved=report_figures.solved_share(closed, frozenset({case_figures.PARTLY_SOLVED})),
            satisfaction=round(sum(scores) / len(scores), 2) if scores else None,
            satisfaction_count=len(scores),
        ))
    return result


def years(cases: Iterable[Mapping], today: dt.date) -> list[int]:
    found = {d.year for d in (_reported(c) for c in cases) if d}
    found.add(today.year)
    return sorted(found, reverse=True)


@dataclass(frozen=True)
class Adherence:
    debriefs: int
    complete: Share  # debriefs with every checklist point ticked
    points: list[tuple[str, Share]]  # per point, least followed first


def adherence(debriefs: Iterable[Mapping], *, year: int) -> Adherence:
    """How well the debriefs of talks in `year` say the protocol's checklist was followed."""
    counted: dict[str, list[int]] = {}
    total = complete = 0
    for doc in debriefs:
        day = _day(doc.get("date"))
        checklist = doc.get("checklist") or []
        if day is None or day.year != year or not checklist:
            continue
        total += 1
        complete += all(entry.get("done") for entry in checklist)
        for entry in checklist:
            done_and_asked = counted.setdefault(entry.get("item", ""), [0, 0])
            done_and_asked[0] += bool(entry.get("done"))
            done_and_asked[1] += 1
    points = sorted(((item, Share(done, asked)) for item, (done, asked) in counted.items()),
                    key=lambda pair: (pair[1].part / pair[1].whole, pair[0]))
    return Adherence(total, Share(complete, total), points)
