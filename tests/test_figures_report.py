"""The figures of the quarterly and annual report (figures/report.py), on a small data set
whose values were computed by hand (see the comments next to each record)."""
from __future__ import annotations

import datetime as dt

import pytest

from buurtbemiddeling.budget.ledger import realisation
from figures import period as periods
from figures.report import Rules, Sources, period_report
from figures.stats import Share, spread

TODAY = dt.date(2026, 2, 1)


def week_later(day: dt.date) -> dt.date:
    """A simple intake term for the hand computations: seven calendar days."""
    return day + dt.timedelta(days=7)


RULES = Rules(deadline=week_later, budget=realisation)


def case(id, reported, *, types=("geluidsoverlast",), referrer="zelfmelder", wijk="centrum", step="intake",
         decided=None, closed=None, outcome=None, nazorg_texts=False):
    closing = None
    if closed:
        text = "Gaat goed." if nazorg_texts else ""
        closing = {"outcome": outcome, "reason": "", "closed_on": closed, "nazorg_a": text, "nazorg_b": text}
    decision = "ongeschikt" if step == "ongeschikt" else ("geschikt" if decided else "")
    return {"id": id, "number": f"X-{id}", "reported_at": f"{reported}T10:00:00", "step": step,
            "conflict_types": list(types), "referrer": {"type": referrer, "organisation": ""}, "wijk": wijk,
            "parties": [{"name": "A"}, {"name": "B"}], "closing": closing,
            "intake": {"decision": decision, "decided_on": decided}}


CASES = [
    # Spans two years: reported Dec 2024 (a 2024 report, intake on time), closed 15 Jan 2025 after 26 days.
    case(1, "2024-12-20", referrer="politie", decided="2024-12-23", step="afgesloten", closed="2025-01-15",
         outcome="opgelost", nazorg_texts=True),
    # Decided 20 Jan, term ended 17 Jan: late. Closed 1 Mar after 50 days; nazorg for A only: not done.
    case(2, "2025-01-10", types=("geluidsoverlast", "parkeren"), decided="2025-01-20", step="afgesloten",
         closed="2025-03-01", outcome="niet-opgelost"),
    # Ongeschikt the next day: on time, never mediated, no wijk known.
    case(3, "2025-02-05", types=("huisdieren",), referrer="woningcorporatie", wijk="", step="ongeschikt",
         decided="2025-02-06"),
    # On time; closed 2 May after 30 days, partly solved; nazorg records for both parties.
    case(4, "2025-04-02", types=("tuin-erfgrens",), wijk="noord", decided="2025-04-04", step="afgesloten",
         closed="2025-05-02", outcome="deels opgelost"),
    # No decision, term long over: late; still open at the end of 2025.
    case(5, "2025-11-20", referrer="politie", wijk="noord"),
    # On time; closed 1 Oct after 92 days, solved.
    case(6, "2025-07-01", referrer="politie", decided="2025-07-03", step="afgesloten", closed="2025-10-01",
         outcome="opgelost", nazorg_texts=True),
    # Reported three days ago: its intake term still runs.
    case(7, "2026-01-29", types=("pesten",), step="aangemeld"),
]
NAZORG = [
    {"case_id": 2, "party": 0, "contacted_on": "2025-02-20"},
    {"case_id": 4, "party": 0, "contacted_on": "2025-04-30"},
    {"case_id": 4, "party": 1, "contacted_on": "2025-04-30"},
]


def steps(*pairs):
    return [{"step": step, "at": f"{day}T12:00:00"} for step, day in pairs]


VOLUNTEERS = [
    # Active since mid 2024.
    {"step": "actief", "start_date": "2024-03-01",
     "steps": steps(("aangenomen", "2024-03-01"), ("basistraining", "2024-03-10"), ("actief", "2024-06-01"))},
    # New in 2025 (taken on in February), active from September.
    {"step": "actief", "start_date": "2025-02-01",
     "steps": steps(("aangenomen", "2025-02-01"), ("basistraining", "2025-03-01"), ("meeloopperiode", "2025-05-01"),
                    ("actief", "2025-09-01"))},
    # Active until she stopped on 15 March 2025.
    {"step": "gestopt", "start_date": "2022-12-01", "steps": steps(("actief", "2023-01-01"), ("gestopt", "2025-03-15"))},
    # An old record without history: active since its start.
    {"step": "actief", "start_date": "2020-01-01"},
    # Inactive since June 2024.
    {"step": "inactief", "start_date": "2023-11-01", "steps": steps(("actief", "2024-01-01"), ("inactief", "2024-06-01"))},
]
TRAININGS = [{"id": 1, "kind": "basistraining"}, {"id": 2, "kind": "verdieping"}]
RECORDS = [
    {"volunteer_id": 2, "training_id": 1, "date": "2025-03-01", "hours": 15},
    {"volunteer_id": 1, "training_id": 2, "date": "2025-10-10", "hours": 3},
    {"volunteer_id": 2, "training_id": 2, "date": "2025-10-10", "hours": 3},
    {"volunteer_id": 1, "training_id": 1, "date": "2024-03-10", "hours": 15},
]
EVENTS = [
    {"kind": "intervisie", "date": "2025-03-12", "attendance": [1, 2]},
    {"kind": "bedankbijeenkomst", "date": "2025-12-12", "attendance": [1, 2, 3]},
    {"kind": "intervisie", "date": "2026-03-01", "attendance": []},  # still to come
    {"kind": "training", "date": "2024-11-01", "attendance": [1]},
]
BUDGET = [{"year": 2025, "line": "training", "amount_cents": 100_000},
          {"year": 2025, "line": "onkosten_vrijwilligers", "amount_cents": 10_000}]
