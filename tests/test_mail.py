"""Mail after a submission, against a real local SMTP server (aiosmtpd): stored first,
sent second, retried by `flask --app app send-mail` when the server was away."""
import datetime

import pytest

from common import clock
from buurtbemiddeling import mail
from buurtbemiddeling.messages import dispatch
from buurtbemiddeling.reports import intake

from .smtp_server import Inbox, free_port, parsed, running, silent_server
from .test_reports import VALID

VALID_APPLICATION = {
    "lang": "nl", "name": "Vera Vrijwillig", "email": "vera@voorbeeld.nl", "phone": "06 12345678",
    "street": "Kerkstraat 3", "postcode": "7411 AB", "age_band": "26-40", "languages": ["nederlands"],
    "availability": ["ma-avond"], "motivation": "Ik help graag mensen.", "consent": "ja",
}


@pytest.fixture
def smtp():
    with running(Inbox()) as inbox:
        yield inbox


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_FROM="Buurtbemiddeling <noreply@lindenhoven.example>",
                      MAIL_COORDINATOR="coordinator@lindenhoven.example", MAIL_TIMEOUT=5)
    return app


body = parsed


def post(client, url, data):
    """Post as a browser does: the response is read to its end, then the sender runs (after it)."""
    response = client.post(url, data=data, buffered=True)
    dispatch.wait_idle()
    return response


def test_a_report_sends_a_confirmation_to_the_resident_and_a_notification_to_the_coordinator(mail_app, client, smtp, store):
    assert post(client, "/melding", VALID).status_code == 303
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
    post(client, "/melding", {**VALID, "violence": "ja"})
    assert "112" in body(smtp.to("anna@voorbeeld.nl")[0])[1]
    assert body(smtp.to("coordinator@lindenhoven.example")[0])[0]["Subject"].startswith("LET OP")


def test_an_english_report_gets_an_english_confirmation(mail_app, client, smtp):
    post(client, "/melding", {**VALID, "lang": "en"})
    message, text = body(smtp.to("anna@voorbeeld.nl")[0])
    assert message["Subject"].startswith("We have received your report") and "Dear Anna" in text


@pytest.mark.parametrize("lang, subject, greeting, term, police", [
    ("tr", "Bildiriminizi aldık", "Sayın Anna,", "5 iş günü içinde", "0900-8844"),
    ("ar", "وصلنا بلاغك", "مرحبًا Anna،", "خلال 5 أيام عمل", "\u20660900-8844\u2069"),
    ("pl", "Otrzymaliśmy Twoje zgłoszenie", "Dzień dobry Anna,", "w ciągu 5 dni roboczych", "0900-8844"),
])
def test_a_report_in_turkish_arabic_or_polish_is_confirmed_in_that_language(mail_app, client, smtp, lang, subject,
                                                                             greeting, term, police):
    post(client, "/melding", {**VALID, "lang": lang, "name": "Anna", "violence": "ja"})
    message, text = body(smtp.to("anna@voorbeeld.nl")[0])
    assert message["Subject"].startswith(subject) and text.startswith(greeting)
    assert term in text and police in text and "Beste" not in text


def test_without_an_email_address_only_the_coordinator_hears_of_it(mail_app, client, smtp):
    post(client, "/melding", {**VALID, "email": "", "contact_way": "telefoon"})
    assert [m.rcpt_tos for m in smtp.messages] == [["coordinator@lindenhoven.example"]]


def test_a_volunteer_application_is_confirmed_and_links_the_coordinator_to_it(mail_app, client, smtp, store):
    assert post(client, "/aanmelden-vrijwilliger", VALID_APPLICATION).status_code == 303
    assert "10 werkdagen" in body(smtp.to("vera@voorbeeld.nl")[0])[1]
    [application] = store.read().table("applications").all()
    assert f"/beheer/vrijwilligers/aanmeldingen/{application.doc_id}" in body(smtp.to("coordinator@lindenhoven.example")[0])[1]


def said(result) -> str:
    """What a command printed besides the line naming its instance folder."""
    return "".join(line for line in result.stdout.splitlines(keepends=True) if not line.startswith("Instancemap:"))


