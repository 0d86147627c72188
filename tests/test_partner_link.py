"""A case linked to the network partner that referred it: chosen on the case's details, pre-selected
when a referral becomes a case, and followed by the partner feedback, the network page and the portal."""
import csv
import io
import re

import pytest

from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import records, repo
from buurtbemiddeling.network.referrals import suggested
from buurtbemiddeling.reports import intake as report_intake
from forms import FORMS
from tests.test_cases_views import add_report
from tests.test_public_forms import VALID_REFERRAL as REFERRAL

PASSWORD = "een lang wachtwoord"


def html(response):
    return response.get_data(as_text=True)


def add_partner(store, name, kind):
    with store.transaction() as tx:
        return tx.table("partners").insert({"name": name, "type": kind})


def add_referral(store, **changes):
    result = FORMS["referral"].validate({**REFERRAL, **changes})
    assert result.ok, result.errors
    return report_intake.store_submission(store, "referral", result.cleaned)


def make_case(client, report_id, **data):
    response = client.post(f"/beheer/meldingen/{report_id}/zaak", data={"wijk": "", **data})
    assert response.status_code == 303, html(response)
    client.get(response.location)  # shows (and so clears) the flash message naming the case
    return int(response.location.rsplit("/", 1)[-1])


def case_in(store, case_id):
    return repo.get_case(store.read(), case_id)


def details(store, case_id, **changes):
    return {**records.details_form_values(case_in(store, case_id)), "party_count": "2", **changes}


def select_options(page, name):
    """(value, text, selected) of the options of the select called `name`."""
    block = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(value, text.strip(), bool(sel)) for value, sel, text in
            re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', block)]


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


@pytest.fixture
def partners(store):
    """Two police teams; a referrer who types 'Politie Lindenhoven' names the second by its words."""
    return {"oost": add_partner(store, "Politie basisteam Oost", "politie"),
            "lindenhoven": add_partner(store, "Politie Lindenhoven", "politie"),
            "woon": add_partner(store, "Woonstichting De Linde", "woningcorporatie")}


# -- the rule: which partner a typed organisation suggests -------------------------------------

def test_the_suggestion_is_the_one_partner_the_organisation_names_and_nobody_when_unclear():
    police = {"id": 1, "name": "Politie Lindenhoven", "type": "politie"}
    east = {"id": 2, "name": "Politie Lindenhoven Oost", "type": "politie"}
    housing = {"id": 3, "name": "Woonstichting De Linde", "type": "woningcorporatie"}
    assert suggested([police, housing], {"type": "politie", "organisation": "politie lindenhoven"}) is police
    # Both police names fit 'Politie Lindenhoven Oost'; the one with exactly those words wins.
    assert suggested([police, east], {"type": "politie", "organisation": "Politie Oost Lindenhoven"}) is east
    assert suggested([police, east], {"type": "overig", "organisation": "Politie Lindenhoven Oost wijkteam"}) is None
    assert suggested([police], {"type": "gemeente", "organisation": "Politie Lindenhoven"}) is None  # types disagree
    assert suggested([police], {"type": "zelfmelder", "organisation": ""}) is None
    # The rule reads the typed name only (the case page asks for a suggestion only while unlinked).
    assert suggested([housing], {"type": "woningcorporatie", "organisation": "Woonstichting De Linde", "partner_id": 9}) is housing


def test_a_partner_id_that_is_not_in_the_network_is_refused_in_dutch():
    with pytest.raises(records.WorkflowError, match="staat niet in het netwerk"):
        records.parse_partner("7", {1: "Politie"})
    with pytest.raises(records.WorkflowError):
        records.parse_partner("politie", {1: "Politie"})
    assert records.parse_partner("", {1: "Politie"}) is None and records.parse_partner("1", {1: "Politie"}) == 1


# -- the case's details form -------------------------------------------------------------------

def test_the_details_form_lists_the_network_partners_with_none_first(client, store, coordinator, partners):
    case_id = make_case(client, add_referral(store))
    options = select_options(html(client.get(f"/beheer/zaken/{case_id}/gegevens")), "referrer_partner")
    assert options[0] == ("", "Geen / niet bekend", False) and not any(selected for *_, selected in options)
    assert [text for _, text, _ in options[1:]] == ["Politie basisteam Oost (Politie)", "Politie Lindenhoven (Politie)",
                                                    "Woonstichting De Linde (Woningcorporatie)"]


