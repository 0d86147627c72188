"""Standard letters: a PDF per case whose text holds the merge fields and nothing of the other
party, the address where a window envelope shows it; a mail with consent; editable texts with
a live preview that refuse an unknown merge field; unsuitable-with-advice tells the truth."""
import datetime
import re
import subprocess

import pytest

from common import clock
from buurtbemiddeling import mail
from buurtbemiddeling.cases import appointments, repo
from buurtbemiddeling.messages import dispatch

from .smtp_server import Inbox, parsed, running
from .test_cases_views import CHECKLIST, add_report, add_volunteers

MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture
def case_id(client, store, as_user):
    as_user.coordinator()
    report_id = add_report(store, b_street="Lindelaan 14", b_postcode="7412 AB")
    response = client.post(f"/beheer/meldingen/{report_id}/zaak", data={"wijk": ""})
    return int(response.location.rsplit("/", 1)[-1])


def pdf_text(content: bytes, tmp_path, *extra) -> str:
    path = tmp_path / "brief.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", *extra, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_kennismakingsbrief_to_party_b_holds_its_fields_and_nothing_of_party_a(client, store, case_id, tmp_path):
    response = client.post(f"/beheer/zaken/{case_id}/brief", data={"letter": "kennismaking-b:1", "action": "pdf"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path, "-layout")
    number = repo.get_case(store.read(), case_id)["number"]
    for field in ("Bert Jansen", "Lindelaan 14", "7412 AB", number, "012 345 6789", "Buurtbemiddeling Lindenhoven",
                  "Carla Coördinator"):
        assert field in text, field
    for secret in ("Anna", "Vries", "Lindelaan 12", "muziek", "Harde", "geluid", "06 12345678", "anna@"):
        assert secret not in text, secret
    pages = subprocess.run(["pdfinfo", str(tmp_path / "brief.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\b", pages) and "(A4)" in pages  # one A4 page
    # The foot of the page: the programme's address on one line, phone and e-mail whole on the next.
    foot = text.rstrip().splitlines()[-2:]
    assert "Marktplein 4, 7411 AB Lindenhoven" in foot[0] and re.search(r"012 345 6789 · \S+@\S+\.nl$", foot[1].strip()), foot
    # The recipient's name sits where a Dutch window envelope (window 20x50 mm from the corner) shows it.
    bbox = pdf_text(response.data, tmp_path, "-bbox")
    x, y = next((float(m.group(1)), float(m.group(2))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>Bert</word>', bbox))
    assert 20 * MM <= x <= 30 * MM and 50 * MM <= y <= 60 * MM, (x / MM, y / MM)
    [event] = [e for e in repo.timeline(store.read(), case_id) if e["kind"] == "letter"]
    assert event["channel"] == "pdf" and "Kennismakingsbrief partij B voor partij B" in event["note"]


def test_the_appointment_confirmation_names_date_time_place_and_the_mediators(client, store, case_id, tmp_path):
    duo = add_volunteers(store, "Sanne Smit", "Ahmed Amrani")
    day = clock.today() + datetime.timedelta(days=3)
    with store.transaction() as tx:
        appointment_id = appointments.add(tx, case_id, {"kind": "gesprek-a", "date": day.isoformat(), "start": "19:30",
                                                        "end": "20:30", "place": "Buurthuis De Linde",
                                                        "volunteers": duo, "coordinator": False}, clock.now())
    response = client.post(f"/beheer/zaken/{case_id}/brief", data={"letter": "bevestiging-afspraak:0", "action": "pdf",
                                                                   "appointment": str(appointment_id)})
    text = pdf_text(response.data, tmp_path)
    assert "Anna de Vries" in text and "19:30–20:30" in text and "Buurthuis De Linde" in text
    assert "Sanne en Ahmed" in text and "Bert" not in text
    response = client.post(f"/beheer/zaken/{case_id}/brief", data={"letter": "bevestiging-afspraak:0", "action": "pdf"})
    assert response.status_code == 422 and "Kies de afspraak die de brief bevestigt" in response.get_data(as_text=True)


def test_a_letter_goes_by_mail_only_with_the_recipients_consent(app, client, store, case_id):
    with running(Inbox()) as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        response = client.post(f"/beheer/zaken/{case_id}/brief", data={"letter": "afsluitbrief:0", "action": "mail"})
        assert response.status_code == 422 and "Vink aan dat de ontvanger" in response.get_data(as_text=True)
        client.post(f"/beheer/zaken/{case_id}/brief", data={"letter": "afsluitbrief:0", "action": "mail", "consent": "ja"},
                    buffered=True)
        dispatch.wait_idle()
    [(message, text)] = [parsed(m) for m in smtp.to("anna@voorbeeld.nl")]
    assert message["Subject"] == "Afsluiting van de buurtbemiddeling" and "Beste Anna de Vries" in text
    [event] = [e for e in repo.timeline(store.read(), case_id) if e["kind"] == "letter"]
    assert event["channel"] == "e-mail" and "a***@voorbeeld.nl" in event["note"]
    response = client.post(f"/beheer/zaken/{case_id}/brief", data={"letter": "afsluitbrief:1", "action": "mail", "consent": "ja"})
    assert response.status_code == 422 and "Van partij B is geen e-mailadres bekend" in response.get_data(as_text=True)


def test_an_edited_text_is_used_and_an_unknown_merge_field_is_refused_keeping_what_was_typed(client, store, case_id, tmp_path):
    url = "/beheer/instellingen/teksten/kennismaking-b"
    typed = "Beste {{ naam }},\n\nUw buur {{ naam_a }} klaagt over u."
    response = client.post(url, data={"subject": "Kennismaking", "body": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Het invulveld {{ naam_a }} kent ‘Kennismakingsbrief partij B’ niet" in page
    assert "Uw buur {{ naam_a }} klaagt over u." in page
    preview = client.post(url + "/voorbeeld", data={"subject": "Kennismaking", "body": "Dag {{ naam }}, bel {{ telefoon }}."},
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Dag J. de Boer, bel 012 345 6789." in preview and "<html" not in preview
    assert "kent" in client.post(url + "/voorbeeld", data={"subject": "x", "body": "{{ advies }}"}).get_data(as_text=True)
    assert client.post(url, data={"subject": "Even kennismaken", "body": "Beste {{ naam }},\n\nWij komen graag langs."}).status_code == 303
    response = client.post(f"/beheer/zaken/{case_id}/brief", data={"letter": "kennismaking-b:1", "action": "pdf"})
    text = pdf_text(response.data, tmp_path)
    assert "Even kennismaken" in text and "Wij komen graag langs." in text
    client.post(url + "/standaard")
    assert "Wij willen graag ook" in client.get(url).get_data(as_text=True)


def test_a_name_with_markup_stays_text_in_the_letter(client, store, case_id, tmp_path):
    with store.transaction() as tx:
        case = tx.table(repo.CASES).get(doc_id=case_id)
        parties = [dict(p) for p in case["parties"]]
        parties[1]["name"] = "<b>Bert</b> *Jansen*"
        tx.table(repo.CASES).update({"parties": parties}, doc_ids=[case_id])
    response = client.post(f"/beheer/zaken/{case_id}/brief", data={"letter": "kennismaking-b:1", "action": "pdf"})
    assert "Beste <b>Bert</b> *Jansen*," in pdf_text(response.data, tmp_path)


def test_unsuitable_with_advice_by_mail_sends_it_and_the_flash_says_so(app, client, store, case_id):
    with running(Inbox()) as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        response = client.post(f"/beheer/zaken/{case_id}/intake", data={
            "decision": "ongeschikt", "reason": "familieconflict", "advice": "Bel het Juridisch Loket: 0900-8020.",
            "advice_by": "mail"}, buffered=True)
        dispatch.wait_idle()
    assert response.status_code == 303
    [(message, text)] = [parsed(m) for m in smtp.to("anna@voorbeeld.nl")]
    assert "Juridisch Loket: 0900-8020" in text and "Bert" not in text
    page = client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    assert "De zaak is ongeschikt. Het advies gaat per e-mail naar de melder (a***@voorbeeld.nl)." in page


def test_unsuitable_with_advice_as_a_letter_says_nothing_was_sent_yet(client, store, case_id):
    client.post(f"/beheer/zaken/{case_id}/intake", data={"decision": "ongeschikt", "reason": "familieconflict",
                                                         "advice": "Bel het Juridisch Loket.", "advice_by": "brief"})
    page = client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    assert "Er is nog niets verstuurd: maak onder ‘Brieven en terugkoppeling’ de brief" in page
    assert store.read().table(mail.TABLE).all() == []


def test_unsuitable_advice_by_mail_without_an_address_is_refused_in_dutch(client, store, as_user):
    as_user.coordinator()
    report_id = add_report(store, email="", contact_way="telefoon")
    case_id = int(client.post(f"/beheer/meldingen/{report_id}/zaak", data={"wijk": ""}).location.rsplit("/", 1)[-1])
    page = client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    assert "Van de melder is geen e-mailadres bekend: het advies kan als brief." in page
    response = client.post(f"/beheer/zaken/{case_id}/intake", data={
        "decision": "ongeschikt", "reason": "familieconflict", "advice": "Bel het Juridisch Loket.", "advice_by": "mail"})
    assert response.status_code == 422 and "Kies ‘Als brief afdrukken en opsturen’" in response.get_data(as_text=True)
    assert "Bel het Juridisch Loket." in response.get_data(as_text=True)
    assert repo.get_case(store.read(), case_id)["step"] == "intake"


def test_only_the_coordinator_makes_letters_and_edits_texts(client, as_user, store):
    as_user.volunteer()
    assert client.get("/beheer/instellingen/teksten/").status_code in (302, 403, 404)
    assert client.post("/beheer/zaken/1/brief", data={"letter": "kennismaking-b:1"}).status_code in (302, 403, 404)
    assert client.get("/beheer/zaken/1/brief").status_code == 405
