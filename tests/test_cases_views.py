"""The coordinator's case pages: who may use them, and a case from report to closure."""
import csv
import io
import re

import pytest

from common import clock
from buurtbemiddeling.cases import repo
from buurtbemiddeling.reports import intake as report_intake
from forms import FORMS

from . import matching_data

VALID = {
    "name": "Anna de Vries", "email": "anna@voorbeeld.nl", "phone": "06 12345678",
    "street": "Lindelaan 12", "postcode": "7412ab", "place": "Lindenhoven", "contact_way": "telefoon",
    "contact_time": ["avond"], "b_name": "Bert Jansen", "b_street": "Lindelaan 14", "conflict_type": "geluidsoverlast",
    "description": "Harde muziek tot diep in de nacht.", "violence": "nee", "consent": "ja",
}
CHECKLIST = ["geen-geweld", "geen-strafbare-feiten", "geen-procedure", "buren", "geen-familie", "geen-psychiatrie",
             "gemotiveerd", "niet-te-ver"]


def add_report(store, **changes):
    result = FORMS["report"].validate({**VALID, **changes})
    assert result.ok, result.errors
    return report_intake.store_submission(store, "report", result.cleaned)


def add_volunteers(store, *names, step="actief"):
    """Volunteers who may be on a case (basistraining done, living away from the parties)."""
    return matching_data.add_volunteers(store, *names, step=step)


def html(response):
    return response.get_data(as_text=True)


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


def make_a_case(client, store) -> int:
    """A case made from a web report, in intake, by the coordinator's `client`."""
    report_id = add_report(store)
    response = client.post(f"/beheer/meldingen/{report_id}/zaak", data={"wijk": "de-linden"})
    assert response.status_code == 303
    return int(response.location.rsplit("/", 1)[-1])


@pytest.fixture
def case_id(client, store, coordinator):
    return make_a_case(client, store)


@pytest.fixture(scope="module")
def shared_case_id(module_app, module_clients):
    """The case, made once for the module's tests that only read (`module_app`)."""
    return make_a_case(module_clients.coordinator, module_app.extensions["store"])


def case_in(store, case_id):
    return repo.get_case(store.read(), case_id)


def events_of(store, case_id):
    return repo.timeline(store.read(), case_id)


def move(client, case_id, to, **data):
    return client.post(f"/beheer/zaken/{case_id}/stap", data={"to": to, **data})


def geschikt_with_duo(client, store, case_id):
    ids = add_volunteers(store, "Vera Visser", "Wim Bos")
    assert client.post(f"/beheer/zaken/{case_id}/intake", data={"decision": "geschikt", "checklist": CHECKLIST}).status_code == 303
    assert client.post(f"/beheer/zaken/{case_id}/duo", data={"duo": [str(i) for i in ids]}).status_code == 303
    return ids


# -- who may use what ------------------------------------------------------------

GET_PAGES = ["/beheer/zaken/", "/beheer/zaken/{id}", "/beheer/zaken/{id}/gegevens", "/beheer/zaken/export.csv",
             "/beheer/zaken/import", "/beheer/meldingen/telefonisch", "/beheer/instellingen/",
             "/beheer/instellingen/lijst/conflict_types"]
POST_ONLY = ["/beheer/zaken/{id}/stap", "/beheer/zaken/{id}/wacht", "/beheer/zaken/{id}/heropenen",
             "/beheer/zaken/{id}/correctie", "/beheer/zaken/{id}/intake", "/beheer/zaken/{id}/duo",
             "/beheer/zaken/{id}/contact", "/beheer/zaken/{id}/notitie", "/beheer/zaken/{id}/document",
             "/beheer/zaken/import/bevestigen", "/beheer/meldingen/{report}/zaak", "/beheer/meldingen/{report}/afhandelen",
             "/beheer/instellingen/getallen", "/beheer/instellingen/lijst/wijken/centrum"]


def urls(paths, case_id, report_id=1):
    return [p.format(id=case_id, report=report_id) for p in paths]


