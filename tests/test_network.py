"""Network partners: organisations, contact people, the contact log and agreements."""
import io
from datetime import date, timedelta

import pytest
from flask import render_template

from common import clock
from buurtbemiddeling.network import partners as rules
from buurtbemiddeling.network import sections
from buurtbemiddeling.network.dashboard import agreements_panel

from tests.conftest import stored_once

PDF = b"%PDF-1.4\n% a signed agreement\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
TODAY = date(2026, 11, 29)


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.mark.parametrize("agreement, state, days", [
    ({"start": day(-400), "review_date": day(200), "document": {"x": 1}}, "lopend", 200),
    ({"start": day(-400), "review_date": day(60), "document": {"x": 1}}, "evaluatie_binnenkort", 60),
    ({"start": day(-400), "review_date": day(61), "document": {"x": 1}}, "lopend", 61),
    ({"start": day(-400), "review_date": day(0), "document": {"x": 1}}, "evaluatie_binnenkort", 0),
    ({"start": day(-400), "review_date": day(-1), "document": {"x": 1}}, "evaluatie_verlopen", -1),
    ({"start": day(-400), "end": day(-1), "review_date": day(-100), "document": {"x": 1}}, "verlopen", -1),
    ({"start": day(10), "review_date": day(300), "document": {"x": 1}}, "nog_niet_gestart", 10),
    ({"start": day(-10), "review_date": day(300), "document": None}, "concept", None),
    ({"start": day(-10), "document": {"x": 1}}, "lopend", None),
])
def test_an_agreement_warns_two_months_before_its_review_date(agreement, state, days):
    result = rules.agreement_state(agreement, TODAY)
    assert (result.state, result.days) == (state, days)
    assert result.needs_attention == (state in rules.NEEDS_ATTENTION)


def test_an_agreement_cannot_end_or_be_reviewed_before_it_starts():
    _, errors = rules.check_agreement({"subject": "X", "start": "2026-05-01", "end": "2026-04-30",
                                       "review_date": "30-04-2026"})
    assert errors == {"end": "‘Einddatum’ kan niet vóór ‘Ingangsdatum’ liggen.",
                      "review_date": "‘Evaluatiedatum’ kan niet vóór ‘Ingangsdatum’ liggen."}


def test_a_partner_needs_a_name_and_a_known_type():
    doc, errors = rules.check_partner({"name": "", "type": "bakker", "website": "woonlinde.nl"})
    assert set(errors) == {"name", "type"}
    assert doc["website"] == "https://woonlinde.nl"


# ---- views ---------------------------------------------------------------------------------

PAGES = ["/beheer/netwerk/", "/beheer/netwerk/nieuw", "/beheer/netwerk/1", "/beheer/netwerk/1/bewerken",
         "/beheer/netwerk/1/convenanten/nieuw", "/beheer/netwerk/convenanten/1/bewerken",
         "/beheer/netwerk/convenanten/1/document"]
POSTS = ["/beheer/netwerk/1/contactpersonen", "/beheer/netwerk/1/contactpersonen/1/verwijderen",
         "/beheer/netwerk/1/contactlog"]


def store_a_partner(store) -> int:
    with store.transaction() as tx:
        pid = tx.table(rules.PARTNERS).insert({"name": "Woonstichting De Linde", "type": "woningcorporatie"})
        tx.table(rules.CONTACTS).insert({"partner_id": pid, "name": "Jeroen van Leeuwen", "role": "consulent"})
        tx.table(rules.AGREEMENTS).insert({"partner_id": pid, "subject": "Doorverwijzing", "start": "2025-01-01",
                                           "review_date": (clock.today() + timedelta(days=20)).isoformat(),
                                           "document": None})
    return pid


@pytest.fixture
def partner(store):
    return store_a_partner(store)


shared_partner = stored_once(store_a_partner)  # for the tests that only read (`module_app`)


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login(module_clients, shared_partner, path):
    response = module_clients.anonymous.get(path)
    assert response.status_code == 302 and "/beheer/inloggen" in response.location


@pytest.mark.parametrize("path", PAGES)
def test_a_volunteer_may_not_see_the_network(module_clients, shared_partner, path):
    assert module_clients.volunteer.get(path).status_code == 403


@pytest.mark.parametrize("path", POSTS)
def test_network_changes_are_post_only(module_clients, shared_partner, path):
    assert module_clients.coordinator.get(path).status_code == 405


