"""Rights of the data subject: find a person everywhere, export all we hold (JSON and a
readable PDF), and erase them on request, with an audit record of the erasure only."""
from __future__ import annotations

import json
import subprocess

import pytest

from buurtbemiddeling.cases import repo as case_repo
from buurtbemiddeling.privacy import subjects
from buurtbemiddeling.reports import intake
from tests import portal_data
from tests.html_tree import parse
from tests.portal_data import coordinator, shared_anna, shared_coordinator  # noqa: F401  (fixtures)


def the_programme(store):
    """The portal's programme with Henk Huisman's report, application and call."""
    built = portal_data.build(store)
    report = intake.store_submission(store, "report", {
        "name": "Henk Huisman", "email": "henk@bewoners.example", "phone": "06-44444444",
        "b_name": "Ilse Ijzer", "description": "Muziek", "conflict_type": "geluidsoverlast"})
    application = intake.store_submission(store, "application", {
        "name": "Henk Huisman", "email": "henk@bewoners.example", "phone": "0644444444", "motivation": "Ik help graag"})
    case_repo.add_entry(store, built.case_a, {"kind": "contact", "with": "partij-a", "channel": "telefoon",
                                              "summary": "Henk Huisman belde over de nacht"}, None)
    built.report, built.application = report, application
    return built


@pytest.fixture
def programme(store, clock):
    """The programme, made on the tests' day (06-12-2026, the `clock` fixture): the exports
    below show its dates."""
    return the_programme(store)


@pytest.fixture(scope="module")
def shared_programme(module_app, module_clock):
    """The programme, made once on the same day for the tests that only read (`module_app`)."""
    return the_programme(module_app.extensions["store"])


def test_a_person_is_found_by_name_in_reports_cases_and_applications(module_app, shared_programme):
    store, programme = module_app.extensions["store"], shared_programme
    hits = subjects.search(store.read(), "henk huisman")
    assert {h.key for h in hits} == {f"report:{programme.report}", f"case:{programme.case_a}:0",
                                     f"application:{programme.application}"}


def test_a_person_is_found_by_phone_in_any_notation_and_by_email(module_app, shared_programme):
    store, programme = module_app.extensions["store"], shared_programme
    assert {h.record for h in subjects.search(store.read(), "+31 6 4444 4444")} == {
        f"report:{programme.report}", f"case:{programme.case_a}", f"application:{programme.application}"}
    assert f"case:{programme.case_b}" in {h.record for h in subjects.search(store.read(), "greet@bewoners.example")}


def test_a_referrer_and_a_volunteer_are_found_too(module_app, shared_programme):
    store, programme = module_app.extensions["store"], shared_programme
    assert f"case:{programme.case_a}:referrer" in {h.key for h in subjects.search(store.read(), "Bosman")}
    assert {h.key for h in subjects.search(store.read(), "Bert Bakker")} == {f"volunteer:{programme.bert}"}


def test_the_search_is_posted_and_its_words_stay_out_of_the_audit_log(coordinator, store, programme):
    html = coordinator.post("/beheer/privacy/personen", data={"q": "Huisman"}).get_data(as_text=True)
    assert html.count('name="sleutel"') == 3
    entry = store.audit_entries(user=programme.coordinator)[0]
    assert entry["action"] == "privacy.search" and "Huisman" not in json.dumps(entry)


def test_a_search_of_two_letters_asks_for_more(shared_coordinator):
    response = shared_coordinator.post("/beheer/privacy/personen", data={"q": "He"})
    assert response.status_code == 422 and "minstens 3 tekens" in response.get_data(as_text=True)


def test_the_json_export_holds_what_concerns_the_person_and_is_audited(coordinator, store, programme):
    keys = [f"report:{programme.report}", f"case:{programme.case_a}:0", f"application:{programme.application}"]
    response = coordinator.post("/beheer/privacy/personen/export.json", data={"sleutel": keys})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["Meldingen"][0]["Uw gegevens"]["E-mailadres"] == "henk@bewoners.example"
    case = data["Zaken"][0]
    assert case["Uw gegevens"]["Naam"] == "Henk Huisman" and case["U staat erin als"] == "partij A"
    assert case["De andere partij"] == "de andere partij"
    assert any("belde over de nacht" in e.get("Tekst", "") for e in case["Tijdlijn"])
    assert data["Aanmeldingen als vrijwilliger"][0]["Waarom wilt u buurtbemiddelaar worden?"] == "Ik help graag"
    exported = {e["record"] for e in store.audit_entries(user=programme.coordinator) if e["action"] == "privacy.export"}
    assert exported == {f"report:{programme.report}", f"case:{programme.case_a}", f"application:{programme.application}"}


