"""The quality pages, and the debrief and nazorg forms on a case, as the coordinator uses them."""
from __future__ import annotations

import pytest

from common import clock
from buurtbemiddeling.cases import repo as case_repo
from buurtbemiddeling.quality import debrief, nazorg, signals

from .matching_data import add_case, add_volunteers
from .conftest import stored_once


def store_a_linked_case(store) -> dict:
    els, kees = add_volunteers(store, "Els", "Kees")
    case_id = add_case(store, step="gesprek-b", duo=[els, kees])
    return {"case": case_id, "els": els, "kees": kees}


@pytest.fixture
def linked(store):
    return store_a_linked_case(store)


shared_linked = stored_once(store_a_linked_case)  # for the tests that only read (`module_app`)


def test_a_debrief_is_logged_with_the_checklist_and_shows_on_the_case(client, as_user, store, linked):
    as_user.coordinator()
    url = f"/beheer/zaken/{linked['case']}/nabespreking"
    page = client.get(url).get_data(as_text=True)
    assert "Met Els en Kees." in page and debrief.FALLBACK_CHECKLIST[0] in page
    today = clock.today().isoformat()
    response = client.post(url, data={"talk": "gesprek-a", "date": today, "went_well": "Goed geluisterd",
                                      "hard": "Partij B was boos", "checked": ["0", "1"], "coaching_needed": "ja"})
    assert response.status_code == 303
    (saved,) = debrief.of_case(store.read(), linked["case"])
    assert saved["coaching_needed"] and saved["volunteer_ids"] == [linked["els"], linked["kees"]]
    case_page = client.get(f"/beheer/zaken/{linked['case']}").get_data(as_text=True)
    assert "Partij B was boos" in case_page and "Coaching gevraagd" in case_page
    assert f"Protocol: 2 van {len(debrief.FALLBACK_CHECKLIST)} punten gedaan" in case_page