def test_every_case_page_is_for_the_coordinator_only(module_clients, shared_case_id):
    case_id = shared_case_id
    for url in urls(GET_PAGES, case_id):
        assert module_clients.coordinator.get(url).status_code == 200, url
    client = module_clients.volunteer
    for url in urls(GET_PAGES + POST_ONLY, case_id):
        method = client.get if url in urls(GET_PAGES, case_id) else client.post
        assert method(url).status_code == 403, url
    client = module_clients.anonymous
    for url in urls(GET_PAGES + POST_ONLY, case_id):
        method = client.get if url in urls(GET_PAGES, case_id) else client.post
        response = method(url)
        assert response.status_code == 302 and "/beheer/inloggen" in response.location, url


def test_changes_to_a_case_are_post_only(module_clients, shared_case_id):
    for url in urls(POST_ONLY, shared_case_id):
        assert module_clients.coordinator.get(url).status_code == 405, url


def test_an_unknown_case_is_not_found(module_clients):
    client = module_clients.coordinator
    assert client.get("/beheer/zaken/999").status_code == 404
    assert client.post("/beheer/zaken/999/stap", data={"to": "intake"}).status_code == 404
    assert client.post("/beheer/zaken/999/notitie", data={"text": "x"}).status_code == 404
    assert client.post("/beheer/meldingen/999/zaak").status_code == 404


# -- from report to case ---------------------------------------------------------

def test_a_report_becomes_a_case_in_intake_with_everything_copied(client, store, case_id):
    case = case_in(store, case_id)
    assert re.fullmatch(r"\d{4}-0001", case["number"]) and case["step"] == "intake"
    assert case["parties"][0]["name"] == "Anna de Vries" and case["parties"][0]["postcode"] == "7412 AB"
    assert case["parties"][1]["name"] == "Bert Jansen" and case["parties"][1]["street"] == "Lindelaan 14"
    assert case["conflict_types"] == ["geluidsoverlast"] and case["wijk"] == "de-linden"
    assert case["referrer"]["type"] == "zelfmelder" and case["report_id"] == 1
    report = report_intake.get_report(store.read(), 1)
    assert report["status"] == "verwerkt" and report["case_id"] == case_id
    assert [(e["kind"], e.get("to")) for e in events_of(store, case_id)] == [("created", "aangemeld"), ("step", "intake")]


def test_making_a_case_of_the_same_report_twice_opens_the_first_case(client, store, case_id):
    response = client.post("/beheer/meldingen/1/zaak")
    assert response.location.endswith(f"/beheer/zaken/{case_id}")
    assert len(store.read().table("cases")) == 1


def test_the_report_page_offers_to_make_a_case_and_then_links_to_it(client, store, coordinator):
    report_id = add_report(store, postcode="7412 XY")
    page = html(client.get(f"/beheer/meldingen/{report_id}"))
    assert "Zaak aanmaken en intake starten" in page and "Afhandelen zonder zaak" in page
    response = client.post(f"/beheer/meldingen/{report_id}/zaak")
    page = html(client.get(f"/beheer/meldingen/{report_id}"))
    assert "Zaak aanmaken" not in page and "zaak " in page and response.location in page


def test_a_report_about_the_same_addresses_is_pointed_out(client, store, coordinator):
    first = add_report(store)
    second = add_report(store, name="Bert Jansen", street="Lindelaan 14", b_street="lindelaan 12", b_name="Anna")
    page = html(client.get(f"/beheer/meldingen/{second}"))
    assert "al eerder gemeld" in page and f"/beheer/meldingen/{first}" in page
    client.post(f"/beheer/meldingen/{first}/zaak")
    page = html(client.get(f"/beheer/meldingen/{second}"))
    assert "Zaak " in page and "/beheer/zaken/1" in page


def test_a_report_can_be_handled_without_a_case(client, store, coordinator):
    report_id = add_report(store)
    response = client.post(f"/beheer/meldingen/{report_id}/afhandelen", data={"reason": "dubbel"})
    assert response.status_code == 303
    report = report_intake.get_report(store.read(), report_id)
    assert report["status"] == "afgehandeld" and report["handled_reason"] == "dubbel"
    client.post(f"/beheer/meldingen/{report_id}/afhandelen", data={"reason": "zomaar"})
    assert report_intake.get_report(store.read(), report_id)["handled_reason"] == "dubbel"


