"""Every figure of a quarterly or annual report, for one period. Pure: plain dicts in.

`period_report(sources, period, today=..., rules=...)` returns a `Report`; the report page,
its PDF, the benchmark export and the public Resultaten page read from here, so a number
is computed once. Which date counts (see `figures.cases`):
- reports, conflict types, referrers, wijken and intake on time: the *reported* date;
- outcomes, share solved, doorlooptijd and nazorg: the *closing* date (afgesloten);
- ongeschikt: the date of the intake decision;
- open at the end: reported on or before the last day, not closed by then.
Volunteers count by the dated steps in their record (`steps`: [{"step", "at"}]):
*active* when they were in step actief on any day of the period, *new* when taken on
(`start_date`) in it, *stopped* when they moved to gestopt in it. Trainings are the
training records dated in the period; events those held in it (dated on or before today).
Budget: per calendar year the period touches, spending dated from 1 January up to the
period's end (or today, if earlier), against that year's budget — the sums are the budget
area's rule (`rules.budget`, e.g. `budget.ledger.realisation`).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from . import cases as case_rules
from .period import Period, month_label
from .stats import Share, Spread, ranked, spread

NO_WIJK = ""  # cases without a wijk count under this key; the page says "onbekend"


@dataclass
class Sources:
    """The stored tables a report reads (lists of plain dicts, docs with doc_id welcome)."""

    cases: Iterable[Mapping] = ()
    nazorg: Iterable[Mapping] = ()  # table nazorg: {"case_id", "party", "contacted_on", ...}
    volunteers: Iterable[Mapping] = ()
    trainings: Iterable[Mapping] = ()  # the catalogue, with doc_id (or "id")
    training_records: Iterable[Mapping] = ()
    events: Iterable[Mapping] = ()
    budget_lines: Iterable[Mapping] = ()
    expenses: Iterable[Mapping] = ()
    claims: Iterable[Mapping] = ()


@dataclass(frozen=True)
class Rules:
    """The rules that belong to other areas, passed in so this module stays at the ground floor.

    deadline: reported date -> last day of the intake term (common.intake_term.due);
    budget: (year, budget_lines, expenses, claims) -> a realisation (budget.ledger.realisation).
    """

    deadline: Callable[[dt.date], dt.date] | None = None
    budget: Callable[[int, list, list, list], Any] | None = None


@dataclass(frozen=True)
class VolunteerFigures:
    active: int
    new: int
    stopped: int
    trainings: int  # training records dated in the period
    trained: int  # distinct volunteers among them
    training_hours: float
    trainings_by_kind: list[tuple[str, int]]


@dataclass(frozen=True)
class Report:
    period: Period
    reported: int
    per_month: list[tuple[str, int]]
    conflict_types: list[tuple[str, int]]
    referrers: list[tuple[str, int]]
    wijken: list[tuple[str, int]]
    closed: int  # afgesloten in the period
    outcomes: list[tuple[str, int]]  # in OUTCOMES order, then ongeschikt
    unsuitable: int
    solved: Share  # opgelost or deels opgelost, of afgesloten
    solved_fully: Share
    duration: Spread
    intake_in_time: Share | None  # None without a deadline rule
    nazorg_done: Share
    open_at_end: int
    volunteers: VolunteerFigures
    events: list[tuple[str, int]]
    events_held: int
    event_attendance: int
    budget: list[Any] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.reported or self.closed or self.unsuitable or self.volunteers.active
                    or self.events_held or self.volunteers.trainings)


# -- cases ---------------------------------------------------------------------------

def reported_in(cases: Iterable[Mapping], period: Period) -> list[Mapping]:
    return [c for c in cases if case_rules.reported_on(c) in period]


def closed_in(cases: Iterable[Mapping], period: Period) -> list[Mapping]:
    """Mediated cases closed (afgesloten) in the period."""
    return [c for c in cases if case_rules.is_closed(c) and case_rules.closed_on(c) in period]


def unsuitable_in(cases: Iterable[Mapping], period: Period) -> list[Mapping]:
    return [c for c in cases if case_rules.is_unsuitable(c) and case_rules.closed_on(c) in period]


def per_month(cases: Iterable[Mapping], period: Period) -> list[tuple[str, int]]:
    counts = Counter((d.year, d.month) for d in map(case_rules.reported_on, cases) if d in period)
    return [(month_label(y, m), counts[(y, m)]) for y, m in period.months()]


def conflict_types(cases: Iterable[Mapping]) -> list[tuple[str, int]]:
    """A case counts once under each of its types, so the counts may add up to more than the cases."""
    def types(case):
        value = case.get("conflict_types") or []
        return set([value] if isinstance(value, str) else value)
    return ranked(t for c in cases for t in types(c))


def referrer_types(cases: Iterable[Mapping]) -> list[tuple[str, int]]:
    return ranked(((c.get("referrer") or {}).get("type") or "onbekend") for c in cases)


def wijken(cases: Iterable[Mapping]) -> list[tuple[str, int]]:
    return ranked((c.get("wijk") or NO_WIJK) for c in cases)


def outcome_counts(closed: Iterable[Mapping], unsuitable: int = 0) -> list[tuple[str, int]]:
    counts = Counter(case_rules.outcome(c) for c in closed)
    return [(o, counts[o]) for o in case_rules.OUTCOMES] + [(case_rules.UNSUITABLE, unsuitable)]


def solved_share(closed: Iterable[Mapping], outcomes: frozenset[str] = case_rules.POSITIVE) -> Share:
    """Of the closed cases with an outcome, those that ended in one of `outcomes` (by default
    opgelost or deels opgelost). A case that is not closed (any more) never counts."""
    found = [case_rules.outcome(c) for c in closed if case_rules.is_closed(c) and case_rules.outcome(c)]
    return Share(sum(1 for o in found if o in outcomes), len(found))


def durations(closed: Iterable[Mapping]) -> Spread:
    return spread(d for d in map(case_rules.duration_days, closed) if d is not None)


def intake_in_time(reported: Iterable[Mapping], *, today: dt.date,
                   deadline: Callable[[dt.date], dt.date]) -> Share:
    """Of the cases reported in the period whose intake can be judged, those decided in time."""
    judged = [j for j in (case_rules.intake_on_time(c, today=today, deadline=deadline) for c in reported)
              if j is not None]
    return Share(sum(judged), len(judged))


def nazorg_share(closed: Iterable[Mapping], nazorg: Iterable[Mapping]) -> Share:
    closed = list(closed)
    # Only the answers about these cases are kept: `nazorg` may be five years of them, read as it goes.
    wanted = {case_rules.case_id(c) for c in closed}
    by_case: dict[Any, list] = defaultdict(list)
    for record in nazorg:
        if record.get("case_id") in wanted:
            by_case[record.get("case_id")].append(record)
    return Share(sum(case_rules.nazorg_done(c, by_case.get(case_rules.case_id(c), [])) for c in closed), len(closed))


def open_at(cases: Iterable[Mapping], day: dt.date) -> int:
    """Cases reported on or before `day` and not closed (either way) by then."""
    count = 0
    for case in cases:
        reported, ended = case_rules.reported_on(case), case_rules.closed_on(case)
        if reported is not None and reported <= day and (ended is None or ended > day):
            count += 1
    return count


# -- volunteers ------------------------------------------------------------------------

def _intervals(volunteer: Mapping, until: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(step, from, to) from the dated steps; the last one runs until `until`."""
    steps = sorted(((s.get("step"), case_rules.day(s.get("at"))) for s in volunteer.get("steps") or []
                    if case_rules.day(s.get("at"))), key=lambda s: s[1])
    if not steps:  # an old record without history: its current step since its start
        since = case_rules.day(volunteer.get("start_date")) or dt.date.min
        return [(volunteer.get("step"), since, until)]
    ends = [s[1] for s in steps[1:]] + [max(until, steps[-1][1])]
    return [(step, start, end) for (step, start), end in zip(steps, ends)]


