"""Pure rules around cases: numbers, the intake deadline, duplicates, search and CSV."""
import datetime as dt
import multiprocessing

import pytest

from buurtbemiddeling.cases import csv_io, intake, numbering, search
from common import intake_term, working_days


class Doc(dict):
    def __init__(self, doc_id, **values):
        super().__init__(values)
        self.doc_id = doc_id


# -- numbers -------------------------------------------------------------------

def test_case_numbers_count_up_per_year_and_start_again_in_a_new_year():
    assert numbering.next_number([], 2025) == "2025-0001"
    assert numbering.next_number(["2025-0001", "2025-0009", "2024-0120"], 2025) == "2025-0010"
    assert numbering.next_number(["2025-0001", "2025-0009"], 2026) == "2026-0001"
    assert numbering.next_number(["2025-9999"], 2025) == "2025-10000"


def test_a_malformed_number_is_ignored_when_counting():
    assert numbering.next_number(["rommel", "", "2025-00x1"], 2025) == "2025-0001"
    assert numbering.parse("2025-0031") == (2025, 31) and numbering.parse("25-1") is None


def _create_cases(data_dir, count):
    from db import Store
    from buurtbemiddeling.cases import repo

    store = Store(data_dir)
    for _ in range(count):
        repo.create_case(store, {"reported_at": "2025-03-03T10:00:00"}, None)