def test_a_phone_report_is_entered_with_the_same_form_and_stored_as_telefoon(client, store, coordinator):
    page = html(client.get("/beheer/meldingen/telefonisch"))
    assert "Straat en huisnummer van de buren" in page and "mondeling" in page
    bad = client.post("/beheer/meldingen/telefonisch", data={**VALID, "postcode": "12"})
    assert bad.status_code == 422 and "Er is een probleem" in html(bad)
    assert 'value="Anna de Vries"' in html(bad) and "Harde muziek tot diep in de nacht." in html(bad)
    assert store.read().table("reports").all() == []
    good = client.post("/beheer/meldingen/telefonisch", data=VALID)
    [report] = store.read().table("reports").all()
    assert good.status_code == 303 and good.location.endswith(f"/beheer/meldingen/{report.doc_id}")
    assert report["source"] == "telefoon" and report["values"]["postcode"] == "7412 AB"


# -- the case page ----------------------------------------------------------------

def test_viewing_a_case_is_written_to_the_audit_log(client, store, coordinator, case_id):
    client.get(f"/beheer/zaken/{case_id}")
    entries = store.audit_entries(record=f"case:{case_id}")
    assert entries and entries[0]["action"] == "view" and entries[0]["user"] == coordinator.id


def test_the_case_page_shows_the_parties_the_step_and_the_next_action(module_clients, shared_case_id):
    page = html(module_clients.coordinator.get(f"/beheer/zaken/{shared_case_id}"))
    assert "Anna de Vries" in page and "Lindelaan 14" in page and "De Linden" in page
    assert "Intake afronden: geschikt of ongeschikt?" in page and 'aria-current="step"' in page
    assert "Intake rond vóór" in page


def test_a_geschikt_decision_without_the_whole_checklist_comes_back_with_the_advice_kept(client, store, case_id):
    response = client.post(f"/beheer/zaken/{case_id}/intake",
                           data={"decision": "geschikt", "checklist": ["geen-geweld"], "advice": "Mijn aantekening"})
    page = html(response)
    assert response.status_code == 422 and "alle punten van de checklist" in page and "Mijn aantekening" in page
    assert case_in(store, case_id)["intake"]["decision"] == ""


def test_the_checklist_can_be_saved_before_deciding(client, store, case_id):
    client.post(f"/beheer/zaken/{case_id}/intake", data={"action": "checklist", "checklist": ["geen-geweld", "buren"]})
    assert case_in(store, case_id)["intake"]["checklist"] == ["geen-geweld", "buren"]


def test_an_ongeschikt_case_gets_a_reason_and_advice(client, store, case_id):
    client.post(f"/beheer/zaken/{case_id}/intake",
                data={"decision": "ongeschikt", "reason": "familieconflict", "advice": "Verwezen naar het wijkteam"})
    case = case_in(store, case_id)
    assert case["step"] == "ongeschikt" and case["intake"]["reason"] == "familieconflict"
    assert "Familieconflict" in html(client.get(f"/beheer/zaken/{case_id}"))


def test_the_duo_is_chosen_by_hand_from_active_volunteers_only(client, store, case_id):
    active = add_volunteers(store, "Vera Visser", "Wim Bos")
    [stopped] = add_volunteers(store, "Gerrit Gestopt", step="gestopt")
    page = html(client.get(f"/beheer/zaken/{case_id}"))
    assert "Vera Visser" in page and "Gerrit Gestopt" not in page
    response = client.post(f"/beheer/zaken/{case_id}/duo", data={"duo": [str(active[0]), str(stopped)]})
    assert response.status_code == 422 and "actief" in html(response)
    response = client.post(f"/beheer/zaken/{case_id}/duo", data={"duo": [str(active[0]), str(active[0])]})
    assert response.status_code == 422 and "twee verschillende" in html(response)
    client.post(f"/beheer/zaken/{case_id}/duo", data={"duo": [str(v) for v in active]})
    assert case_in(store, case_id)["duo"] == active


