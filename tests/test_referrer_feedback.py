"""Feedback to referrers at each stage, against a real SMTP server: only with the resident's
consent, stage and outcome only, each send on the timeline; 'geen terugkoppeling' per case;
a referrer without an address is phoned (Vandaag)."""
import pytest

from buurtbemiddeling import mail
from buurtbemiddeling.cases import repo
from buurtbemiddeling.messages import dispatch, feedback
from buurtbemiddeling.reports import intake as report_intake
from forms import FORMS

from .smtp_server import Inbox, parsed, running
from .test_cases_views import CHECKLIST, add_volunteers
from .test_public_forms import VALID_REFERRAL

REFERRER = "pieters@politie.example"


@pytest.fixture
def smtp(app):
    with running(Inbox()) as inbox:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
        yield inbox


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


def referred_case(client, store, **changes):
    result = FORMS["referral"].validate({**VALID_REFERRAL, **changes})
    assert result.ok, result.errors
    report_id = report_intake.store_submission(store, "referral", result.cleaned)
    response = client.post(f"/beheer/meldingen/{report_id}/zaak", data={"wijk": ""})
    return int(response.location.rsplit("/", 1)[-1])


def post(client, url, **data):
    response = client.post(url, data=data, buffered=True)
    dispatch.wait_idle()
    return response


def accept(client, store, case_id):
    duo = add_volunteers(store, "Vera Visser", "Wim Bos")
    response = post(client, f"/beheer/zaken/{case_id}/intake", decision="geschikt", checklist=CHECKLIST)
    client.post(f"/beheer/zaken/{case_id}/duo", data={"duo": [str(v) for v in duo]})
    return response


def texts_to(smtp, address):
    return [parsed(m) for m in smtp.to(address)]


def assert_stage_and_outcome_only(text):
    for secret in ("Bram Visser", "Merelstraat", "hond", "blaft", "06 98765432", "huisdieren"):
        assert secret not in text


def test_with_consent_the_referrer_hears_accepted_and_closed_with_the_outcome(client, store, smtp, coordinator):
    case_id = referred_case(client, store, feedback_consent="ja")
    response = accept(client, store, case_id)
    [(message, text)] = texts_to(smtp, REFERRER)
    assert "aangenomen" in message["Subject"] and "Wijkagent Pieters" in text and "aangenomen" in text
    assert_stage_and_outcome_only(text)
    assert "De verwijzer krijgt per e-mail bericht: aangenomen." in client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    assert response.status_code == 303

    client.post(f"/beheer/zaken/{case_id}/stap", data={"to": "gekoppeld"})
    post(client, f"/beheer/zaken/{case_id}/stap", to="afgesloten", outcome="opgelost", agreements="Hond binnen")
    (message, text) = texts_to(smtp, REFERRER)[1]
    assert "afgesloten" in message["Subject"] and "Uitkomst: **Opgelost**" in text
    assert_stage_and_outcome_only(text) and "Hond binnen" not in text
    sends = [e for e in repo.timeline(store.read(), case_id) if e["kind"] == "feedback"]
    assert [e["moment"] for e in sends] == ["aangenomen", "afgesloten"] and all(e["mail_id"] for e in sends)
    page = client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    assert "Terugkoppeling ‘afgesloten’ per e-mail aan de verwijzer (p***@politie.example)" in page


def test_with_consent_the_referrer_hears_that_a_case_is_not_suitable(client, store, smtp, coordinator):
    case_id = referred_case(client, store, feedback_consent="ja")
    post(client, f"/beheer/zaken/{case_id}/intake", decision="ongeschikt", reason="familieconflict",
         checklist=CHECKLIST[:2], advice="Probeer het Juridisch Loket.")
    [(message, text)] = texts_to(smtp, REFERRER)
    assert "niet geschikt" in message["Subject"] and "niet geschikt" in text
    assert_stage_and_outcome_only(text) and "Juridisch Loket" not in text and "amilie" not in text


def test_without_consent_nothing_reaches_the_referrer_at_any_stage(client, store, smtp, coordinator):
    case_id = referred_case(client, store)
    accept(client, store, case_id)
    page = client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    assert "De verwijzer krijgt geen terugkoppeling: de bewoner gaf geen toestemming" in page
    client.post(f"/beheer/zaken/{case_id}/stap", data={"to": "gekoppeld"})
    post(client, f"/beheer/zaken/{case_id}/stap", to="afgesloten", outcome="opgelost")
    other = referred_case(client, store)
    post(client, f"/beheer/zaken/{other}/intake", decision="ongeschikt", reason="familieconflict")
    assert smtp.messages == [] and store.read().table(mail.TABLE).all() == []
    assert not [e for e in repo.timeline(store.read(), case_id) if e["kind"] == "feedback"]


def test_geen_terugkoppeling_on_a_case_stops_it_even_with_consent(client, store, smtp, coordinator):
    case_id = referred_case(client, store, feedback_consent="ja")
    client.post(f"/beheer/zaken/{case_id}/terugkoppeling", data={"action": "off"})
    accept(client, store, case_id)
    assert smtp.messages == []
    assert "U zette ‘geen terugkoppeling’ aan" in client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)


def test_a_referrer_without_an_address_puts_terugkoppeling_bellen_on_vandaag_until_called(client, store, smtp, coordinator):
    case_id = referred_case(client, store, feedback_consent="ja")
    with store.transaction() as tx:
        case = tx.table(repo.CASES).get(doc_id=case_id)
        tx.table(repo.CASES).update({"referrer": {**case["referrer"], "email": ""}}, doc_ids=[case_id])
    accept(client, store, case_id)
    assert smtp.messages == []
    today = client.get("/beheer/").get_data(as_text=True)
    assert "Terugkoppeling: bellen" in today and "terugkoppeling: bellen (aangenomen)" in today
    client.post(f"/beheer/zaken/{case_id}/terugkoppeling", data={"action": "called"})
    assert "Terugkoppeling: bellen" not in client.get("/beheer/").get_data(as_text=True)
    notes = [e["note"] for e in repo.timeline(store.read(), case_id) if e["kind"] == "feedback"]
    assert notes == ["Terugkoppeling ‘aangenomen’: de verwijzer bellen (geen e-mailadres).",
                     "Verwijzer gebeld met de terugkoppeling."]


def test_consent_given_by_phone_is_recorded_by_the_coordinator(client, store, smtp, coordinator):
    case_id = referred_case(client, store)
    client.post(f"/beheer/zaken/{case_id}/terugkoppeling", data={"action": "consent"})
    accept(client, store, case_id)
    assert len(smtp.to(REFERRER)) == 1


def test_a_resident_who_reported_themselves_has_no_referrer_to_tell(store):
    assert feedback.route({"referrer": {"type": "zelfmelder"}})[0] == "geen"
    assert feedback.moment({"step": "intake"}, {"step": "afgesloten"}) == "afgesloten"
    assert feedback.moment({"step": "intake", "intake": {}}, {"step": "intake", "intake": {"decision": "geschikt"}}) == "aangenomen"
    assert feedback.moment({"step": "gekoppeld"}, {"step": "gesprek-a"}) is None


def test_the_referral_form_asks_the_residents_consent_to_feedback():
    import sitebuilder

    page = sitebuilder.render_form_page("referral", "nl")
    assert 'name="feedback_consent"' in page and "alleen de stap en de uitkomst" in page