EXPENSES = [
    {"date": "2024-12-31", "line": "training", "amount_cents": 5_000},
    {"date": "2025-02-10", "line": "training", "amount_cents": 20_000},
    {"date": "2025-06-01", "line": "training", "amount_cents": 30_000},
]
CLAIMS = [{"date": "2025-03-01", "amount_cents": 1_500, "status": "goedgekeurd"},
          {"date": "2025-03-02", "amount_cents": 9_900, "status": "ingediend"}]

SOURCES = Sources(cases=CASES, nazorg=NAZORG, volunteers=VOLUNTEERS, trainings=TRAININGS, training_records=RECORDS,
                  events=EVENTS, budget_lines=BUDGET, expenses=EXPENSES, claims=CLAIMS)


def report(period):
    return period_report(SOURCES, period, today=TODAY, rules=RULES)


@pytest.fixture(scope="module")
def year_2025():
    return report(periods.year(2025))


def test_reports_count_by_the_month_they_came_in(year_2025):
    assert year_2025.reported == 5
    assert [n for _, n in year_2025.per_month] == [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0]
    assert year_2025.per_month[0][0] == "jan 2025" and len(year_2025.per_month) == 12


def test_cases_count_by_conflict_type_referrer_and_wijk_once_per_type(year_2025):
    assert year_2025.conflict_types == [("geluidsoverlast", 3), ("huisdieren", 1), ("parkeren", 1), ("tuin-erfgrens", 1)]
    assert year_2025.referrers == [("politie", 2), ("zelfmelder", 2), ("woningcorporatie", 1)]
    assert year_2025.wijken == [("centrum", 2), ("noord", 2), ("", 1)]


def test_outcomes_and_the_share_solved_count_the_cases_closed_in_the_period(year_2025):
    assert year_2025.closed == 4
    assert year_2025.outcomes == [("opgelost", 2), ("deels-opgelost", 1), ("niet-opgelost", 1), ("ongeschikt", 1)]
    assert year_2025.solved == Share(3, 4) and year_2025.solved.pct == 75.0
    assert year_2025.solved_fully == Share(2, 4)


def test_the_doorlooptijd_has_a_median_quartiles_and_a_range(year_2025):
    # 26, 30, 50, 92 days: median (30+50)/2; Q1 = 26 + 0.75 * 4; Q3 = 50 + 0.25 * 42.
    duration = year_2025.duration
    assert (duration.count, duration.median, duration.q1, duration.q3, duration.low, duration.high) == (
        4, 40.0, 29.0, 60.5, 26.0, 92.0)


def test_intakes_in_time_nazorg_and_open_cases(year_2025):
    assert year_2025.intake_in_time == Share(3, 5)
    assert year_2025.nazorg_done == Share(3, 4)
    assert year_2025.open_at_end == 1  # case 5


def test_a_case_reported_in_one_year_and_closed_in_the_next_counts_as_a_report_of_the_first_and_a_closing_of_the_second():
    first, second = report(periods.year(2024)), report(periods.year(2025))
    assert first.reported == 1 and first.closed == 0 and first.open_at_end == 1
    assert first.intake_in_time == Share(1, 1) and first.duration.count == 0
    assert second.reported == 5 and "X-1" not in [c for c, _ in second.per_month]
    assert second.closed == 4 and 26.0 == second.duration.low  # its 26 days count in 2025


def test_a_quarter_takes_only_its_own_months():
    q1 = report(periods.quarter(2025, 1))
    assert q1.per_month == [("jan 2025", 1), ("feb 2025", 1), ("mrt 2025", 0)]
    assert q1.outcomes == [("opgelost", 1), ("deels-opgelost", 0), ("niet-opgelost", 1), ("ongeschikt", 1)]
    assert (q1.duration.median, q1.duration.q1, q1.duration.q3) == (38.0, 32.0, 44.0)
    assert q1.volunteers.active == 3 and q1.volunteers.new == 1 and q1.volunteers.stopped == 1