def test_the_pdf_export_reads_as_text(shared_coordinator, shared_programme, tmp_path):
    coordinator, programme = shared_coordinator, shared_programme
    response = coordinator.post("/beheer/privacy/personen/export.pdf",
                                data={"sleutel": [f"case:{programme.case_a}:0", f"report:{programme.report}"]})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    path = tmp_path / "inzage.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Inzage persoonsgegevens" in text and "Henk Huisman" in text and "henk@bewoners.example" in text


def test_an_export_without_a_chosen_record_is_refused(shared_coordinator):
    assert shared_coordinator.post("/beheer/privacy/personen/export.json", data={"sleutel": "case:../../etc"}).status_code == 400


def test_erasing_a_party_removes_their_details_and_name_but_the_case_runs_on(coordinator, store, programme):
    keys = [f"report:{programme.report}", f"case:{programme.case_a}:0", f"application:{programme.application}"]
    response = coordinator.post("/beheer/privacy/personen/wissen", data={"sleutel": keys, "bevestig": "ja"})
    assert response.status_code == 303
    view = store.read()
    case = view.table("cases").get(doc_id=programme.case_a)
    assert case["parties"][0]["name"] == "" and case["parties"][0]["phone"] == ""
    assert case["parties"][1]["name"] == "Ilse Ijzer"
    assert "Henk Huisman" not in case["description"] and "[verwijderd]" in case["description"]
    assert case["step"] == "gesprek-a" and case["duo"] == [programme.anna, programme.cor]
    assert not any("Henk Huisman" in str(e.get("summary")) for e in view.table("case_events").all())
    assert view.table("reports").get(doc_id=programme.report)["values"]["name"] == ""
    assert view.table("applications").get(doc_id=programme.application)["values"]["email"] == ""
    assert subjects.search(view, "Henk Huisman") == []


def test_the_erasure_is_audited_without_the_data(coordinator, store, programme):
    coordinator.post("/beheer/privacy/personen/wissen", data={"sleutel": [f"report:{programme.report}"], "bevestig": "ja"})
    entry = store.audit_entries(record=f"report:{programme.report}")[0]
    assert entry["action"] == "privacy.erase" and entry["user"] == programme.coordinator
    assert "Henk" not in json.dumps(store.audit_entries())


def test_nothing_is_erased_without_the_confirmation(coordinator, store, programme):
    coordinator.post("/beheer/privacy/personen/wissen", data={"sleutel": [f"report:{programme.report}"]})
    assert store.read().table("reports").get(doc_id=programme.report)["values"]["name"] == "Henk Huisman"


def test_only_the_coordinator_may_search_export_or_erase(module_app, shared_anna, shared_programme):
    programme = shared_programme
    assert "/beheer/inloggen" in module_app.test_client().post("/beheer/privacy/personen", data={"q": "Henk"}).headers["Location"]
    client = shared_anna
    for url in ("/beheer/privacy/personen", "/beheer/privacy/personen/export.json",
                "/beheer/privacy/personen/export.pdf", "/beheer/privacy/personen/wissen"):
        assert client.post(url, data={"q": "Henk", "sleutel": f"report:{programme.report}", "bevestig": "ja"}).status_code == 403


def test_the_exports_and_the_erasure_refuse_a_get(shared_coordinator):
    for url in ("/beheer/privacy/personen/export.json", "/beheer/privacy/personen/export.pdf",
                "/beheer/privacy/personen/wissen"):
        assert shared_coordinator.get(url).status_code == 405


# -- the person chosen, and only that person ---------------------------------------------------

@pytest.fixture
def namesakes(store, programme):
    """A second Henk Huisman, party B of a case elsewhere: another address, phone and e-mail."""
    other = portal_data._case(store, [portal_data._party("Mila Mol", "Dorpsstraat 5", "0699999999"),
                                      portal_data._party("Henk Huisman", "Dorpsstraat 7", "0612121212", "h.huisman@elders.example")],
                              {"type": "zelfmelder", "organisation": "", "person": "", "phone": "", "email": ""}, [], "intake")
    programme.namesake_case = other
    return programme


def _person_forms(html: str) -> list[tuple[str, list[str]]]:
    """Each person found: the card's text and the keys its own form would send."""
    cards = parse(html).find_all("li", cls="person-card")
    return [(card.text(), [i.attrs["value"] for i in card.find_all("input", name="sleutel")]) for card in cards]


