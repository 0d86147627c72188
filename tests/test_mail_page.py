"""Instellingen → E-mail: the configuration without the password, a test mail to a real SMTP
server, the outbox with masked recipients and states; Vandaag warns; the thank-you text
promises an e-mail only when mail is configured."""
import datetime

import sitebuilder
from common import clock
from buurtbemiddeling import mail
from buurtbemiddeling.messages import dispatch

from .smtp_server import Inbox, parsed, running
from .test_reports import VALID


def test_the_page_shows_the_settings_but_never_the_password(app, client, as_user):
    app.config.update(MAIL_SERVER="smtp.lindenhoven.example", MAIL_PORT=587, MAIL_USE_TLS=True,
                      MAIL_USERNAME="buurtbemiddeling", MAIL_PASSWORD="geheim-wachtwoord-123",
                      MAIL_FROM="Buurtbemiddeling <noreply@lindenhoven.example>")
    as_user.coordinator()
    html = client.get("/beheer/instellingen/e-mail").get_data(as_text=True)
    assert "smtp.lindenhoven.example" in html and "587" in html and "STARTTLS" in html
    assert "noreply@lindenhoven.example" in html and "ingesteld (verborgen)" in html
    assert "geheim-wachtwoord-123" not in html


def test_a_test_mail_reaches_the_server_and_the_outbox_says_so_with_a_masked_address(app, client, as_user):
    with running(Inbox()) as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        as_user.coordinator()
        response = client.post("/beheer/instellingen/e-mail/testmail", data={"to": "carla@lindenhoven.example"}, buffered=True)
        assert response.status_code == 303
        dispatch.wait_idle()
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["carla@lindenhoven.example"] and "Testmail" in parsed(envelope)[0]["Subject"]
    assert "carla@lindenhoven.example staat klaar" in client.get("/beheer/instellingen/e-mail").get_data(as_text=True)  # the flash
    html = client.get("/beheer/instellingen/e-mail").get_data(as_text=True)
    assert "c***@lindenhoven.example" in html and "Verstuurd" in html and "carla@" not in html