def test_a_debrief_with_errors_comes_back_with_what_was_typed(client, as_user, linked):
    as_user.coordinator()
    response = client.post(f"/beheer/zaken/{linked['case']}/nabespreking",
                           data={"talk": "gesprek-a", "date": "", "hard": "Mijn tekst blijft", "checked": ["2"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul de datum van het gesprek in." in page and "Mijn tekst blijft" in page
    assert 'id="debrief-checked-2" name="checked" value="2" checked' in page


def test_nazorg_is_logged_per_party_and_done_when_both_were_called(client, as_user, store, linked):
    as_user.coordinator()
    url = f"/beheer/zaken/{linked['case']}/nazorg"
    assert "Els en Kees" in client.get(url).get_data(as_text=True)  # who calls, filled in
    today = clock.today().isoformat()
    for party in ("0", "1"):
        response = client.post(url, data={"party": party, "contacted_on": today, "by_whom": "Els", "holds": "ja",
                                          "satisfaction": "5"})
        assert response.status_code == 303
    records = nazorg.of_case(store.read(), linked["case"])
    assert sorted(records) == [0, 1] and records[1]["satisfaction"] == 5
    assert "Nazorg gedaan" in client.get(url).get_data(as_text=True)


def test_nazorg_without_a_date_or_caller_is_refused_in_dutch(client, as_user, linked):
    as_user.coordinator()
    response = client.post(f"/beheer/zaken/{linked['case']}/nazorg", data={"party": "0", "holds": "ja", "note": "bewaard"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul de datum van het contact in." in page and "Vul in wie de partij heeft gesproken." in page and "bewaard" in page


def test_a_signal_about_a_volunteer_shows_on_their_page_with_the_trend(client, as_user, store, linked):
    as_user.coordinator()
    response = client.post("/beheer/kwaliteit/signalen", data={"volunteer_id": linked["els"], "kind": "zorg",
                                                               "source": "collega", "text": "Kwam te laat"})
    assert response.status_code == 303
    page = client.get(f"/beheer/kwaliteit/vrijwilliger/{linked['els']}").get_data(as_text=True)
    assert "Kwam te laat" in page and "Te weinig signalen" in page
    assert store.audit_entries(record=f"volunteer:{linked['els']}")[0]["action"] == "view"
    assert len(signals.of_volunteer(store.read(), linked["els"])) == 1


def test_a_signal_without_words_is_refused_on_the_volunteers_page(client, as_user, linked):
    as_user.coordinator()
    response = client.post("/beheer/kwaliteit/signalen", data={"volunteer_id": linked["els"], "kind": "positief",
                                                               "from_volunteer": linked["els"], "text": ""})
    assert response.status_code == 422
    assert "Beschrijf het signaal in een paar woorden." in response.get_data(as_text=True)


def test_the_quality_page_shows_the_figures_per_quarter_and_for_the_year(client, as_user):
    as_user.coordinator()
    page = client.get("/beheer/kwaliteit/").get_data(as_text=True)
    year = clock.today().year
    assert f"K1 {year}" in page and f"Heel {year}" in page
    for figure in ("Intake binnen 5 werkdagen", "Afgesloten zaken met nazorg", "Doorlooptijd (mediaan)", "Opgelost",
                   "Tevredenheid (1–5)"):
        assert figure in page


@pytest.mark.parametrize("method, url", [
    ("get", "/beheer/kwaliteit/"), ("get", "/beheer/kwaliteit/signalen"), ("post", "/beheer/kwaliteit/signalen"),
    ("get", "/beheer/kwaliteit/vrijwilliger/{els}"), ("get", "/beheer/zaken/{case}/nabespreking"),
    ("post", "/beheer/zaken/{case}/nabespreking"), ("get", "/beheer/zaken/{case}/nazorg"),
    ("post", "/beheer/zaken/{case}/nazorg"),
])
def test_only_the_coordinator_may_use_the_quality_pages(module_clients, shared_linked, method, url):
    module_clients.only_the_coordinator_may(method, url.format(case=shared_linked["case"], els=shared_linked["els"]))


def test_unknown_cases_and_volunteers_are_not_found(module_clients):
    assert module_clients.coordinator.get("/beheer/zaken/999/nabespreking").status_code == 404
    assert module_clients.coordinator.get("/beheer/kwaliteit/vrijwilliger/999").status_code == 404


def test_a_volunteers_page_lists_their_own_debriefs_newest_first_with_the_case(client, as_user, store, linked):
    import datetime as dt

    (anna,) = add_volunteers(store, "Anna")
    other = add_case(store, step="gesprek-b", duo=[anna, linked["kees"]])
    at = dt.datetime(2026, 3, 1, 10)
    for day, case, duo, text in (("2026-02-01", linked["case"], [linked["els"], linked["kees"]], "Eerste gesprek Els"),
                                 ("2026-02-20", linked["case"], [linked["els"], linked["kees"]], "Tweede gesprek Els"),
                                 ("2026-02-10", other, [anna, linked["kees"]], "Gesprek van Anna")):
        debrief.add(store, case, {"talk": "gesprek-a", "date": day, "went_well": text, "hard": "", "checklist": [],
                                  "coaching_needed": False, "volunteer_ids": duo}, by="Carla", at=at)
    as_user.coordinator()
    page = client.get(f"/beheer/kwaliteit/vrijwilliger/{linked['els']}").get_data(as_text=True)
    assert page.index("20-02-2026") < page.index("01-02-2026") and "10-02-2026" not in page  # not Anna's
    assert case_repo.get_case(store.read(), linked["case"])["number"] in page
    # A debrief added later shows at once.
    debrief.add(store, linked["case"], {"talk": "gesprek-b", "date": "2026-02-25", "went_well": "Derde gesprek Els",
                                        "hard": "", "checklist": [], "coaching_needed": False,
                                        "volunteer_ids": [linked["els"], linked["kees"]]}, by="Carla", at=at)
    page = client.get(f"/beheer/kwaliteit/vrijwilliger/{linked['els']}").get_data(as_text=True)
    assert page.index("25-02-2026") < page.index("20-02-2026")


def test_the_quality_page_shows_protocol_adherence_from_the_debriefs_checklists(client, as_user, store, linked, clock):
    from buurtbemiddeling.quality import figures

    def checklist(*done):
        return [{"item": item, "done": flag} for item, flag in zip(("Samen als duo", "Neutraal gebleven"), done)]

    for day, ticks in (("2026-03-01", (True, True)), ("2026-05-01", (True, False)), ("2026-06-01", (False, False)),
                       ("2025-06-01", (False, False))):  # last year: not counted in 2026
        debrief.add(store, linked["case"], {"talk": "gesprek-a", "date": day, "went_well": "x", "hard": "",
                                            "checklist": checklist(*ticks), "coaching_needed": False,
                                            "volunteer_ids": [linked["els"], linked["kees"]]}, by="Els", at=clock.now())
    result = figures.adherence(debrief.of_case(store.read(), linked["case"]), year=2026)
    assert result.debriefs == 3 and (result.complete.part, result.complete.whole) == (1, 3)
    assert [(item, s.part, s.whole) for item, s in result.points] == [("Neutraal gebleven", 1, 3), ("Samen als duo", 2, 3)]

    as_user.coordinator()
    page = client.get("/beheer/kwaliteit/?jaar=2026").get_data(as_text=True)
    section = page[page.index('id="protocol-titel"'):page.index('id="signalen-titel"')]
    assert "Volgens 3 nabesprekingen van gesprekken in 2026" in section
    assert "<strong>33%</strong> <span class=\"meta\">1 van 3</span>" in section
    assert section.index("Neutraal gebleven") < section.index("Samen als duo")
    assert "<strong>67%</strong> <span class=\"meta\">2 van 3</span>" in section
    assert figures.adherence(debrief.of_case(store.read(), linked["case"]), year=2024).debriefs == 0
