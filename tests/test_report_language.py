"""A resident reports in Turkish, Arabic or Polish: the form answers in that language, the report
keeps the language, and the coordinator sees "spreekt liever: Turks" in the inbox, on the report
and on the case, where matching looks for a mediator who speaks it."""
from __future__ import annotations

import pytest

from buurtbemiddeling.cases import repo
from buurtbemiddeling.matching import score
from buurtbemiddeling.reports import intake
from forms import REPORT

from .test_reports import VALID

LANGUAGES = {"tr": ("Turks", "Adınızı yazın", "Hata:"), "ar": ("Arabisch", "اكتب اسمك", "خطأ:"),
             "pl": ("Pools", "Wpisz swoje imię i nazwisko", "Błąd:")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_report_with_mistakes_comes_back_in_the_residents_language_with_what_they_typed(client, store, lang):
    _, name_missing, error = LANGUAGES[lang]
    response = client.post("/melding", data={**VALID, "lang": lang, "name": "", "street": "Lijsterlaan 3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    assert f"<title>{error} " in html and name_missing in html
    assert 'value="Lijsterlaan 3"' in html
    assert intake.all_reports(store.read()) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_report_in_another_language_is_stored_with_it_and_thanks_on_that_languages_page(client, store, lang):
    response = client.post("/melding", data={**VALID, "lang": lang})
    assert response.status_code == 303 and response.location == REPORT.thanks_url(lang)
    [report] = intake.all_reports(store.read())
    assert report["lang"] == lang
    assert intake.preferred_language(report) == LANGUAGES[lang][0]


def test_what_the_resident_writes_about_language_wins_and_dutch_or_a_referral_ask_for_nothing():
    assert intake.preferred_language({"form": "report", "lang": "tr", "values": {"language": "Koerdisch"}}) == "Koerdisch"
    assert intake.preferred_language({"form": "report", "lang": "nl", "values": {}}) == ""
    assert intake.preferred_language({"form": "referral", "lang": "en", "values": {}}) == ""
    assert intake.preferred_language({"form": "report", "lang": "en", "values": {"language": ""}}) == "Engels"


def test_the_coordinator_sees_spreekt_liever_turks_in_the_inbox_on_the_report_and_on_the_case(client, store, as_user):
    client.post("/melding", data={**VALID, "lang": "tr", "name": "Ayşe Yılmaz"})
    client.post("/melding", data={**VALID, "name": "Anna de Vries"})
    user = as_user.coordinator()
    inbox = client.get("/beheer/meldingen/").get_data(as_text=True)
    assert inbox.count("spreekt liever:") == 1 and "spreekt liever: Turks" in inbox
    [turkish] = [r for r in intake.all_reports(store.read()) if r["values"]["name"] == "Ayşe Yılmaz"]
    assert "spreekt liever: Turks" in client.get(f"/beheer/meldingen/{turkish.doc_id}").get_data(as_text=True)

    case_id, _ = repo.create_from_report(store, turkish.doc_id, user)
    case = store.read().table("cases").get(doc_id=case_id)
    assert case["parties"][0]["language"] == "Turks"
    assert score.wanted_languages(case) == [("A", "Turks")]  # matching weighs a mediator who speaks it
    assert "spreekt liever: Turks" in client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
