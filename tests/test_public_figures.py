"""The anonymised figures on the public Resultaten page (figures/public.py)."""
import datetime

from figures import suppress
from figures.public import active_volunteers, largest_conflict_types, public_figures, reports_per_year, solved_share


def case(year=2025, types=("geluidsoverlast",), outcome=None):
    doc = {"created_at": f"{year}-05-01T09:00:00+00:00", "conflict_types": list(types)}
    if outcome:
        doc["closing"] = {"outcome": outcome}
    return doc


def test_a_count_of_one_to_four_is_never_published_but_zero_and_five_are():
    assert [suppress(n).value for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]


def test_reports_per_year_hides_a_year_with_fewer_than_five_cases():
    cases = [case(2024)] * 3 + [case(2025)] * 8
    assert [(year, figure.value) for year, figure in reports_per_year(cases)] == [(2024, None), (2025, 8)]


def test_the_share_solved_counts_partly_solved_and_accepts_both_spellings_of_outcomes():
    cases = ([case(outcome="opgelost")] * 6 + [case(outcome="deels opgelost")] * 2
             + [case(outcome="deels-opgelost")] * 2 + [case(outcome="niet opgelost")] * 5 + [case()] * 9)
    share = solved_share(cases)
    assert share["percent"] == 67 and share["closed"].value == 15  # open cases do not count


def test_the_share_solved_is_hidden_when_the_rest_could_be_worked_out_for_a_few_cases():
    cases = [case(outcome="opgelost")] * 10 + [case(outcome="niet opgelost")] * 2
    assert solved_share(cases)["percent"] is None  # 83% of 12 would reveal the 2
    assert solved_share([case(outcome="opgelost")] * 10)["percent"] == 100  # no hidden rest


def test_the_largest_conflict_types_leave_out_small_ones_and_count_a_case_once_per_type():
    cases = ([case(types=["geluidsoverlast", "parkeren"])] * 6 + [case(types=["geluidsoverlast", "geluidsoverlast"])] * 3
             + [case(types=["huisdieren"])] * 4)
    assert largest_conflict_types(cases) == [("geluidsoverlast", 9), ("parkeren", 6)]


def test_only_active_volunteers_count():
    volunteers = [{"step": "actief"}] * 6 + [{"step": "gestopt"}] * 3 + [{"step": "aanmelding"}]
    assert active_volunteers(volunteers).value == 6
    assert active_volunteers([{"step": "actief"}] * 2).value is None


def test_public_figures_say_when_they_were_computed_and_survive_odd_records():
    figures = public_figures([case(), {"created_at": None, "closing": "x"}, {}], [], today=datetime.date(2025, 6, 1))
    assert figures["computed_on"] == datetime.date(2025, 6, 1)
    assert figures["total"].value is None and figures["volunteers"].value == 0
    assert figures["threshold"] == 5
