"""CSV exports cannot smuggle a formula into the coordinator's spreadsheet."""
import csv
import io

from buurtbemiddeling.csv_safe import csv_text, safe_cell

PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+31 6 1234", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "\n=1"]


def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe():
    for payload in PAYLOADS:
        assert safe_cell(payload) == "'" + payload


def test_ordinary_text_and_real_numbers_stay_as_they_are():
    assert safe_cell("Jansen = buurman") == "Jansen = buurman"
    assert safe_cell(-5) == "-5" and safe_cell(2.5) == "2.5" and safe_cell(None) == "" and safe_cell(True) == "True"


def test_a_csv_for_dutch_excel_is_safe_in_every_cell():
    text = csv_text([["Naam", "Opmerking"], ["=cmd|' /C calc'!A0", "a;b \"c\""]])
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == ["'=cmd|' /C calc'!A0", 'a;b "c"']


def test_the_case_export_uses_the_shared_helper():
    from buurtbemiddeling.cases import csv_io

    assert csv_io.safe_cell is safe_cell