def test_two_people_with_the_same_name_are_two_choices_none_chosen_for_the_other(coordinator, namesakes):
    html = coordinator.post("/beheer/privacy/personen", data={"q": "Henk Huisman"}).get_data(as_text=True)
    assert "Gevonden: 2 personen" in html
    forms = _person_forms(html)
    ours = next(keys for text, keys in forms if "Lindelaan 1" in text)
    theirs = next(keys for text, keys in forms if "Dorpsstraat 7" in text)
    assert set(ours) == {f"report:{namesakes.report}", f"case:{namesakes.case_a}:0", f"application:{namesakes.application}"}
    assert theirs == [f"case:{namesakes.namesake_case}:1"]
    # No checkbox on the results: nothing is pre-ticked before a person is chosen.
    assert 'type="checkbox"' not in html[html.index("Gevonden"):]


def test_the_chosen_person_is_the_one_exported_and_erased(coordinator, store, namesakes):
    html = coordinator.post("/beheer/privacy/personen", data={"q": "Henk Huisman"}).get_data(as_text=True)
    theirs = next(keys for text, keys in _person_forms(html) if "Dorpsstraat 7" in text)
    chosen = coordinator.post("/beheer/privacy/personen/gekozen", data={"sleutel": theirs}).get_data(as_text=True)
    page = parse(chosen)
    ticked = [i.attrs["value"] for i in page.find_all("input", name="sleutel") if "checked" in i.attrs]
    assert ticked == [f"case:{namesakes.namesake_case}:1"]
    assert "Dorpsstraat 7" in chosen and "Lindelaan 1" not in chosen and "h.huisman@elders.example" in chosen

    exported = json.dumps(coordinator.post("/beheer/privacy/personen/export.json", data={"sleutel": ticked}).get_json(),
                          ensure_ascii=False)
    assert "h.huisman@elders.example" in exported and "henk@bewoners.example" not in exported
    assert "Lindelaan" not in exported

    coordinator.post("/beheer/privacy/personen/wissen", data={"sleutel": ticked, "bevestig": "ja"})
    view = store.read()
    assert view.table("cases").get(doc_id=namesakes.namesake_case)["parties"][1]["name"] == ""
    assert view.table("cases").get(doc_id=namesakes.case_a)["parties"][0]["name"] == "Henk Huisman"
    assert view.table("reports").get(doc_id=namesakes.report)["values"]["name"] == "Henk Huisman"