def test_a_test_mail_to_a_wrong_address_is_refused_in_dutch_and_keeps_what_was_typed(client, as_user):
    as_user.coordinator()
    response = client.post("/beheer/instellingen/e-mail/testmail", data={"to": "carla-at-voorbeeld"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Vul een geldig e-mailadres in" in html and 'value="carla-at-voorbeeld"' in html


def test_a_refused_mail_shows_the_servers_answer_and_can_be_retried_or_cancelled(app, client, as_user, store):
    with running(Inbox(refuse=True)) as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        as_user.coordinator()
        client.post("/beheer/instellingen/e-mail/testmail", data={"to": "carla@lindenhoven.example"}, buffered=True)
        dispatch.wait_idle()
        html = client.get("/beheer/instellingen/e-mail").get_data(as_text=True)
        assert "Mislukt" in html and "550 5.1.1 Mailbox unavailable" in html and "wacht op u" in html
        [doc] = store.read().table(mail.TABLE).all()
        smtp.refuse = False
        client.post(f"/beheer/instellingen/e-mail/{doc.doc_id}", data={"action": "retry"}, buffered=True)
        dispatch.wait_idle()
    assert len(smtp.messages) == 1 and mail.state(store.read().table(mail.TABLE).get(doc_id=doc.doc_id)) == "verstuurd"
    response = client.post(f"/beheer/instellingen/e-mail/{doc.doc_id}", data={"action": "cancel"}, follow_redirects=True)
    assert "al verstuurd" in response.get_data(as_text=True)


def test_only_the_coordinator_sees_the_mail_page(module_clients):
    assert module_clients.anonymous.get("/beheer/instellingen/e-mail").status_code in (302, 401, 403)
    client = module_clients.volunteer
    assert client.get("/beheer/instellingen/e-mail").status_code in (302, 403, 404)
    assert client.get("/beheer/instellingen/e-mail/testmail").status_code == 405


def test_vandaag_warns_when_mail_is_not_configured(app, client, as_user):
    app.config["MAIL_SERVER"] = ""
    client.post("/melding", data=VALID)
    as_user.coordinator()
    html = client.get("/beheer/").get_data(as_text=True)
    assert "Er is geen mailserver ingesteld: 2 berichten wachten" in html


def test_vandaag_warns_about_a_failed_mail_and_one_waiting_over_a_quarter_of_an_hour(app, client, as_user, store):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    old = clock.now() - datetime.timedelta(minutes=20)
    with store.transaction() as tx:
        mail.queue(tx, [mail.Mail("a@voorbeeld.nl", "Oud", "Tekst")], now=old)
        [failed] = mail.queue(tx, [mail.Mail("b@voorbeeld.nl", "Mislukt", "Tekst")])
        tx.table(mail.TABLE).update({"last_error": "550 nee", "permanent": True}, doc_ids=[failed])
    as_user.coordinator()
    html = client.get("/beheer/").get_data(as_text=True)
    assert "1 bericht mislukt" in html and "1 bericht wacht al langer dan 15 minuten" in html


def test_vandaag_is_quiet_when_mail_works(app, client, as_user):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    as_user.coordinator()
    assert "E-mail komt niet aan" not in client.get("/beheer/").get_data(as_text=True)


def test_the_thank_you_text_promises_an_email_only_when_mail_is_configured(app, client, tmp_path):
    promise = "Dan krijgt u ook een bevestiging per e-mail"
    app.config["MAIL_SERVER"] = ""
    assert promise not in client.post("/melding", data=VALID, headers={"HX-Request": "true"}).get_data(as_text=True)
    app.config["MAIL_SERVER"] = "127.0.0.1"
    assert promise in client.post("/melding", data=VALID, headers={"HX-Request": "true"}).get_data(as_text=True)

    assert sitebuilder.main(["--out", str(tmp_path / "zonder"), "--no-data"]) == 0
    assert sitebuilder.main(["--out", str(tmp_path / "met"), "--no-data", "--mail"]) == 0
    page = "melding/bedankt/index.html"
    assert promise not in (tmp_path / "zonder" / page).read_text()
    assert promise in (tmp_path / "met" / page).read_text()
    for other, words in (("tr/bildirim/tesekkurler", "e-postayla da bir onay"), ("pl/zgloszenie/dziekujemy", "potwierdzenie e-mailem"),
                         ("ar/report/thanks", "تأكيد بالبريد"), ("en/report/thanks", "confirmation by email")):
        assert words not in (tmp_path / "zonder" / other / "index.html").read_text(), other
        assert words in (tmp_path / "met" / other / "index.html").read_text(), other


def test_build_site_promises_mail_when_the_app_has_a_mail_server(app, tmp_path):
    app.config.update(MAIL_SERVER="127.0.0.1", PUBLIC_DIR=str(tmp_path / "public"))
    assert app.test_cli_runner().invoke(args=["build-site"]).exit_code == 0
    assert "bevestiging per e-mail" in (tmp_path / "public" / "voor-verwijzers" / "bedankt" / "index.html").read_text()


def test_an_expired_mail_says_so_on_the_mail_page_and_offers_no_retry(app, client, as_user, store):
    with store.transaction() as tx:
        [doc_id] = mail.queue(tx, [mail.Mail("a@voorbeeld.nl", "Oude bevestiging", "Tekst")],
                              now=clock.now() - datetime.timedelta(days=31))
    mail.purge_sent(store)
    as_user.coordinator()
    html = client.get("/beheer/instellingen/e-mail").get_data(as_text=True)
    row = html.split("Oude bevestiging")[1].split("</tr>")[0]
    assert "Geannuleerd" in row and "Na 30 dagen nog niet verstuurd: vervallen, de tekst is gewist." in row
    assert "Opnieuw proberen" not in row and "Annuleren" not in row
