"""Mail after a submission, against a real local SMTP server (aiosmtpd): stored first,
sent second, retried by `flask --app app send-mail` when the server was away."""
import datetime
import socket

import pytest
from aiosmtpd.controller import Controller

from buurtbemiddeling import mail
from buurtbemiddeling.reports import intake

from .test_reports import VALID

VALID_APPLICATION = {
    "lang": "nl", "name": "Vera Vrijwillig", "email": "vera@voorbeeld.nl", "phone": "06 12345678",
    "street": "Kerkstraat 3", "postcode": "7411 AB", "age_band": "26-40", "languages": ["nederlands"],
    "availability": ["ma-avond"], "motivation": "Ik help graag mensen.", "consent": "ja",
}


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m.rcpt_tos]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_FROM="Buurtbemiddeling <noreply@lindenhoven.example>",
                      MAIL_COORDINATOR="coordinator@lindenhoven.example", MAIL_TIMEOUT=5)
    return app


def body(envelope):
    import email
    from email import policy

    message = email.message_from_bytes(envelope.content, policy=policy.default)
    return message, message.get_content()


def test_a_report_sends_a_confirmation_to_the_resident_and_a_notification_to_the_coordinator(mail_app, client, smtp, store):
    assert client.post("/melding", data=VALID).status_code == 303
    [confirmation] = smtp.to("anna@voorbeeld.nl")
    message, text = body(confirmation)
    assert message["Subject"].startswith("Wij hebben uw melding ontvangen")
    assert "Beste Anna de Vries" in text and "5 werkdagen" in text and "012 345 6789" in text
    assert "Harde muziek" not in text  # what was typed stays out of mail
    [notification] = smtp.to("coordinator@lindenhoven.example")
    message, text = body(notification)
    report_id = store.read().table(intake.TABLE).all()[0].doc_id
    assert f"/beheer/meldingen/{report_id}" in text and "Anna" not in text
    sent = store.read().table(mail.TABLE).all()
    assert all(doc["sent_at"] and doc["body"] == "" for doc in sent)  # the body is erased once sent


def test_a_report_of_violence_says_who_to_call_and_warns_the_coordinator(mail_app, client, smtp):
    client.post("/melding", data={**VALID, "violence": "ja"})
    assert "112" in body(smtp.to("anna@voorbeeld.nl")[0])[1]
    assert body(smtp.to("coordinator@lindenhoven.example")[0])[0]["Subject"].startswith("LET OP")


def test_an_english_report_gets_an_english_confirmation(mail_app, client, smtp):
    client.post("/melding", data={**VALID, "lang": "en"})
    message, text = body(smtp.to("anna@voorbeeld.nl")[0])
    assert message["Subject"].startswith("We have received your report") and "Dear Anna" in text


def test_without_an_email_address_only_the_coordinator_hears_of_it(mail_app, client, smtp):
    client.post("/melding", data={**VALID, "email": "", "contact_way": "telefoon"})
    assert [m.rcpt_tos for m in smtp.messages] == [["coordinator@lindenhoven.example"]]


def test_a_volunteer_application_is_confirmed_and_links_the_coordinator_to_it(mail_app, client, smtp, store):
    assert client.post("/aanmelden-vrijwilliger", data=VALID_APPLICATION).status_code == 303
    assert "10 werkdagen" in body(smtp.to("vera@voorbeeld.nl")[0])[1]
    [application] = store.read().table("applications").all()
    assert f"/beheer/vrijwilligers/aanmeldingen/{application.doc_id}" in body(smtp.to("coordinator@lindenhoven.example")[0])[1]


def test_when_the_mail_server_is_down_the_report_is_kept_and_send_mail_sends_it_later(app, client, smtp, store):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_COORDINATOR="coordinator@lindenhoven.example",
                      MAIL_TIMEOUT=2)  # nobody listens there
    assert client.post("/melding", data=VALID).status_code == 303
    assert len(store.read().table(intake.TABLE).all()) == 1
    waiting = mail.pending(store.read())
    assert len(waiting) == 2 and all(d["attempts"] == 1 and "Error" in d["last_error"] for d in waiting)

    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1 and "Mislukt: 2" in result.output

    app.config["MAIL_PORT"] = smtp.port  # the server is back
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "Verstuurd: 2" in result.output
    assert len(smtp.messages) == 2 and mail.pending(store.read()) == []
    assert runner.invoke(args=["send-mail"]).output.startswith("Verstuurd: 0")  # nothing twice


def test_retries_keep_the_same_message_id_so_a_receiver_can_spot_a_duplicate(app, store, smtp):
    with store.transaction() as tx:
        [mail_id] = mail.queue(tx, [mail.Mail("a@voorbeeld.nl", "Onderwerp", "Tekst")])
    message_id = store.read().table(mail.TABLE).get(doc_id=mail_id)["message_id"]
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}
    assert mail.deliver_pending(store, config) == (1, 0)
    assert body(smtp.messages[0])[0]["Message-ID"] == message_id


def test_without_a_mail_server_mail_waits_and_send_mail_says_why(app, client, store):
    app.config["MAIL_SERVER"] = ""
    client.post("/melding", data=VALID)
    assert len(mail.pending(store.read())) == 2
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code != 0 and "geen mailserver" in result.output and "2 e-mail(s) wachten" in result.output


def test_two_senders_at_once_never_send_a_mail_twice(store, smtp):
    with store.transaction() as tx:
        mail.queue(tx, [mail.Mail("a@voorbeeld.nl", "Onderwerp", "Tekst")])
    now = datetime.datetime.now(datetime.timezone.utc)
    claimed = mail._claim(store, None, now)
    assert len(claimed) == 1
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}
    assert mail.deliver_pending(store, config, now=now) == (0, 0)  # claimed by the other sender
    later = now + datetime.timedelta(seconds=mail.CLAIM_SECONDS + 1)
    assert mail.deliver_pending(store, config, now=later) == (1, 0)  # the other one died: taken over


def test_sent_mail_is_removed_after_thirty_days(store, smtp):
    with store.transaction() as tx:
        mail.queue(tx, [mail.Mail("a@voorbeeld.nl", "Onderwerp", "Tekst")])
    mail.deliver_pending(store, {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port})
    now = datetime.datetime.now(datetime.timezone.utc)
    assert mail.purge_sent(store, now + datetime.timedelta(days=29)) == 0
    assert mail.purge_sent(store, now + datetime.timedelta(days=31)) == 1
    assert store.read().table(mail.TABLE).all() == []