def test_a_chosen_partner_is_stored_shown_on_the_case_and_logged(client, store, coordinator, partners):
    case_id = make_case(client, add_referral(store))
    oost = partners["oost"]
    response = client.post(f"/beheer/zaken/{case_id}/gegevens", data=details(store, case_id, referrer_partner=str(oost)))
    assert response.status_code == 303
    assert case_in(store, case_id)["referrer"]["partner_id"] == oost
    page = html(client.get(f"/beheer/zaken/{case_id}"))
    assert f'<a href="/beheer/netwerk/{oost}">Politie basisteam Oost</a>' in page
    [edit] = [e for e in repo.timeline(store.read(), case_id) if e["kind"] == "edit"]
    assert edit["note"] == "Gegevens bijgewerkt; gekoppeld aan netwerkpartner Politie basisteam Oost"
    assert edit["partner_id"] == oost and edit["user"] is not None
    audit = [e for e in store.audit_entries(record=f"case:{case_id}") if e["action"] == "update"]
    assert audit and audit[0]["partner"] == oost
    # The form opens with the link chosen, and 'Geen / niet bekend' removes it again.
    assert ("" + str(oost), "Politie basisteam Oost (Politie)", True) in select_options(
        html(client.get(f"/beheer/zaken/{case_id}/gegevens")), "referrer_partner")
    client.post(f"/beheer/zaken/{case_id}/gegevens", data=details(store, case_id, referrer_partner=""))
    assert "partner_id" not in case_in(store, case_id)["referrer"]
    assert repo.timeline(store.read(), case_id)[-1]["note"] == (
        "Gegevens bijgewerkt; niet meer gekoppeld aan netwerkpartner Politie basisteam Oost")


def test_saving_the_details_without_touching_the_partner_logs_no_link_change(client, store, coordinator, partners):
    case_id = make_case(client, add_referral(store), referrer_partner=str(partners["lindenhoven"]))
    client.post(f"/beheer/zaken/{case_id}/gegevens", data=details(store, case_id, description="Nu ook de tuin."))
    assert case_in(store, case_id)["referrer"]["partner_id"] == partners["lindenhoven"]
    assert repo.timeline(store.read(), case_id)[-1]["note"] == "Gegevens bijgewerkt"


def test_an_unknown_partner_comes_back_with_a_dutch_message_and_everything_typed(client, store, coordinator, partners):
    case_id = make_case(client, add_referral(store))
    data = details(store, case_id, referrer_partner="999", description="Nieuwe omschrijving",
                   referrer_person="Wijkagent Bos")
    response = client.post(f"/beheer/zaken/{case_id}/gegevens", data=data)
    page = html(response)
    assert response.status_code == 422
    assert "Deze partner staat niet in het netwerk. Kies een partner uit de lijst of ‘Geen / niet bekend’." in page
    assert 'href="#case-referrer_partner"' in page and 'id="case-referrer_partner-error"' in page
    assert "Nieuwe omschrijving" in page and 'value="Wijkagent Bos"' in page
    case = case_in(store, case_id)
    assert case["description"] != "Nieuwe omschrijving" and "partner_id" not in case["referrer"]


def test_a_resident_who_reported_themselves_gets_no_partner(client, store, coordinator, partners):
    case_id = make_case(client, add_referral(store))
    data = details(store, case_id, referrer_type="zelfmelder", referrer_partner=str(partners["oost"]))
    response = client.post(f"/beheer/zaken/{case_id}/gegevens", data=data)
    assert response.status_code == 422 and "Een zelfmelder is niet door een partner verwezen" in html(response)
    assert "partner_id" not in case_in(store, case_id)["referrer"]


def test_an_unlinked_case_shows_the_suggestion_but_is_not_linked_by_it(client, store, coordinator, partners):
    case_id = make_case(client, add_referral(store))  # the coordinator left 'Geen / niet bekend'
    assert "partner_id" not in case_in(store, case_id)["referrer"]
    page = html(client.get(f"/beheer/zaken/{case_id}"))
    assert "Niet gekoppeld; de organisatie lijkt op" in page and "Politie Lindenhoven</a>" in page
    form = html(client.get(f"/beheer/zaken/{case_id}/gegevens"))
    assert "Voorstel: Politie Lindenhoven" in form
    assert not any(selected for *_, selected in select_options(form, "referrer_partner"))  # 'Geen' stays chosen


# -- a referral becomes a case ----------------------------------------------------------------

def test_the_report_page_preselects_the_partner_the_referral_names(client, store, coordinator, partners):
    report_id = add_referral(store, org_name="politie lindenhoven")
    page = html(client.get(f"/beheer/meldingen/{report_id}"))
    chosen = [(value, text) for value, text, selected in select_options(page, "referrer_partner") if selected]
    assert chosen == [(str(partners["lindenhoven"]), "Politie Lindenhoven (Politie)")]
    assert "Voorgesteld: de naam komt overeen met de organisatie ‘politie lindenhoven’" in page


