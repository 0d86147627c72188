"""The quality figures on a small data set computed by hand (see the comments)."""
from __future__ import annotations

import datetime as dt

from buurtbemiddeling.quality.figures import Share, compute, periods
from common.intake_term import on_time as intake_on_time

TODAY = dt.date(2025, 9, 30)


def case(id, reported, *, decided=None, step="intake", closed=None, outcome="", nazorg_texts=False):
    closing = None
    if closed:
        closing = {"outcome": outcome, "closed_on": closed, "nazorg_a": "Goed" if nazorg_texts else "",
                   "nazorg_b": "Goed" if nazorg_texts else ""}
    return {"id": id, "reported_at": f"{reported}T10:00:00", "step": step, "parties": [{}, {}],
            "intake": {"decision": "geschikt" if decided else "", "decided_on": decided}, "closing": closing}


CASES = [
    # Q1: reported Mon 6 Jan, deadline Mon 13 Jan, decided Fri 10 Jan: on time. Closed after 40 days, solved.
    case(1, "2025-01-06", decided="2025-01-10", step="afgesloten", closed="2025-02-15", outcome="opgelost"),
    # Q1: reported 3 Feb, deadline 10 Feb, decided 14 Feb: late. Closed after 56 days, not solved, nazorg for A only.
    case(2, "2025-02-03", decided="2025-02-14", step="afgesloten", closed="2025-03-31", outcome="niet-opgelost"),
    # Q1: ongeschikt, decided the next day: on time; never mediated, so not among the closed.
    case(3, "2025-03-03", decided="2025-03-04", step="ongeschikt"),
    # Q2: on time; closed after 30 days, partly solved; nazorg written on the closing form.
    case(4, "2025-04-01", decided="2025-04-03", step="afgesloten", closed="2025-05-01", outcome="deels-opgelost",
         nazorg_texts=True),
    # Q2: reported 2 June, deadline 10 June (9 June is Tweede Pinksterdag), still no decision on 30 Sep: late.
    case(5, "2025-06-02"),
    # Q3: reported yesterday: its intake term still runs, so it is not counted yet.
    case(6, "2025-09-29"),
]
NAZORG = [
    {"case_id": 1, "party": 0, "contacted_on": "2025-02-10", "satisfaction": 4},
    {"case_id": 1, "party": 1, "contacted_on": "2025-02-12", "satisfaction": 5},
    {"case_id": 2, "party": 0, "contacted_on": "2025-03-25", "satisfaction": 2},
    {"case_id": 4, "party": 0, "contacted_on": "2025-04-28", "satisfaction": 3},
    {"case_id": 4, "party": 1, "contacted_on": "2025-04-28", "satisfaction": None},
]


def figures():
    return {f.label: f for f in compute(CASES, NAZORG, year=2025, today=TODAY, working_days=5)}


def test_the_year_has_four_quarters_and_a_total():
    assert [p[0] for p in periods(2025)] == ["K1 2025", "K2 2025", "K3 2025", "K4 2025", "Heel 2025"]
    assert periods(2025)[0][2] == dt.date(2025, 3, 31) and periods(2025)[3][2] == dt.date(2025, 12, 31)


def test_the_first_quarter_counts_two_of_three_intakes_on_time_and_half_the_closed_cases_with_nazorg():
    q1 = figures()["K1 2025"]
    assert q1.intake_in_time == Share(2, 3)
    assert q1.nazorg_done == Share(1, 2)
    assert q1.median_days == 48.0  # (40 + 56) / 2
    assert q1.solved == Share(1, 2) and q1.partly_solved == Share(0, 2)
    assert (q1.satisfaction, q1.satisfaction_count) == (3.67, 3)  # (4 + 5 + 2) / 3


def test_an_intake_still_waiting_after_its_deadline_counts_as_late():
    q2 = figures()["K2 2025"]
    assert q2.intake_in_time == Share(1, 2)
    assert q2.nazorg_done == Share(1, 1)  # written on the closing form
    assert (q2.median_days, q2.partly_solved, q2.satisfaction) == (30.0, Share(1, 1), 3.0)


def test_a_quarter_without_cases_shows_no_numbers_rather_than_zeroes():
    q3 = figures()["K3 2025"]
    assert q3.intake_in_time == Share(0, 0) and q3.intake_in_time.pct is None
    assert q3.median_days is None and q3.satisfaction is None


def test_the_whole_year_adds_up_the_quarters():
    year = figures()["Heel 2025"]
    assert year.intake_in_time == Share(3, 5) and year.intake_in_time.pct == 60.0
    assert year.nazorg_done == Share(2, 3)
    assert year.median_days == 40.0  # median of 30, 40, 56
    assert year.solved == Share(1, 3) and year.partly_solved == Share(1, 3)
    assert (year.satisfaction, year.satisfaction_count) == (3.5, 4)


def test_an_intake_within_its_term_is_not_judged_yet():
    assert intake_on_time(CASES[5], TODAY, 5) is None
    assert intake_on_time(CASES[4], TODAY, 5) is False