def test_an_intake_whose_term_still_runs_is_not_judged():
    assert report(periods.year(2026)).intake_in_time == Share(0, 0)


def test_volunteers_active_new_and_stopped_follow_their_dated_steps(year_2025):
    v = year_2025.volunteers
    assert (v.active, v.new, v.stopped) == (4, 1, 1)
    assert report(periods.year(2024)).volunteers.active == 4  # 1, 3, 4 and 5 (inactive from June)
    assert report(periods.quarter(2025, 2)).volunteers.active == 2  # 1 and 4: 2 not yet, 3 stopped


def test_trainings_and_hours_count_the_records_dated_in_the_period(year_2025):
    v = year_2025.volunteers
    assert (v.trainings, v.trained, v.training_hours) == (3, 2, 21.0)
    assert v.trainings_by_kind == [("verdieping", 2), ("basistraining", 1)]


def test_events_count_only_when_held(year_2025):
    assert year_2025.events_held == 2 and year_2025.event_attendance == 5
    assert year_2025.events == [("bedankbijeenkomst", 1), ("intervisie", 1)]
    assert report(periods.year(2026)).events_held == 0  # the March intervisie has not happened yet


def test_budget_realisation_counts_spending_up_to_the_end_of_the_period():
    (q1,) = report(periods.quarter(2025, 1)).budget
    lines = {line.line: line for line in q1.lines}
    assert lines["training"].spent == 20_000 and lines["training"].budget == 100_000
    assert lines["onkosten_vrijwilligers"].spent == 1_500  # the approved claim; the submitted one not yet
    (whole,) = report(periods.year(2025)).budget
    assert whole.spent == 51_500 and whole.budget == 110_000


def test_an_empty_period_has_zeroes_and_no_percentages():
    empty = report(periods.year(2019))  # before anyone started
    assert empty.is_empty and empty.reported == 0 and empty.closed == 0
    assert [n for _, n in empty.per_month] == [0] * 12
    assert empty.conflict_types == [] and empty.wijken == []
    assert empty.solved == Share(0, 0) and empty.solved.pct is None
    assert empty.duration.count == 0 and empty.duration.median is None
    assert empty.intake_in_time == Share(0, 0) and empty.nazorg_done == Share(0, 0)
    assert empty.events_held == 0 and empty.budget[0].spent == 0


def test_without_data_at_all_the_report_is_empty_and_leaves_out_what_it_has_no_rule_for():
    bare = period_report(Sources(), periods.quarter(2025, 3), today=TODAY)
    assert bare.is_empty and bare.intake_in_time is None and bare.budget == []


def test_a_spread_of_one_value_is_that_value_and_of_none_is_nothing():
    assert spread([7]).median == spread([7]).q1 == spread([7]).high == 7.0
    assert spread([]).count == 0 and spread([]).low is None


@pytest.mark.parametrize("args, label, key", [
    ({}, "2025", "2025"),
    ({"jaar": "2024", "kwartaal": "3"}, "3e kwartaal 2024", "2024-K3"),
    ({"van": "2025-01-15", "tot": "2025-02-20"}, "15-01-2025 t/m 20-02-2025", "2025-01-15_2025-02-20"),
])
def test_a_period_is_read_from_the_address(args, label, key):
    period = periods.parse(args, today=dt.date(2025, 6, 1))
    assert period.label == label and period.key == key
    assert periods.parse(period.query(), today=dt.date(2025, 6, 1)) == period


@pytest.mark.parametrize("args, message", [
    ({"jaar": "20x5"}, "Kies een jaar"),
    ({"jaar": "2025", "kwartaal": "5"}, "kwartaal 1, 2, 3 of 4"),
    ({"van": "2025-03-01"}, "zowel de begin- als de einddatum"),
    ({"van": "2025-03-01", "tot": "2025-02-01"}, "vóór de begindatum"),
    ({"van": "1-3-2025", "tot": "2025-04-01"}, "geen datum"),
])
def test_a_wrong_period_gets_a_dutch_message(args, message):
    with pytest.raises(periods.PeriodError, match=message):
        periods.parse(args, today=dt.date(2025, 6, 1))


def test_the_figures_module_stands_on_the_ground_floor():
    """No Flask and no admin area is imported: the site builder can use it."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, figures.report, figures.public, figures.period; "
            "bad = [m for m in sys.modules if m == 'flask' or m.startswith('buurtbemiddeling')]; print(bad); assert not bad")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