def test_confirming_the_preselected_partner_links_the_new_case_and_says_so(client, store, coordinator, partners):
    report_id = add_referral(store)
    case_id = make_case(client, report_id, referrer_partner=str(partners["lindenhoven"]))
    case = case_in(store, case_id)
    assert case["referrer"]["partner_id"] == partners["lindenhoven"] and case["referrer"]["organisation"] == "Politie Lindenhoven"
    assert case["step"] == "intake"
    notes = [e.get("note") for e in repo.timeline(store.read(), case_id)]
    assert "Gekoppeld aan netwerkpartner Politie Lindenhoven." in notes
    assert f'<a href="/beheer/netwerk/{partners["lindenhoven"]}">Politie Lindenhoven</a>' in html(client.get(f"/beheer/zaken/{case_id}"))
    [created] = [e for e in store.audit_entries(record=f"case:{case_id}") if e["action"] == "create"]
    assert created["partner"] == partners["lindenhoven"]


def test_a_report_without_a_referrer_offers_no_partner(client, store, coordinator, partners):
    report_id = add_report(store)  # a resident's own report from the website
    assert 'name="referrer_partner"' not in html(client.get(f"/beheer/meldingen/{report_id}"))
    response = client.post(f"/beheer/meldingen/{report_id}/zaak", data={"referrer_partner": str(partners["oost"])})
    assert response.status_code == 303 and "/beheer/meldingen/" in response.location  # refused: nothing made
    assert store.read().table("cases").all() == []


def test_an_unknown_partner_on_the_report_page_makes_no_case(client, store, coordinator, partners):
    report_id = add_referral(store)
    response = client.post(f"/beheer/meldingen/{report_id}/zaak", data={"referrer_partner": "999"}, follow_redirects=True)
    assert "Deze partner staat niet in het netwerk" in html(response)
    assert store.read().table("cases").all() == []
    assert report_intake.get_report(store.read(), report_id).get("case_id") is None


# -- the feedback follows the link -----------------------------------------------------------

def partner_login(app, store, email, partner_id):
    user = users.create_account(store, email, "partner", email.split("@")[0], partner_id=partner_id)
    users.set_password(store, user.id, PASSWORD)
    client = app.test_client()
    assert client.post("/beheer/inloggen", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_a_linked_case_counts_for_its_partner_only_even_when_the_name_fits_another(app, client, store, coordinator, partners):
    oost, lindenhoven = partners["oost"], partners["lindenhoven"]
    # The referrer typed the town's police; the coordinator knows it was the Oost team.
    linked = case_in(store, make_case(client, add_referral(store), referrer_partner=str(oost)))["number"]
    unlinked = case_in(store, make_case(client, add_referral(store, street="Kerkstraat 1", b_street="Kerkstraat 3")))["number"]

    for_oost = html(client.get(f"/beheer/rapportages/partners/{oost}"))
    for_lindenhoven = html(client.get(f"/beheer/rapportages/partners/{lindenhoven}"))
    assert linked in for_oost and unlinked not in for_oost
    assert unlinked in for_lindenhoven and linked not in for_lindenhoven

    assert "1 zaak verwezen" in html(client.get(f"/beheer/netwerk/{oost}"))
    assert "1 zaak verwezen" in html(client.get(f"/beheer/netwerk/{lindenhoven}"))
    assert "Nog geen zaken gevonden" in html(client.get(f"/beheer/netwerk/{partners['woon']}"))

    portal_oost = html(partner_login(app, store, "oost@politie.example", oost).get("/portaal/"))
    portal_lindenhoven = html(partner_login(app, store, "lh@politie.example", lindenhoven).get("/portaal/"))
    assert linked in portal_oost and unlinked not in portal_oost
    assert unlinked in portal_lindenhoven and linked not in portal_lindenhoven


def test_the_export_names_the_linked_partner_only(client, store, coordinator, partners):
    linked = make_case(client, add_referral(store), referrer_partner=str(partners["oost"]))
    make_case(client, add_referral(store, street="Kerkstraat 1", b_street="Kerkstraat 3"))
    text = client.get("/beheer/zaken/export.csv?sort=nummer&order=asc").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    column = rows[0].index("Partner in het netwerk")  # an export-only column, after the importable ones
    by_number = {row[0]: row[column] for row in rows[1:]}
    assert by_number == {case_in(store, linked)["number"]: "Politie basisteam Oost",
                         case_in(store, linked + 1)["number"]: ""}