def test_without_active_volunteers_the_case_page_says_so(module_clients, shared_case_id):
    assert "nog geen actieve vrijwilligers" in html(module_clients.coordinator.get(f"/beheer/zaken/{shared_case_id}"))


def test_a_case_runs_through_the_steps_to_nazorg_and_closure(client, store, case_id):
    geschikt_with_duo(client, store, case_id)
    for step in ("gekoppeld", "gesprek-a", "gesprek-b", "bemiddelingsgesprek"):
        assert move(client, case_id, step).status_code == 303, step
    today = clock.today()
    assert move(client, case_id, "nazorg", last_talk=today.isoformat()).status_code == 303
    case = case_in(store, case_id)
    assert case["step"] == "nazorg" and case["nazorg_due"] > today.isoformat()
    response = move(client, case_id, "afgesloten", outcome="opgelost", agreements="Muziek zachter na tienen",
                    nazorg_a="Gaat goed", nazorg_b="Ook tevreden")
    assert response.status_code == 303
    case = case_in(store, case_id)
    assert case["step"] == "afgesloten" and case["closing"]["outcome"] == "opgelost"
    steps = [(e["from"], e["to"], e["user_name"]) for e in events_of(store, case_id) if e["kind"] == "step"]
    assert steps[-1] == ("nazorg", "afgesloten", "Carla Coördinator") and len(steps) == 7
    assert "Muziek zachter na tienen" in html(client.get(f"/beheer/zaken/{case_id}"))


def test_a_transition_that_makes_no_sense_gets_a_dutch_message(client, store, case_id):
    response = move(client, case_id, "nazorg", last_talk="2020-01-01")
    assert response.status_code == 422 and "kan een zaak niet" in html(response)
    assert case_in(store, case_id)["step"] == "intake"


def test_closing_as_niet_opgelost_without_a_reason_keeps_what_was_typed(client, store, case_id):
    geschikt_with_duo(client, store, case_id)
    move(client, case_id, "gekoppeld")
    move(client, case_id, "gesprek-a")
    response = move(client, case_id, "afgesloten", outcome="niet-opgelost", agreements="Geen afspraken gemaakt")
    page = html(response)
    assert response.status_code == 422 and "Kies waarom de zaak niet is opgelost" in page
    assert "Geen afspraken gemaakt" in page and case_in(store, case_id)["step"] == "gesprek-a"


def test_an_impossible_date_for_the_last_talk_is_refused_and_kept(client, store, case_id):
    geschikt_with_duo(client, store, case_id)
    for step in ("gekoppeld", "gesprek-a", "gesprek-b"):
        move(client, case_id, step)
    response = move(client, case_id, "nazorg", last_talk="31-02-2025")
    assert response.status_code == 422 and "geen bestaande datum" in html(response) and "31-02-2025" in html(response)


def test_a_case_goes_on_hold_and_is_reopened_when_the_resident_asks(client, store, case_id):
    assert client.post(f"/beheer/zaken/{case_id}/wacht", data={"note": ""}).status_code == 422
    client.post(f"/beheer/zaken/{case_id}/wacht", data={"note": "Partij A op vakantie"})
    assert case_in(store, case_id)["step"] == "in-de-wacht"
    client.post(f"/beheer/zaken/{case_id}/heropenen", data={"note": "Partij A belde terug"})
    assert case_in(store, case_id)["step"] == "intake"


def test_a_mistaken_step_is_corrected_and_the_correction_logged(client, store, case_id):
    client.post(f"/beheer/zaken/{case_id}/correctie", data={"to": "aangemeld", "note": "Te vroeg gestart"})
    assert case_in(store, case_id)["step"] == "aangemeld"
    last = events_of(store, case_id)[-1]
    assert last["correction"] is True and last["note"] == "Te vroeg gestart"
    assert "Correctie:" in html(client.get(f"/beheer/zaken/{case_id}"))


# -- timeline --------------------------------------------------------------------------