def test_a_person_chosen_whose_record_is_gone_is_searched_again(coordinator, programme):
    response = coordinator.post("/beheer/privacy/personen/gekozen", data={"sleutel": "case:9999:0"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/beheer/privacy/personen")


def test_places_sharing_a_phone_or_email_are_one_person_a_name_alone_is_not():
    henk = {"name": "Henk Huisman", "address": "Lindelaan 1"}
    hits = [subjects.Hit("report", 1, "", "", facts={**henk, "phone": "06-44444444"}),
            subjects.Hit("case", 1, "", "", party=0, facts={**henk, "email": "henk@x.example"}),
            subjects.Hit("application", 1, "", "", facts={"name": "Henk Huisman", "phone": "+31 6 4444 4444",
                                                           "email": "henk@x.example"}),
            subjects.Hit("case", 2, "", "", party=1, facts={"name": "Henk Huisman", "address": "Dorpsstraat 7"}),
            subjects.Hit("report", 5, "", "", party=1, facts={"name": "Henk Huisman"})]
    groups = [sorted(h.record for h in p.hits) for p in subjects.people(hits)]
    assert groups == [["application:1", "case:1", "report:1"], ["case:2"], ["report:5"]]


def test_people_mentioned_in_free_text_are_found_and_shown_as_such(coordinator, store, programme):
    with store.transaction() as tx:
        tx.table("events").update({"agenda": "1. Opening\n2. De zaak van Henk Huisman"}, doc_ids=[programme.event_a])
    case_repo.add_entry(store, programme.case_b, {"kind": "note", "text": "Buurman belde: 06 4444 4444 is de melder"}, None)
    hits = subjects.search(store.read(), "Henk Huisman")
    where = [m.where for m in subjects.mentions(store.read(), "Henk Huisman", skip={h.record for h in hits})]
    assert "Activiteit ‘Intervisie voor Anna’ van 01-03-2099" in where
    case_b = store.read().table("cases").get(doc_id=programme.case_b)["number"]
    assert f"Tijdlijn van zaak {case_b}" in [m.where for m in subjects.mentions(store.read(), "0644444444")]
    html = coordinator.post("/beheer/privacy/personen", data={"q": "Henk Huisman"}).get_data(as_text=True)
    mentioned = html[html.index("Genoemd in tekst"):]
    assert "Activiteit ‘Intervisie voor Anna’" in mentioned and 'name="sleutel"' not in mentioned
    # His own case's timeline is his record, not a mention.
    own = store.read().table("cases").get(doc_id=programme.case_a)["number"]
    assert f"Tijdlijn van zaak {own}" not in mentioned
    entry = store.audit_entries(user=programme.coordinator)[0]
    assert entry["action"] == "privacy.search" and "Henk" not in json.dumps(entry)


def test_every_table_with_free_text_has_a_dutch_place_name():
    from buurtbemiddeling.privacy import registry

    assert {t for t in registry.TABLES if registry.texts(t)} <= set(subjects.TEXT_PLACES)


def test_partij_b_named_in_a_report_is_erased_from_it_and_the_reporter_stays(coordinator, store, programme):
    key = f"report:{programme.report}:1"
    assert key in {h.key for h in subjects.search(store.read(), "Ilse Ijzer")}
    coordinator.post("/beheer/privacy/personen/wissen", data={"sleutel": [key], "bevestig": "ja"})
    values = store.read().table("reports").get(doc_id=programme.report)["values"]
    assert values["b_name"] != "Ilse Ijzer" and "Ijzer" not in json.dumps(values)
    assert values["name"] == "Henk Huisman" and values["email"] == "henk@bewoners.example"


# -- the export holds the subject only ------------------------------------------------------------
# Party B of case A (Ilse Ijzer, Lindelaan 3, 06-55555555) gets an e-mail address, says things of
# her own, and is named in texts; none of it may reach Henk's export, nor Henk in hers.

ILSE = ("Ilse", "Ijzer", "IJzer", "Lindelaan 3", "0655555555", "06-55555555", "06 5555 5555", "ilse@bewoners.example",
        "nachtdienst", "hond van de buurvrouw")
HENK = ("Henk", "Huisman", "Lindelaan 1", "0644444444", "06-44444444", "henk@bewoners.example", "belde over de nacht")
REFERRER = ("Bosman", "bosman@politie.example")
ENGLISH_KEYS = {"id", "name", "email", "phone", "street", "postcode", "values", "parties", "timeline", "summary", "text",
                "note", "kind", "at", "case_id", "reports", "cases", "applications", "volunteers", "description"}


@pytest.fixture
def both_parties(store, programme):
    from buurtbemiddeling.matching import handover
    from buurtbemiddeling.quality import debrief, nazorg
    from common import clock

    with store.transaction() as tx:
        case = tx.table("cases").get(doc_id=programme.case_a)
        parties = [dict(p) for p in case["parties"]]
        parties[1]["email"] = "ilse@bewoners.example"
        tx.table("cases").update({"parties": parties, "closing": {"agreements": "Ilse Ijzer zet de muziek om 22 uur zacht.",
                                                                  "nazorg_a": "Henk is tevreden", "nazorg_b": "Ilse heeft nachtdienst"}},
                                 doc_ids=[programme.case_a])
    add = case_repo.add_entry
    add(store, programme.case_a, {"kind": "contact", "with": "partij-b", "channel": "telefoon",
                                  "summary": "Zij vertelde over haar nachtdienst en de hond van de buurvrouw"}, None)
    add(store, programme.case_a, {"kind": "note", "text": "Ilse Ijzer (Lindelaan 3, 06-55555555, ilse@bewoners.example) "
                                                          "wil praten; mevrouw IJzer belt terug via 06 5555 5555."}, None)
    now = clock.now()
    handover.save(store, programme.case_a, {"summary": "Henk en mevrouw Ijzer ruziën over muziek.",
                                            "safety": "Ilse heeft een hond van de buurvrouw", "agreements": ""}, "1", now)
    debrief.add(store, programme.case_a, {"talk": "gesprek-b", "date": "2026-12-01", "went_well": "Ilse over nachtdienst",
                                          "hard": "", "checklist": [], "coaching_needed": False}, by="1", at=now)
    debrief.add(store, programme.case_a, {"talk": "gesprek-a", "date": "2026-11-28", "went_well": "Henk kon vertellen over Ilse",
                                          "hard": "", "checklist": [], "coaching_needed": False}, by="1", at=now)
    nazorg.save(store, programme.case_a, {"party": 1, "contacted_on": "2026-12-05", "by_whom": "Carla", "holds": "ja",
                                          "satisfaction": 4, "note": "Ilse: nachtdienst gaat beter"}, by="1", at=now)
    return programme


def _named(words, found: str) -> list[str]:
    """The words that occur in `found` as words (so "Ijzer" is not found in "Verwijzer")."""
    import re

    return [w for w in words if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", found, re.IGNORECASE)]


def _pdf_text(response, tmp_path) -> str:
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    path = tmp_path / "inzage.pdf"
    path.write_bytes(response.data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _exported(coordinator, keys: list[str], tmp_path) -> tuple[dict, tuple[str, str]]:
    """The JSON export of these records, and its text and the PDF's text to search."""
    data = coordinator.post("/beheer/privacy/personen/export.json", data={"sleutel": keys}).get_json()
    pdf = _pdf_text(coordinator.post("/beheer/privacy/personen/export.pdf", data={"sleutel": keys}), tmp_path)
    return data, (json.dumps(data, ensure_ascii=False), pdf)


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value)) if value else set()
    return set()


def test_the_export_of_party_a_holds_nothing_of_party_b(coordinator, both_parties, tmp_path):
    data, texts = _exported(coordinator, [f"report:{both_parties.report}", f"case:{both_parties.case_a}:0"], tmp_path)
    for found in texts:
        assert _named(ILSE + REFERRER, found) == []
        assert "Henk Huisman" in found and "henk@bewoners.example" in found and "de andere partij" in found
    case = data["Zaken"][0]
    assert "de andere partij zet de muziek om 22 uur zacht" in case["Afsluiting"]["Afspraken"]
    assert [d["Gesprek"] for d in case["Nabesprekingen van de bemiddelaars"]] == ["Gesprek met partij A"]
    assert "Nazorg" not in case  # only partij B was called for nazorg: that is hers


def test_the_export_of_party_b_holds_nothing_of_party_a(coordinator, both_parties, tmp_path):
    data, texts = _exported(coordinator, [f"case:{both_parties.case_a}:1", f"report:{both_parties.report}:1"], tmp_path)
    for found in texts:
        assert _named(HENK + REFERRER, found) == []
        assert "Ilse Ijzer" in found and "ilse@bewoners.example" in found and "nachtdienst" in found
    assert data["Zaken"][0]["U staat erin als"] == "partij B"
    assert data["Meldingen"][0]["U staat erin als"] == "buur (partij B)"


def test_the_export_speaks_dutch_throughout(coordinator, both_parties):
    keys = {"sleutel": [f"report:{both_parties.report}", f"case:{both_parties.case_a}:0",
                        f"application:{both_parties.application}", f"volunteer:{both_parties.anna}"]}
    data = coordinator.post("/beheer/privacy/personen/export.json", data=keys).get_json()
    keys_used = _keys(data)
    assert not keys_used & ENGLISH_KEYS
    assert all(k[:1].isupper() and "_" not in k for k in keys_used), sorted(k for k in keys_used if not k[:1].isupper() or "_" in k)
    assert {"Zaken", "Meldingen", "Aanmeldingen als vrijwilliger", "Als vrijwilliger", "Tijdlijn", "Uw gegevens"} <= keys_used
    assert "2026-" not in json.dumps(data["Zaken"][0]["Tijdlijn"])  # dates as 06-12-2026


def test_a_referrer_gets_their_own_details_and_the_stage_only(coordinator, both_parties):
    data = coordinator.post("/beheer/privacy/personen/export.json",
                            data={"sleutel": f"case:{both_parties.case_a}:referrer"}).get_json()
    text = json.dumps(data, ensure_ascii=False)
    assert "Wijkagent Bosman" in text and "Politie Lindenhoven" in text
    assert _named(ILSE + HENK, text) == []


def test_a_volunteers_export_holds_their_answers_and_meetings_without_the_residents(coordinator, store, programme):
    from buurtbemiddeling.matching import proposals

    proposals.record_answer(store, programme.proposal_c, programme.anna, "ja", note="Ik ken Karin Kok en Molenweg 2 niet",
                            user=portal_data._System())
    data = coordinator.post("/beheer/privacy/personen/export.json", data={"sleutel": f"volunteer:{programme.anna}"}).get_json()
    anna = data["Als vrijwilliger"][0]
    number = store.read().table("cases").get(doc_id=programme.case_c)["number"]
    assert anna["Voorstellen voor een zaak"] == [{"Zaak": number, "Voorgesteld op": "06-12-2026", "Status": "Wacht op antwoord",
                                                  "Uw antwoord": "ja", "Uw toelichting": "Ik ken een bewoner en [adres] niet"}]
    assert anna["Bijeenkomsten"][0]["Bijeenkomst"] == "Intervisie voor Anna"
    assert anna["Trainingen"][0]["Training"] == "Basistraining" and anna["Declaraties"][0]["Bedrag"] == "€\u00a012,50"
    assert _named(("Karin", "Kok", "Molenweg 2", "Bert Bakker", "Uitje voor Bert"), json.dumps(data, ensure_ascii=False)) == []