def test_the_coordinator_adds_a_partner_and_a_bad_one_keeps_what_was_typed(client, as_user, store):
    as_user.coordinator()
    bad = client.post("/beheer/netwerk/nieuw", data={"name": "", "type": "politie", "phone": "0900-8844"})
    assert bad.status_code == 422 and "Vul de naam van de organisatie in." in bad.get_data(as_text=True)
    assert 'value="0900-8844"' in bad.get_data(as_text=True)
    good = client.post("/beheer/netwerk/nieuw", data={"name": "Politie Lindenhoven", "type": "politie"})
    [doc] = store.read().table(rules.PARTNERS).all()
    assert good.status_code == 303 and good.location.endswith(f"/beheer/netwerk/{doc.doc_id}")
    assert "Politie Lindenhoven" in client.get("/beheer/netwerk/?soort=politie").get_data(as_text=True)
    assert "Politie Lindenhoven" not in client.get("/beheer/netwerk/?soort=ggd").get_data(as_text=True)


def test_opening_a_partner_is_audited_and_shows_people_and_agreements(client, as_user, store, partner):
    as_user.coordinator()
    html = client.get(f"/beheer/netwerk/{partner}").get_data(as_text=True)
    assert "Jeroen van Leeuwen" in html and "Doorverwijzing" in html and "Evaluatie binnenkort" in html
    assert any(e["action"] == "view" and e["record"] == f"partner:{partner}" for e in store.audit_entries())