def test_contacts_are_logged_with_minutes_that_add_up(client, store, case_id):
    today = clock.today().isoformat()
    for minutes in ("20", "1:30"):
        response = client.post(f"/beheer/zaken/{case_id}/contact",
                               data={"date": today, "with": "partij-a", "channel": "telefoon", "summary": "Gebeld", "minutes": minutes})
        assert response.status_code == 303
    view = store.read()
    assert repo.case_with_activity(view, repo.get_case(view, case_id))["minutes"] == 110
    assert "1 u 50 min" in html(client.get(f"/beheer/zaken/{case_id}"))


def test_a_contact_with_an_impossible_date_comes_back_with_the_summary_kept(client, store, case_id):
    response = client.post(f"/beheer/zaken/{case_id}/contact",
                           data={"date": "2025-13-45", "with": "partij-a", "channel": "fax", "summary": "Lang gesprek met A"})
    page = html(response)
    assert response.status_code == 422 and "geen bestaande datum" in page and "Kies hoe het contact was" in page
    assert "Lang gesprek met A" in page
    assert [e["kind"] for e in events_of(store, case_id)] == ["created", "step"]


def test_with_htmx_a_note_answers_the_partial_page_with_the_timeline(client, store, case_id):
    response = client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": "Buurman heeft teruggebeld"},
                           headers={"HX-Request": "true"}, follow_redirects=True)
    page = html(response)
    assert response.status_code == 200 and "<html" not in page and 'id="tijdlijn"' in page
    assert "Buurman heeft teruggebeld" in page
    bad = client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": " "}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "<html" not in html(bad) and "Schrijf de notitie" in html(bad)


def test_the_timeline_shows_contacts_notes_and_step_changes_newest_first(client, store, case_id):
    client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": "Eerste notitie"})
    client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": "Tweede notitie"})
    page = html(client.get(f"/beheer/zaken/{case_id}"))
    assert page.index("Tweede notitie") < page.index("Eerste notitie") < page.index("Zaak aangemaakt")


