"""The referrer's report and the volunteer application: from the public post to the admin."""
import pytest

from buurtbemiddeling.reports import intake
from forms import APPLICATION, FORMS, REFERRAL

from .test_mail import VALID_APPLICATION

VALID_REFERRAL = {
    "lang": "nl", "org_name": "Politie Lindenhoven", "org_type": "politie", "referrer_name": "Wijkagent Pieters",
    "referrer_email": "pieters@politie.example", "referrer_phone": "012 345 6700", "resident_consent": "ja",
    "name": "Bram Visser", "email": "", "phone": "06 98765432", "street": "Merelstraat 8", "postcode": "7413 KL",
    "place": "Lindenhoven", "b_street": "Merelstraat 10", "conflict_type": "huisdieren",
    "description": "De hond van de buren blaft de hele dag.",
}


def table(store, name):
    return store.read().table(name).all()


# -- the form definitions ---------------------------------------------------

def test_the_referral_form_has_the_fields_other_areas_rely_on():
    names = [f.name for f in REFERRAL.fields]
    for name in ("org_name", "org_type", "referrer_name", "referrer_email", "referrer_phone", "resident_consent",
                 "name", "email", "phone", "street", "postcode", "place", "conflict_type", "description",
                 "b_name", "b_street", "b_postcode"):
        assert name in names
    assert [v for v, _ in REFERRAL.field("org_type").choices] == [
        "politie", "woningcorporatie", "gemeente", "welzijn", "wijkteam", "huisarts", "overig"]
    assert REFERRAL.field("resident_consent").required


def test_the_application_form_has_the_fields_other_areas_rely_on():
    names = [f.name for f in APPLICATION.fields]
    for name in ("name", "email", "phone", "street", "postcode", "wijk", "age_band", "languages", "languages_other",
                 "availability", "motivation", "experience", "heard_via", "background", "consent"):
        assert name in names
    assert [v for v, _ in APPLICATION.field("age_band").choices] == ["18-25", "26-40", "41-55", "56-67", "68+"]
    values = [v for v, _ in APPLICATION.field("availability").choices]
    assert len(values) == 21 and values[0] == "ma-ochtend" and values[-1] == "zo-avond"
    assert not APPLICATION.field("background").required and APPLICATION.field("background").hint_for("nl")


def test_a_referral_needs_the_residents_consent():
    result = REFERRAL.validate({k: v for k, v in VALID_REFERRAL.items() if k != "resident_consent"})
    assert list(result.errors) == ["resident_consent"] and "toestemming" in result.errors["resident_consent"]


def test_a_referral_needs_a_way_to_reach_the_resident():
    result = REFERRAL.validate({**VALID_REFERRAL, "phone": ""})
    assert result.errors == {"email": "Vul het e-mailadres of het telefoonnummer van de bewoner in, "
                                      "zodat wij contact kunnen opnemen"}


def test_messages_about_the_resident_name_the_resident():
    result = REFERRAL.validate({**VALID_REFERRAL, "postcode": "12", "referrer_phone": "123"})
    assert result.errors["postcode"].startswith("De postcode van de bewoner is niet goed")
    assert result.errors["referrer_phone"].startswith("Uw telefoonnummer is niet goed")


def test_an_application_needs_a_language_and_a_part_of_a_day():
    result = APPLICATION.validate({**VALID_APPLICATION, "languages": [], "availability": []})
    assert set(result.errors) == {"languages", "availability"}
    assert APPLICATION.validate({**VALID_APPLICATION, "availability": ["ma-nacht"]}).errors["availability"]


def test_every_form_is_registered_by_name():
    assert set(FORMS) == {"report", "referral", "application"}


# -- through the app --------------------------------------------------------