def test_numbers_stay_unique_when_several_processes_create_cases_at_once(tmp_path):
    from db import Store

    workers = [multiprocessing.get_context("fork").Process(target=_create_cases, args=(tmp_path, 8)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    numbers = [c["number"] for c in Store(tmp_path).read().table("cases").all()]
    assert len(numbers) == 32 and len(set(numbers)) == 32
    assert sorted(numbers)[-1] == "2025-0032"


# -- the intake deadline --------------------------------------------------------

def test_easter_is_computed_for_known_years():
    assert working_days.easter(2024) == dt.date(2024, 3, 31)
    assert working_days.easter(2025) == dt.date(2025, 4, 20)
    assert working_days.easter(2026) == dt.date(2026, 4, 5)


def test_working_days_skip_weekends():
    friday = dt.date(2025, 6, 13)
    assert working_days.add_working_days(friday, 1) == dt.date(2025, 6, 16)
    assert working_days.add_working_days(friday, 5) == dt.date(2025, 6, 20)


def test_working_days_skip_dutch_public_holidays():
    # Koningsdag 2025 is on Sunday 27 April: it moves to Saturday 26 April.
    assert working_days.holidays(2025) >= {dt.date(2025, 4, 21), dt.date(2025, 4, 26), dt.date(2025, 5, 29), dt.date(2025, 6, 9)}
    # A report on Thursday before Easter: Friday, then Tuesday (Monday is Tweede Paasdag).
    assert working_days.add_working_days(dt.date(2025, 4, 17), 2) == dt.date(2025, 4, 22)
    # Christmas: from Wednesday 24 Dec, Thursday and Friday are holidays, then the weekend.
    assert working_days.add_working_days(dt.date(2025, 12, 24), 2) == dt.date(2025, 12, 30)


def test_an_intake_is_overdue_after_the_deadline_until_the_decision():
    # Monday 2 June 2025 + 5 working days, skipping Tweede Pinksterdag (9 June).
    case = {"step": "intake", "reported_at": "2025-06-02T09:00:00", "intake": {}}
    assert intake_term.deadline(case, 5) == dt.date(2025, 6, 10)
    assert not intake_term.is_late(case, dt.date(2025, 6, 10), 5)
    assert intake_term.is_late(case, dt.date(2025, 6, 11), 5)
    assert not intake_term.is_late({**case, "intake": {"decision": "geschikt"}}, dt.date(2025, 6, 30), 5)
    assert not intake_term.is_late({**case, "step": "gekoppeld"}, dt.date(2025, 6, 30), 5)


# -- duplicates ----------------------------------------------------------------

def report(doc_id, street, postcode, b_street, b_postcode=None):
    return Doc(doc_id, values={"street": street, "postcode": postcode, "b_street": b_street, "b_postcode": b_postcode})


def test_addresses_are_compared_after_normalising():
    assert intake.normalise_address("Merelstr. 8 a") == intake.normalise_address("merelstraat 8A")
    assert intake.normalise_address("  Kerkstraat   12 ") == "kerkstraat 12"


def test_a_second_report_about_the_same_address_pair_is_pointed_out_in_either_direction():
    first = report(1, "Merelstraat 8", "7413 KL", "Merelstraat 10")
    same = report(2, "merelstraat 8", "7413KL", "Merelstraat 10")
    reversed_pair = report(3, "Merelstraat 10", "7413 KL", "Merelstr. 8")
    other = report(4, "Merelstraat 8", "7413 KL", "Merelstraat 12")
    found = intake.duplicates(intake.report_pair(first), [first, same, reversed_pair, other], [], skip_report=1)
    assert [r.doc_id for r in found["reports"]] == [2, 3]


def test_the_same_streets_in_another_postcode_area_are_not_a_duplicate():
    first = report(1, "Kerkstraat 1", "7411 AB", "Kerkstraat 3")
    elsewhere = report(2, "Kerkstraat 1", "1234 ZZ", "Kerkstraat 3")
    assert intake.duplicates(intake.report_pair(first), [elsewhere], [])["reports"] == []


def test_a_case_about_the_same_pair_is_pointed_out():
    case = Doc(7, parties=[{"street": "Merelstraat 10", "postcode": ""}, {"street": "Merelstraat 8", "postcode": "7413 KL"}])
    found = intake.duplicates(intake.report_pair(report(1, "Merelstraat 8", "7413 KL", "Merelstraat 10")), [], [case])
    assert found["cases"] == [case]


def test_the_wijk_is_guessed_from_earlier_cases_in_the_same_postcode_area():
    cases = [Doc(1, wijk="vogelbuurt", parties=[{"postcode": "7413 AB"}]),
             Doc(2, wijk="vogelbuurt", parties=[{"postcode": "7413 XY"}]),
             Doc(3, wijk="centrum", parties=[{"postcode": "7411 AA"}])]
    assert intake.guess_wijk("7413 KL", cases) == "vogelbuurt"
    assert intake.guess_wijk("9999 ZZ", cases) == "" and intake.guess_wijk(None, cases) == ""


# -- search ----------------------------------------------------------------------

CASES = [
    Doc(1, number="2024-0007", step="afgesloten", wijk="centrum", conflict_types=["geluidsoverlast"],
        referrer={"type": "politie"}, duo=[5, 6], reported_at="2024-11-02T10:00:00", last_activity_at="2025-01-05",
        parties=[{"name": "Anna de Vries", "street": "Kerkstraat 4", "postcode": "7411 AB"}, {"name": "Bram Yılmaz", "street": "Kerkstraat 6"}]),
    Doc(2, number="2025-0001", step="intake", wijk="vogelbuurt", conflict_types=["huisdieren", "geluidsoverlast"],
        referrer={"type": "zelfmelder"}, duo=[], reported_at="2025-01-10T10:00:00", last_activity_at="2025-02-01",
        parties=[{"name": "Chantal Bakker", "street": "Merelstraat 8", "postcode": "7413 KL"}, {"name": "", "street": "Merelstraat 10"}]),
    Doc(3, number="2025-0002", step="in-de-wacht", wijk="centrum", conflict_types=["parkeren"],
        referrer={"type": "woningcorporatie"}, duo=[6, 9], reported_at="2025-02-10T10:00:00", last_activity_at="2025-03-01",
        parties=[{"name": "Daan Smit", "street": "Torenlaan 2", "postcode": "7411 CD"}, {"name": "Esra Kaya", "street": "Torenlaan 4"}]),
]


def numbers(filters):
    found, _ = search.search(CASES, filters)
    return [c["number"] for c in found]


@pytest.mark.parametrize("args, expected", [
    ({"step": "intake"}, ["2025-0001"]),
    ({"step": "open"}, ["2025-0002", "2025-0001"]),
    ({"step": "gesloten"}, ["2024-0007"]),
    ({"type": "geluidsoverlast"}, ["2025-0001", "2024-0007"]),
    ({"wijk": "centrum"}, ["2025-0002", "2024-0007"]),
    ({"referrer": "politie"}, ["2024-0007"]),
    ({"year": "2025"}, ["2025-0002", "2025-0001"]),
    ({"volunteer": "6"}, ["2025-0002", "2024-0007"]),
    ({"q": "yilmaz"}, ["2024-0007"]),
    ({"q": "merelstr"}, ["2025-0001"]),
    ({"q": "7411cd"}, ["2025-0002"]),
    ({"q": "2025-0001"}, ["2025-0001"]),
    ({"q": "kerkstraat anna"}, ["2024-0007"]),
    ({"wijk": "centrum", "step": "afgesloten"}, ["2024-0007"]),
])
def test_cases_are_found_by_each_filter_and_by_free_text(args, expected):
    assert numbers(search.Filters.from_args(args)) == expected


def test_cases_sort_by_column_in_both_directions():
    assert numbers(search.Filters.from_args({"sort": "nummer", "order": "asc"})) == ["2024-0007", "2025-0001", "2025-0002"]
    assert numbers(search.Filters.from_args({"sort": "nummer"})) == ["2025-0002", "2025-0001", "2024-0007"]


def test_malformed_filters_are_ignored_with_an_explanation_not_an_error():
    filters = search.Filters.from_args({"step": "onzin", "year": "20x5", "page": "-3", "sort": "drop table"})
    assert filters.step == "" and filters.year == "" and filters.page == 1 and filters.sort == "activiteit"
    assert "Onbekende stap" in filters.errors["step"] and "vier cijfers" in filters.errors["year"]


def test_pages_hold_a_fixed_number_of_cases_and_a_page_beyond_the_end_shows_the_last():
    many = [Doc(i, number=f"2025-{i:04d}", step="intake", last_activity_at=f"2025-01-{i % 28 + 1:02d}", parties=[]) for i in range(1, 61)]
    found, page = search.search(many, search.Filters.from_args({"page": "9"}), page_size=25)
    assert len(found) == 60 and page.pages == 3 and page.page == 3 and len(page.items) == 10


def test_filters_write_themselves_back_into_the_url_without_defaults():
    filters = search.Filters.from_args({"wijk": "centrum", "q": "anna", "page": "2"})
    assert filters.query() == {"wijk": "centrum", "q": "anna", "page": 2}
    assert filters.query(page=1) == {"wijk": "centrum", "q": "anna"}
    assert filters.sort_link("nummer") == {"wijk": "centrum", "q": "anna", "sort": "nummer", "order": "asc"}


# -- CSV --------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+31612345678", "'+31612345678"),
    ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Anna", "Anna"), (None, ""), (12, "12"),
])
def test_export_cells_that_a_spreadsheet_would_run_as_a_formula_are_made_harmless(value, expected):
    assert csv_io.safe_cell(value) == expected


def test_a_spreadsheet_file_is_decoded_as_utf8_or_windows_1252():
    assert csv_io.decode("Yılmaz;é".encode("utf-8-sig")) == "Yılmaz;é"
    assert csv_io.decode("Café".encode("cp1252")) == "Café"