def test_with_htmx_adding_a_contact_answers_the_refreshed_list(client, as_user, store, partner):
    as_user.coordinator()
    response = client.post(f"/beheer/netwerk/{partner}/contactpersonen", headers={"HX-Request": "true"},
                           data={"name": "Noor Koster", "role": "wijkbeheerder", "email": "noor@delinde.example"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<section") and "Noor Koster" in html
    assert len(store.read().table(rules.CONTACTS).all()) == 2


def test_a_bad_contact_comes_back_with_the_message_with_and_without_htmx(client, as_user, store, partner):
    as_user.coordinator()
    for headers in ({"HX-Request": "true"}, {}):
        response = client.post(f"/beheer/netwerk/{partner}/contactpersonen", headers=headers,
                               data={"name": "Noor", "email": "noor@"})
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and "naam@voorbeeld.nl" in html and 'value="noor@"' in html
        assert ("<html" in html) == (not headers)
    assert len(store.read().table(rules.CONTACTS).all()) == 1


def test_a_contact_is_removed_only_from_its_own_partner(client, as_user, store, partner):
    as_user.coordinator()
    [contact] = store.read().table(rules.CONTACTS).all()
    assert client.post(f"/beheer/netwerk/{partner + 1}/contactpersonen/{contact.doc_id}/verwijderen").status_code == 404
    assert client.post(f"/beheer/netwerk/{partner}/contactpersonen/{contact.doc_id}/verwijderen").status_code == 303
    assert store.read().table(rules.CONTACTS).all() == []


def test_a_contact_moment_is_logged_with_a_dutch_date(client, as_user, store, partner):
    as_user.coordinator()
    response = client.post(f"/beheer/netwerk/{partner}/contactlog", data={
        "date": "2026-03-05", "kind": "overleg", "with": "consulent", "summary": "Twee verwijzingen besproken."})
    assert response.status_code == 303
    [entry] = store.read().table(rules.LOG).all()
    assert entry["date"] == "2026-03-05" and entry["by"] == "Carla Coördinator"
    assert "05-03-2026" in client.get(f"/beheer/netwerk/{partner}").get_data(as_text=True)


def test_a_signed_agreement_is_stored_as_pdf_and_downloaded_as_an_attachment(client, as_user, store, partner):
    as_user.coordinator()
    response = client.post(f"/beheer/netwerk/{partner}/convenanten/nieuw", content_type="multipart/form-data", data={
        "subject": "Samenwerking burenruzies", "parties": "Politie, Buurtbemiddeling", "start": "2026-01-01",
        "review_date": "2027-06-01", "document": (io.BytesIO(PDF), "../../convenant getekend.pdf")})
    assert response.status_code == 303
    doc = next(a for a in store.read().table(rules.AGREEMENTS).all() if a["subject"] == "Samenwerking burenruzies")
    assert doc["document"]["type"] == "application/pdf" and doc["document"]["name"] == "convenant getekend.pdf"
    download = client.get(f"/beheer/netwerk/convenanten/{doc.doc_id}/document")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_an_agreement_file_must_be_a_pdf_and_the_form_keeps_its_values(client, as_user, store, partner):
    as_user.coordinator()
    response = client.post(f"/beheer/netwerk/{partner}/convenanten/nieuw", content_type="multipart/form-data", data={
        "subject": "Scan", "start": "2026-01-01", "document": (io.BytesIO(PNG), "scan.png")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "moet een pdf-bestand zijn" in html and 'value="Scan"' in html
    assert len(store.read().table(rules.AGREEMENTS).all()) == 1


def test_editing_an_agreement_without_a_new_file_keeps_the_signed_one(client, as_user, store, partner):
    as_user.coordinator()
    [agreement] = store.read().table(rules.AGREEMENTS).all()
    client.post(f"/beheer/netwerk/convenanten/{agreement.doc_id}/bewerken", content_type="multipart/form-data",
                data={"subject": "Doorverwijzing", "start": "2025-01-01", "document": (io.BytesIO(PDF), "v1.pdf")})
    client.post(f"/beheer/netwerk/convenanten/{agreement.doc_id}/bewerken",
                data={"subject": "Doorverwijzing woonoverlast", "start": "2025-01-01", "review_date": "2027-01-01"})
    doc = store.read().table(rules.AGREEMENTS).get(doc_id=agreement.doc_id)
    assert doc["subject"] == "Doorverwijzing woonoverlast" and doc["document"]["name"] == "v1.pdf"


def test_vandaag_lists_an_agreement_whose_review_date_is_near(app, store, partner):
    with app.test_request_context("/beheer/"):
        panel = agreements_panel(store.read())
        html = render_template("network/_today.html", panel=panel)
    assert [row.agreement["subject"] for row in panel["agreements"]] == ["Doorverwijzing"]
    assert "Evaluatie binnenkort" in html and "over 20 dagen" in html


def test_another_area_can_add_a_section_to_the_partner_page(client, as_user, partner, tmp_path, app):
    # Cases will add "Zaken van deze partner" this way; here a stand-in template.
    from jinja2 import ChoiceLoader, DictLoader
    app.jinja_loader  # noqa: B018  (make sure the loader exists before wrapping it)
    app.jinja_env.loader = ChoiceLoader([DictLoader({"test/_section.html": "<h2>Zaken van {{ partner.name }}: {{ section.count }}</h2>"}),
                                         app.jinja_env.loader])
    sections.register("test/_section.html", order=1)(lambda view, p: {"count": 3})
    try:
        as_user.coordinator()
        assert "Zaken van Woonstichting De Linde: 3" in client.get(f"/beheer/netwerk/{partner}").get_data(as_text=True)
    finally:
        sections.SECTIONS.items[:] = [s for s in sections.SECTIONS.items if s.template != "test/_section.html"]


def test_choices_for_a_referrer_select_are_sorted_by_name(store):
    with store.transaction() as tx:
        tx.table(rules.PARTNERS).insert({"name": "Wijkteam Oost", "type": "wijkteam"})
        tx.table(rules.PARTNERS).insert({"name": "GGD", "type": "ggd"})
    assert [name for _, name, _ in rules.choices(store.read())] == ["GGD", "Wijkteam Oost"]


def test_an_archived_partner_leaves_the_active_lists_keeps_its_history_and_can_be_restored(app, client, as_user,
                                                                                          store, partner):
    from buurtbemiddeling.cases import page

    as_user.coordinator()
    with store.transaction() as tx:
        tx.table(rules.LOG).insert({"partner_id": partner, "date": "2026-03-02", "kind": "overleg",
                                    "summary": "Afspraken over doorverwijzen", "by": "Carla"})
    page_html = client.get(f"/beheer/netwerk/{partner}").get_data(as_text=True)
    assert "Partner archiveren" in page_html and "Ja, archiveren" in page_html  # asks first
    response = client.post(f"/beheer/netwerk/{partner}/archiveren")
    assert response.status_code == 303
    doc = store.read().table(rules.PARTNERS).get(doc_id=partner)
    assert doc["archived_by"] == "Carla Coördinator" and doc["archived_at"]

    index = client.get("/beheer/netwerk/").get_data(as_text=True)
    assert f'/beheer/netwerk/{partner}"' not in index and "Gearchiveerde partners (1)" in index
    assert "Woonstichting De Linde" in client.get("/beheer/netwerk/?archief=1").get_data(as_text=True)
    with app.test_request_context("/beheer/"):
        assert agreements_panel(store.read())["agreements"] == []
    view = store.read()
    assert rules.choices(view) == [] and [pid for pid, _ in page.partner_choices(view, {"partner_id": partner})] == [partner]
    assert page.partner_names(view)[partner] == "Woonstichting De Linde"  # cases and exports keep naming it
    archived_page = client.get(f"/beheer/netwerk/{partner}").get_data(as_text=True)
    assert "Gearchiveerd op" in archived_page and "Afspraken over doorverwijzen" in archived_page
    assert "Jeroen van Leeuwen" in archived_page and "Doorverwijzing" in archived_page

    assert client.post(f"/beheer/netwerk/{partner}/terugzetten").status_code == 303
    assert not rules.is_archived(store.read().table(rules.PARTNERS).get(doc_id=partner))
    assert f'/beheer/netwerk/{partner}"' in client.get("/beheer/netwerk/").get_data(as_text=True)
    actions = [e["action"] for e in store.audit_entries(record=f"partner:{partner}")]
    assert "archive" in actions and "restore" in actions


def test_archiving_twice_says_so_and_changes_nothing(client, as_user, store, partner):
    as_user.coordinator()
    client.post(f"/beheer/netwerk/{partner}/archiveren")
    first = store.read().table(rules.PARTNERS).get(doc_id=partner)["archived_at"]
    response = client.post(f"/beheer/netwerk/{partner}/archiveren", follow_redirects=True)
    assert "is al gearchiveerd" in response.get_data(as_text=True)
    assert store.read().table(rules.PARTNERS).get(doc_id=partner)["archived_at"] == first
    assert client.get(f"/beheer/netwerk/{partner}/archiveren").status_code == 405
    as_user.volunteer()
    assert client.post(f"/beheer/netwerk/{partner}/terugzetten").status_code == 403


def _log_entry(store, partner):
    with store.transaction() as tx:
        return tx.table(rules.LOG).insert({"partner_id": partner, "date": "2026-03-02", "kind": "overleg",
                                           "with": "Jeroen", "summary": "Afspraak: 5 verwijzingen per maand",
                                           "by": "Carla"})


def test_a_contact_log_entry_is_corrected_and_the_original_stays_visible_as_corrected(client, as_user, store, partner):
    as_user.coordinator()
    entry_id = _log_entry(store, partner)
    page = client.get(f"/beheer/netwerk/{partner}").get_data(as_text=True)
    assert f"/beheer/netwerk/{partner}/contactlog/{entry_id}/corrigeren" in page
    response = client.post(f"/beheer/netwerk/{partner}/contactlog/{entry_id}/corrigeren", data={
        "date": "2026-03-02", "kind": "telefoon", "with": "Jeroen", "summary": "Afspraak: 3 verwijzingen per maand"})
    assert response.status_code == 303
    entry = store.read().table(rules.LOG).get(doc_id=entry_id)
    assert entry["summary"] == "Afspraak: 3 verwijzingen per maand" and entry["by"] == "Carla"
    [fix] = entry["corrections"]
    assert fix["by"] == "Carla Coördinator" and fix["was"]["summary"] == "Afspraak: 5 verwijzingen per maand"
    html = client.get(f"/beheer/netwerk/{partner}").get_data(as_text=True)
    log = html[html.index('id="contactlog"'):]
    assert "Gecorrigeerd op" in log and "Eerder stond er" in log
    assert "<del><span class=\"visually-hidden\">Oorspronkelijk: </span>02-03-2026 · Overleg met Jeroen: Afspraak: 5 verwijzingen per maand</del>" in log
    assert "Afspraak: 3 verwijzingen per maand" in log and "Telefoongesprek" in log
    [audit] = [e for e in store.audit_entries(record=f"partner_log:{entry_id}")]
    assert audit["action"] == "correct" and audit["fields"] == ["kind", "summary"]


def test_a_correction_without_a_summary_or_without_a_change_comes_back_with_the_message(client, as_user, store, partner):
    as_user.coordinator()
    entry_id = _log_entry(store, partner)
    url = f"/beheer/netwerk/{partner}/contactlog/{entry_id}/corrigeren"
    empty = client.post(url, data={"date": "2026-03-02", "kind": "overleg", "with": "Jeroen en Ria", "summary": ""})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Schrijf kort op wat er besproken" in html and 'value="Jeroen en Ria"' in html
    same = client.post(url, data={"date": "2026-03-02", "kind": "overleg", "with": "Jeroen",
                                  "summary": "Afspraak: 5 verwijzingen per maand"}, headers={"HX-Request": "true"})
    assert same.status_code == 422 and "Er is niets veranderd" in same.get_data(as_text=True)
    assert same.get_data(as_text=True).lstrip().startswith('<section id="contactlog"')  # htmx: the log in place
    assert "corrections" not in store.read().table(rules.LOG).get(doc_id=entry_id)


def test_a_log_entry_is_corrected_only_under_its_own_partner(client, as_user, store, partner):
    as_user.coordinator()
    entry_id = _log_entry(store, partner)
    with store.transaction() as tx:
        other = tx.table(rules.PARTNERS).insert({"name": "GGD", "type": "ggd"})
    response = client.post(f"/beheer/netwerk/{other}/contactlog/{entry_id}/corrigeren", data={
        "date": "2026-03-02", "kind": "overleg", "summary": "Iets anders"})
    assert response.status_code == 404
    assert store.read().table(rules.LOG).get(doc_id=entry_id)["summary"] == "Afspraak: 5 verwijzingen per maand"
