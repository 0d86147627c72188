"""From the store to the report: the tables `figures.report` reads and the rules it borrows
from other areas (the intake term in working days, the budget's realisation). No Flask."""
from __future__ import annotations

import datetime as dt

from common import intake_term
from figures import cases as case_rules
from figures.period import Period
from figures.report import Report, Rules, Sources, period_report

from ..budget import ledger
from ..cases import repo as case_repo
from ..network import partners as network
from ..quality import nazorg
from ..settings import lists
from ..volunteers import events, qualifications
from . import partners
from common import tables

LABEL_LISTS = ("conflict_types", "referrer_types", "wijken", "outcomes")
EVENT_KINDS = events.KINDS
TRAINING_KINDS = qualifications.KINDS


def sources(view) -> Sources:
    return Sources(
        cases=case_repo.all_cases(view),
        nazorg=view.table(nazorg.NAZORG),  # a lazy table, read as the report goes: not five years in memory at once
        volunteers=view.table(tables.VOLUNTEERS).all(),
        trainings=view.table(qualifications.TRAININGS).all(),
        training_records=view.table(qualifications.RECORDS).all(),
        events=view.table(events.EVENTS).all(),
        budget_lines=view.table(ledger.BUDGET_LINES).all(),
        expenses=view.table(ledger.EXPENSES).all(),
        claims=view.table(ledger.CLAIMS).all(),
    )


def rules(view) -> Rules:
    days = intake_term.current(view)
    return Rules(deadline=lambda reported: intake_term.due(reported, days), budget=ledger.realisation)


def report_for(view, period: Period, today: dt.date) -> Report:
    """The period's report, kept per day, intake term and version of its tables: five years of
    cases made the report page take 0.4 s on every visit. The Report is frozen, so sharing it is safe."""
    days = intake_term.current(view)
    return view.derived(f"reporting.report.{period.key}.{today}.{days}",
                        lambda v: period_report(sources(v), period, today=today, rules=rules(v)))


def referred_cases(view, partner) -> list:
    """The cases `partner` referred, from one pass over the cases per version of cases and partners."""
    def build(v) -> dict[int, list]:
        cases = case_repo.all_cases(v)
        return {p.doc_id: partners.cases_of(p, cases) for p in v.table(network.PARTNERS)}

    return view.derived("reporting.referred", build).get(partner.doc_id, [])


def labels(view) -> dict[str, dict[str, str]]:
    """Dutch labels per list, plus the fixed ones the report shows (events, trainings)."""
    found = {key: lists.labels(view, key) for key in LABEL_LISTS}
    found["wijken"] = {"": "Onbekend", **found["wijken"]}
    found["referrer_types"] = {"onbekend": "Onbekend", **found["referrer_types"]}
    found["outcomes"] = {"ongeschikt": "Ongeschikt (geen bemiddeling)", **found["outcomes"]}
    found["events"] = dict(EVENT_KINDS)
    found["trainings"] = {**TRAINING_KINDS, "overig": "Overig"}
    return found


def years_with_data(view, today: dt.date) -> list[int]:
    """Years to offer in the period chooser: from the first report to this year, newest first."""
    def first_year(v) -> int:
        days = (case_rules.reported_on(case) for case in case_repo.all_cases(v))
        return min((day.year for day in days if day), default=today.year)

    first = min(today.year, view.derived("reporting.first_year", first_year))
    return list(range(today.year, first - 1, -1))