def test_a_referral_is_stored_with_the_reports_and_thanks_the_referrer(client, store):
    response = client.post("/verwijzing", data=VALID_REFERRAL)
    assert response.status_code == 303 and response.location == "/voor-verwijzers/bedankt/"
    [referral] = table(store, intake.TABLE)
    assert referral["form"] == "referral" and referral["status"] == "nieuw"
    assert referral["values"]["org_type"] == "politie" and referral["values"]["resident_consent"] is True
    assert referral["values"]["postcode"] == "7413 KL" and referral["values"]["referrer_phone"] == "0123456700"


def test_the_coordinator_finds_a_referral_in_the_inbox_with_the_organisation(client, store, as_user):
    client.post("/verwijzing", data=VALID_REFERRAL)
    as_user.coordinator()
    assert "Bram Visser" in client.get("/beheer/meldingen/").get_data(as_text=True)
    report_id = table(store, intake.TABLE)[0].doc_id
    detail = client.get(f"/beheer/meldingen/{report_id}").get_data(as_text=True)
    assert "Politie Lindenhoven" in detail and "Merelstraat 10" in detail


def test_a_volunteer_application_lands_in_the_applications_table(client, store):
    response = client.post("/aanmelden-vrijwilliger", data={**VALID_APPLICATION, "lang": "en"})
    assert response.status_code == 303 and response.location == "/en/volunteer/thanks/"
    [application] = table(store, "applications")
    assert application["form"] == "application" and application["lang"] == "en"
    assert application["values"]["availability"] == ["ma-avond"] and application["values"]["languages"] == ["nederlands"]
    assert table(store, intake.TABLE) == []


def test_the_coordinator_finds_an_application_in_the_volunteers_admin(client, store, as_user):
    client.post("/aanmelden-vrijwilliger", data=VALID_APPLICATION)
    as_user.coordinator()
    application_id = table(store, "applications")[0].doc_id
    html = client.get(f"/beheer/vrijwilligers/aanmeldingen/{application_id}").get_data(as_text=True)
    assert "Vera Vrijwillig" in html


@pytest.mark.parametrize("path, data, message", [
    ("/verwijzing", {**VALID_REFERRAL, "resident_consent": ""}, "Bevestig dat de bewoner toestemming geeft"),
    ("/aanmelden-vrijwilliger", {**VALID_APPLICATION, "motivation": ""}, "Vertel waarom u buurtbemiddelaar wilt worden"),
])
def test_a_bad_post_comes_back_with_a_dutch_message_and_every_value_kept(client, store, path, data, message):
    response = client.post(path, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Er is een probleem" in html and message in html
    assert 'href="#field-' in html and ("Bram Visser" in html or "Vera Vrijwillig" in html)
    assert table(store, intake.TABLE) == [] and table(store, "applications") == []


def test_with_htmx_a_valid_application_answers_the_thank_you_fragment(client):
    response = client.post("/aanmelden-vrijwilliger", data=VALID_APPLICATION, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bedankt voor uw aanmelding" in html and "<html" not in html
    # It replaces the page's text and form, as the thank-you page does without JavaScript.
    assert response.headers["HX-Retarget"] == "#page-content" and response.headers["HX-Reswap"] == "innerHTML"
    assert html.startswith("<title>Bedankt voor uw aanmelding - ")


def test_an_application_with_errors_keeps_the_ticked_parts_of_the_day(client):
    response = client.post("/aanmelden-vrijwilliger", data={**VALID_APPLICATION, "email": "",
                                                            "availability": ["di-middag", "zo-avond"]})
    html = response.get_data(as_text=True)
    assert 'value="di-middag" checked' in html and 'value="zo-avond" checked' in html
    assert 'value="ma-avond" checked' not in html


def test_a_form_with_errors_shows_the_programmes_own_conflict_types(client, store):
    from buurtbemiddeling.settings import lists

    with store.transaction() as tx:
        lists.add(tx, "conflict_types", "Scooters in de galerij", "Scooters")
    response = client.post("/melding", data={"lang": "nl"})
    assert "Scooters in de galerij" in response.get_data(as_text=True)