def _a_while_later(store, minutes):
    """Let the backoff pauses pass: every waiting mail's next attempt moves `minutes` earlier."""
    with store.transaction() as tx:
        for doc in tx.table(mail.TABLE).all():
            if doc.get("next_attempt_at"):
                earlier = datetime.datetime.fromisoformat(doc["next_attempt_at"]) - datetime.timedelta(minutes=minutes)
                tx.table(mail.TABLE).update({"next_attempt_at": earlier.isoformat(timespec="seconds")}, doc_ids=[doc.doc_id])


def test_when_the_mail_server_is_down_the_report_is_kept_and_send_mail_sends_it_later(app, client, smtp, store):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_COORDINATOR="coordinator@lindenhoven.example",
                      MAIL_TIMEOUT=2)  # nobody listens there
    assert post(client, "/melding", VALID).status_code == 303
    assert len(store.read().table(intake.TABLE).all()) == 1
    waiting = mail.pending(store.read())
    assert len(waiting) == 2 and all(d["attempts"] == 1 and "Error" in d["last_error"] for d in waiting)
    assert {mail.state(d) for d in waiting} == {"mislukt"}

    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "Verstuurd: 0. Mislukt: 0" in result.output  # backing off: not yet
    _a_while_later(store, 2)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1 and "Mislukt: 2" in result.output
    assert {d["attempts"] for d in mail.pending(store.read())} == {2}

    app.config["MAIL_PORT"] = smtp.port  # the server is back
    _a_while_later(store, 10)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "Verstuurd: 2" in result.output
    assert len(smtp.messages) == 2 and mail.pending(store.read()) == []
    assert said(runner.invoke(args=["send-mail"])).startswith("Verstuurd: 0")  # nothing twice


def test_retries_keep_the_same_message_id_so_a_receiver_can_spot_a_duplicate(app, store, smtp):
    with store.transaction() as tx:
        [mail_id] = mail.queue(tx, [mail.Mail("a@voorbeeld.nl", "Onderwerp", "Tekst")])
    message_id = store.read().table(mail.TABLE).get(doc_id=mail_id)["message_id"]
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}
    assert mail.deliver_pending(store, config) == (1, 0)
    assert body(smtp.messages[0])[0]["Message-ID"] == message_id


def test_without_a_mail_server_mail_waits_and_send_mail_in_cron_stays_quiet(app, client, store):
    app.config["MAIL_SERVER"] = ""
    post(client, "/melding", VALID)
    assert len(mail.pending(store.read())) == 2
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0 and said(result) == ""  # nothing for cron to mail
    assert len(mail.pending(store.read())) == 2


def test_two_senders_at_once_never_send_a_mail_twice(store, smtp):
    with store.transaction() as tx:
        mail.queue(tx, [mail.Mail("a@voorbeeld.nl", "Onderwerp", "Tekst")])
    now = clock.now()
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
    now = clock.now()
    assert mail.purge_sent(store, now + datetime.timedelta(days=29)) == 0
    assert mail.purge_sent(store, now + datetime.timedelta(days=31)) == 1
    assert store.read().table(mail.TABLE).all() == []


def test_a_mail_that_could_not_be_sent_for_thirty_days_expires_its_text_is_erased_and_it_cannot_be_retried(store):
    now = clock.now()
    with store.transaction() as tx:
        [stuck] = mail.queue(tx, [mail.Mail("a@voorbeeld.nl", "Bevestiging", "Beste Anna de Vries, ...")], now=now)
        [fresh] = mail.queue(tx, [mail.Mail("b@voorbeeld.nl", "Bevestiging", "Beste Bram, ...")],
                             now=now + datetime.timedelta(days=20))
    mail.purge_sent(store, now + datetime.timedelta(days=29))
    assert store.read().table(mail.TABLE).get(doc_id=stuck)["body"] == "Beste Anna de Vries, ..."
    mail.purge_sent(store, now + datetime.timedelta(days=31))
    expired, waiting = (store.read().table(mail.TABLE).get(doc_id=i) for i in (stuck, fresh))
    assert (mail.state(expired), expired["body"], expired["expired"]) == ("geannuleerd", "", True)
    assert mail.state(waiting) == "wacht" and waiting["body"] == "Beste Bram, ..."
    with store.transaction() as tx:
        assert mail.retry(tx, stuck) is False  # nothing left to send
    assert not mail.is_due(store.read().table(mail.TABLE).get(doc_id=stuck), now + datetime.timedelta(days=32))
    mail.purge_sent(store, now + datetime.timedelta(days=62))  # and the record goes a period later
    assert [d.doc_id for d in store.read().table(mail.TABLE).all()] == [fresh]