def test_a_document_is_stored_listed_and_downloaded_with_an_audit_entry(client, store, case_id):
    response = client.post(f"/beheer/zaken/{case_id}/document", content_type="multipart/form-data",
                           data={"title": "Afspraken", "file": (io.BytesIO(b"%PDF-1.4 test"), "afspraken.pdf")})
    assert response.status_code == 303
    [event] = [e for e in events_of(store, case_id) if e["kind"] == "document"]
    assert "Afspraken" in html(client.get(f"/beheer/zaken/{case_id}"))
    download = client.get(f"/beheer/zaken/{case_id}/document/{event.doc_id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 test"
    assert "attachment" in download.headers["Content-Disposition"]
    assert any(e.get("document") == event.doc_id for e in store.audit_entries(record=f"case:{case_id}"))
    assert client.get(f"/beheer/zaken/{case_id + 1}/document/{event.doc_id}").status_code == 404


def test_a_document_of_an_unsafe_type_is_refused(client, store, case_id):
    response = client.post(f"/beheer/zaken/{case_id}/document", content_type="multipart/form-data",
                           data={"title": "Script", "file": (io.BytesIO(b"MZ"), "virus.exe")})
    assert response.status_code == 422 and "Dit soort bestand" in html(response) and 'value="Script"' in html(response)


def test_a_document_is_judged_by_its_content_not_its_name(client, store, case_id):
    response = client.post(f"/beheer/zaken/{case_id}/document", content_type="multipart/form-data",
                           data={"title": "Verslag", "file": (io.BytesIO(b"<script>alert(1)</script>"), "verslag.pdf")})
    assert response.status_code == 422 and "Dit soort bestand" in html(response)
    assert [e for e in events_of(store, case_id) if e["kind"] == "document"] == []


# -- editing the case details ---------------------------------------------------------------

def details(case_id, store, **changes):
    from buurtbemiddeling.cases import records
    values = records.details_form_values(case_in(store, case_id))
    return {**values, "party_count": "3", **changes}


def test_the_details_are_edited_and_a_third_party_added_for_group_mediation(client, store, case_id):
    data = details(case_id, store, **{"p2-name": "Cor de Groot", "p2-street": "Lindelaan 16", "p0-household": "alleenstaand",
                                      "p0-tenure": "huur", "p0-landlord": "Woonstede", "complex": "ja",
                                      "conflict_types": ["geluidsoverlast", "kinderen-jongeren"], "referrer_type": "politie",
                                      "referrer_organisation": "Basisteam", "referrer_person": "Wijkagent Bos"})
    assert client.post(f"/beheer/zaken/{case_id}/gegevens", data=data).status_code == 303
    case = case_in(store, case_id)
    assert [p["name"] for p in case["parties"]] == ["Anna de Vries", "Bert Jansen", "Cor de Groot"]
    assert case["complex"] is True and case["parties"][0]["landlord"] == "Woonstede"
    assert case["referrer"] == {"type": "politie", "organisation": "Basisteam", "person": "Wijkagent Bos", "phone": "", "email": ""}
    assert case["conflict_types"] == ["geluidsoverlast", "kinderen-jongeren"]


def test_bad_details_come_back_with_messages_and_nothing_lost(client, store, case_id):
    data = details(case_id, store, **{"p1-postcode": "12", "p0-email": "anna@", "conflict_types": [],
                                      "description": "Nieuwe omschrijving", "reported_at": "2099-01-01"})
    response = client.post(f"/beheer/zaken/{case_id}/gegevens", data=data)
    page = html(response)
    assert response.status_code == 422
    for message in ("postcode van partij B", "e-mailadres van partij A", "minstens één soort conflict", "in de toekomst"):
        assert message in page
    assert "Nieuwe omschrijving" in page and 'value="12"' in page
    assert case_in(store, case_id)["description"] != "Nieuwe omschrijving"


# -- the list, export and import ----------------------------------------------------------

def test_the_case_list_filters_by_url_and_answers_htmx_with_a_partial(client, store, case_id):
    add_report(store, name="Zeynep Kaya", street="Merelstraat 3", postcode="7413 AB", b_street="Merelstraat 5")
    client.post("/beheer/meldingen/2/zaak")
    page = html(client.get("/beheer/zaken/?q=kaya"))
    assert "Zeynep Kaya" in page and "Anna de Vries" not in page and 'value="kaya"' in page
    partial = client.get("/beheer/zaken/?wijk=de-linden", headers={"HX-Request": "true"})
    assert "<html" not in html(partial) and 'id="case-results"' in html(partial) and "Anna de Vries" in html(partial)
    assert "HX-Request" in partial.headers["Vary"]
    assert "Geen zaken gevonden" in html(client.get("/beheer/zaken/?step=afgesloten"))
    assert "Onbekende stap" in html(client.get("/beheer/zaken/?step=bestaatniet"))


def test_the_export_holds_the_filtered_list_and_is_safe_in_a_spreadsheet(client, store, case_id):
    client.post(f"/beheer/zaken/{case_id}/gegevens",
                data=details(case_id, store, **{"p0-name": "=HYPERLINK(\"http://kwaad\")", "party_count": "2"}))
    add_report(store, name="Zeynep Kaya", street="Merelstraat 3", postcode="7413 AB", b_street="Merelstraat 5")
    client.post("/beheer/meldingen/2/zaak", data={"wijk": "vogelbuurt"})
    response = client.get("/beheer/zaken/export.csv?wijk=de-linden")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Nummer", "Aangemeld", "Stap"] and len(rows) == 2
    cell = dict(zip(rows[0], rows[1]))
    assert cell["Partij A"] == "'=HYPERLINK(\"http://kwaad\")" and cell["Stap"] == "Intake" and cell["Wijk"] == "De Linden"
    assert 'filename="zaken-wijk-de-linden-' in response.headers["Content-Disposition"]
    assert 'filename="zaken-alle-' in client.get("/beheer/zaken/export.csv").headers["Content-Disposition"]
    assert store.audit_entries(record="cases")[0]["action"] == "export"


IMPORT = """Nummer;Aangemeld;Stap;Partij A;Adres A;Postcode A;Partij B;Adres B;Wijk;Soort conflict;Verwijzer;Intake besloten op;Uitkomst;Reden;Afgesloten op;Complex;Extra
2023-0101;03-02-2023;Afgesloten;Piet Post;Kerkstraat 1;7411AB;Els;Kerkstraat 3;Centrum;Geluidsoverlast;Politie;06-02-2023;Opgelost;;20-03-2023;ja;x
;15-03-2023;Intake;Mia Mol;Lindelaan 2;;;Lindelaan 4;De Linden;huisdieren | parkeren;;;;;;nee;
;20-04-2023;afgesloten;Jan Jong;Tulpstraat 9;;;Tulpstraat 11;;Tuin of erfgrens;woningcorporatie;21-04-2023;niet opgelost;Partij B wil niet meedoen;02-06-2023;;
"""


def test_an_import_is_previewed_row_by_row_then_written_in_one_go(client, store, coordinator):
    preview = client.post("/beheer/zaken/import", data={"text": IMPORT})
    page = html(preview)
    assert preview.status_code == 200 and "Alle 3 regels zijn in orde" in page
    assert "Zaak 2023-0101" in page and "Zaak 2023-0102" in page and "Zaak 2023-0103" in page and "Extra" in page
    assert store.read().table("cases").all() == []
    response = client.post("/beheer/zaken/import/bevestigen", data={"text": IMPORT})
    assert response.status_code == 303
    cases = {c["number"]: c for c in store.read().table("cases").all()}
    assert set(cases) == {"2023-0101", "2023-0102", "2023-0103"}
    assert cases["2023-0101"]["closing"]["outcome"] == "opgelost" and cases["2023-0101"]["complex"] is True
    assert cases["2023-0102"]["conflict_types"] == ["huisdieren", "parkeren"] and cases["2023-0102"]["step"] == "intake"
    assert cases["2023-0103"]["closing"]["reason"] == "b-weigert" and cases["2023-0103"]["referrer"]["type"] == "woningcorporatie"
    assert all(events_of(store, c.doc_id)[0]["source"] == "import" for c in cases.values())


def test_an_import_with_one_bad_row_writes_nothing_and_says_what_is_wrong(client, store, coordinator):
    bad = IMPORT + ";31-02-2023;Nazorg;;Ergens 1;;;;Maanwijk;Ruzie;;;;;;misschien;\n"
    preview = client.post("/beheer/zaken/import", data={"text": bad})
    page = html(preview)
    assert preview.status_code == 422 and "1 van de 4 regels bevat fouten" in page
    for message in ("geen bestaande datum", "naam van partij A ontbreekt", "adres van partij B ontbreekt",
                    "Wijk ‘Maanwijk’ staat niet in de lijst", "Soort conflict ‘Ruzie’", "vul ja of nee in"):
        assert message in page, message
    assert "importeren</button>" not in page
    assert client.post("/beheer/zaken/import/bevestigen", data={"text": bad}).status_code == 422
    assert store.read().table("cases").all() == []


def test_a_malformed_csv_gets_a_clear_message(client, store, coordinator):
    for text, message in (("a;b;c\n1;2;3\n", "verplichte kolommen ontbreken"),
                          ("Aangemeld;Partij A;Adres A;Adres B;Soort conflict\n", "alleen kolomnamen"),
                          ("", "Kies een CSV-bestand")):
        response = client.post("/beheer/zaken/import", data={"text": text})
        assert response.status_code == 422 and message in html(response), message


def test_an_import_number_that_already_exists_is_refused(client, store, case_id):
    number = case_in(store, case_id)["number"]
    text = f"Nummer;Aangemeld;Partij A;Adres A;Adres B;Soort conflict\n{number};01-01-2024;A;Straat 1;Straat 2;parkeren\n"
    assert f"Zaak {number} bestaat al" in html(client.post("/beheer/zaken/import", data={"text": text}))


def test_an_import_file_is_read_from_an_upload_too(client, store, coordinator):
    data = {"file": (io.BytesIO(IMPORT.encode("cp1252", errors="replace")), "zaken.csv")}
    response = client.post("/beheer/zaken/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "Alle 3 regels zijn in orde" in html(response)


# -- Vandaag -------------------------------------------------------------------------------

def test_vandaag_lists_waiting_intakes_overdue_first_with_links(client, store, coordinator):
    repo.create_case(store, {"reported_at": "2020-01-06T10:00:00", "parties": [{"name": "Oud Geval"}, {}]}, None,
                     steps=("aangemeld", "intake"))
    repo.create_case(store, {"reported_at": clock.now().isoformat(), "parties": [{"name": "Nieuw Geval"}, {}]}, None)
    page = html(client.get("/beheer/"))
    assert "Intakes die wachten" in page and "Te laat" in page
    assert page.index("Oud Geval") < page.index("Nieuw Geval")
    assert "/beheer/zaken/1" in page and "/beheer/zaken/2" in page


def test_a_note_only_appends_yet_moves_the_case_up_the_list_by_last_activity(client, store, coordinator):
    old = clock.now().replace(year=2020)
    first, _ = repo.create_case(store, {"reported_at": "2020-01-06T10:00:00", "parties": [{"name": "Eerst Gemeld"}, {}]},
                                None, at=old)
    repo.create_case(store, {"reported_at": "2020-02-06T10:00:00", "parties": [{"name": "Later Gemeld"}, {}]},
                     None, at=old.replace(month=2))
    cases_files = sorted(store.tables_dir.glob("cases*.json"))  # the cases' parts (db/parts.py)
    events_files = sorted(store.tables_dir.glob("case_events*.json"))
    assert cases_files and events_files == [store.tables_dir / "case_events.1-1000.json"]
    before = [path.read_bytes() for path in cases_files]
    assert client.post(f"/beheer/zaken/{first}/notitie", data={"text": "Partij A gebeld."}).status_code == 303
    assert [path.read_bytes() for path in cases_files] == before  # five years of cases are not rewritten for one note
    page = html(client.get("/beheer/zaken/?sort=activiteit&order=desc&step=alle"))
    assert page.index("Eerst Gemeld") < page.index("Later Gemeld")
    view = store.read()
    assert repo.case_with_activity(view, repo.get_case(view, first))["last_activity_at"][:10] == clock.today().isoformat()


def test_vandaag_shows_twelve_cases_on_hold_and_links_to_all_of_them(client, store, coordinator):
    for n in range(14):
        repo.create_case(store, {"reported_at": "2024-03-01T10:00:00", "parties": [{"name": f"Wacht Geval {n:02}"}, {}]},
                         None, steps=("aangemeld", "in-de-wacht"))
    page = html(client.get("/beheer/"))
    section = page[page.index("In de wacht <span"):]
    assert section.count("Wacht Geval") == 12
    assert 'href="/beheer/zaken/?step=in-de-wacht"' in section and "Alle 14 zaken in de wacht" in section
    listed = html(client.get("/beheer/zaken/?step=in-de-wacht"))
    assert listed.count("Wacht Geval") == 14


def test_search_finds_part_of_a_word_and_needs_every_word(client, store, case_id):
    add_report(store, name="Zeynep Kaya", street="Merelstraat 3", postcode="7413 AB", b_street="Merelstraat 5")
    client.post("/beheer/meldingen/2/zaak")
    assert "Zeynep Kaya" in html(client.get("/beheer/zaken/?q=kay"))
    assert "Zeynep Kaya" in html(client.get("/beheer/zaken/?q=MEREL+zeyn"))
    page = html(client.get("/beheer/zaken/?q=merel+vries"))
    assert "Zeynep Kaya" not in page and "Anna de Vries" not in page and "Geen zaken gevonden" in page


def test_the_volunteer_filter_lists_everyone_by_name_and_keeps_the_choice(client, store, case_id):
    add_volunteers(store, "Wim Zwart", "Anouk Aalders")
    options = html(client.get("/beheer/zaken/")).split('id="filter-volunteer"')[1].split("</select>")[0]
    assert options.index(">Anouk Aalders<") < options.index(">Wim Zwart<") and "selected" not in options
    chosen = html(client.get("/beheer/zaken/?volunteer=2")).split('id="filter-volunteer"')[1].split("</select>")[0]
    assert '<option value="2" selected>Anouk Aalders</option>' in chosen and chosen.count("selected") == 1
    # The list without a choice is not left holding the last one.
    assert "selected" not in html(client.get("/beheer/zaken/")).split('id="filter-volunteer"')[1].split("</select>")[0]