def was_active(volunteer: Mapping, period: Period) -> bool:
    return any(step == "actief" and start <= period.end and end >= period.start
               for step, start, end in _intervals(volunteer, period.end))


def stopped_in(volunteer: Mapping, period: Period) -> bool:
    return any(s.get("step") == "gestopt" and case_rules.day(s.get("at")) in period
               for s in volunteer.get("steps") or [])


def volunteer_figures(sources: Sources, period: Period) -> VolunteerFigures:
    volunteers = list(sources.volunteers)
    kinds = {case_rules.case_id(t): t.get("kind") or "overig" for t in sources.trainings}
    records = [r for r in sources.training_records if case_rules.day(r.get("date")) in period]
    return VolunteerFigures(
        active=sum(was_active(v, period) for v in volunteers),
        new=sum(case_rules.day(v.get("start_date")) in period for v in volunteers),
        stopped=sum(stopped_in(v, period) for v in volunteers),
        trainings=len(records),
        trained=len({r.get("volunteer_id") for r in records}),
        training_hours=float(sum(float(r.get("hours") or 0) for r in records)),
        trainings_by_kind=ranked(kinds.get(r.get("training_id"), "overig") for r in records),
    )


# -- the report ----------------------------------------------------------------------------

def budget_realisations(sources: Sources, period: Period, *, today: dt.date,
                        realisation: Callable[[int, list, list, list], Any]) -> list[Any]:
    """Per year of the period: the realisation up to the period's end (or today)."""
    until = min(period.end, today)
    expenses = [e for e in sources.expenses if (case_rules.day(e.get("date")) or dt.date.max) <= until]
    claims = [c for c in sources.claims if (case_rules.day(c.get("date")) or dt.date.max) <= until]
    lines = list(sources.budget_lines)
    return [realisation(y, lines, expenses, claims) for y in period.years() if dt.date(y, 1, 1) <= until]


def period_report(sources: Sources, period: Period, *, today: dt.date, rules: Rules = Rules()) -> Report:
    cases = list(sources.cases)
    reported = reported_in(cases, period)
    closed = closed_in(cases, period)
    unsuitable = len(unsuitable_in(cases, period))
    held = [e for e in sources.events
            if case_rules.day(e.get("date")) in period and case_rules.day(e.get("date")) <= today]
    return Report(
        period=period,
        reported=len(reported),
        per_month=per_month(reported, period),
        conflict_types=conflict_types(reported),
        referrers=referrer_types(reported),
        wijken=wijken(reported),
        closed=len(closed),
        outcomes=outcome_counts(closed, unsuitable),
        unsuitable=unsuitable,
        solved=solved_share(closed),
        solved_fully=solved_share(closed, frozenset({case_rules.SOLVED})),
        duration=durations(closed),
        intake_in_time=intake_in_time(reported, today=today, deadline=rules.deadline) if rules.deadline else None,
        nazorg_done=nazorg_share(closed, sources.nazorg),
        open_at_end=open_at(cases, min(period.end, today)),
        volunteers=volunteer_figures(sources, period),
        events=ranked(e.get("kind") or "overig" for e in held),
        events_held=len(held),
        event_attendance=sum(len(e.get("attendance") or []) for e in held),
        budget=budget_realisations(sources, period, today=today, realisation=rules.budget) if rules.budget else [],
    )
