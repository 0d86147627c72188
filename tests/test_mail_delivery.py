"""Mail that goes without cron, against real SMTP servers: one that accepts, one that refuses,
one that never answers, and one that is busy first. Links come from BASE_URL, never the Host."""
import datetime
import threading
import time
import urllib.request

import pytest
from werkzeug.serving import make_server

from buurtbemiddeling import mail
from buurtbemiddeling.messages import dispatch

from .smtp_server import Inbox, parsed, running, silent_server
from .test_reports import VALID

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)


def config(port, **extra):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_TIMEOUT": 2, **extra}


def queue_one(store, to="bewoner@voorbeeld.nl"):
    with store.transaction() as tx:
        [mail_id] = mail.queue(tx, [mail.Mail(to, "Onderwerp", "Tekst")], now=NOW)
    return mail_id


def doc(store, mail_id):
    return store.read().table(mail.TABLE).get(doc_id=mail_id)


def test_a_refused_recipient_is_failed_with_the_servers_answer_and_waits_for_the_coordinator(store):
    with running(Inbox(refuse=True)) as server:
        mail_id = queue_one(store)
        assert mail.deliver_pending(store, config(server.port), now=NOW) == (0, 1)
        found = doc(store, mail_id)
        assert mail.state(found) == "mislukt" and found["last_error"].startswith("550 5.1.1 Mailbox unavailable")
        later = NOW + datetime.timedelta(days=1)
        assert mail.deliver_pending(store, config(server.port), now=later) == (0, 0)  # no automatic retry
        server.refuse = False
        with store.transaction() as tx:
            assert mail.retry(tx, mail_id)
        assert mail.deliver_pending(store, config(server.port), now=later) == (1, 0)
        assert len(server.messages) == 1 and mail.state(doc(store, mail_id)) == "verstuurd"


def test_a_server_that_never_answers_costs_the_timeout_and_the_mail_waits(store):
    with silent_server() as port:
        mail_id = queue_one(store)
        started = time.monotonic()
        assert mail.deliver_pending(store, config(port, MAIL_TIMEOUT=1), now=NOW) == (0, 1)
        assert time.monotonic() - started < 2
    found = doc(store, mail_id)
    assert mail.state(found) == "mislukt" and "Geen antwoord van de mailserver" in found["last_error"]
    assert not found["permanent"]


def test_a_busy_server_is_tried_again_after_a_growing_pause_and_the_mail_arrives_once(store):
    with running(Inbox(busy_times=2)) as server:
        mail_id = queue_one(store)
        cfg = config(server.port)
        assert mail.deliver_pending(store, cfg, now=NOW) == (0, 1)
        assert doc(store, mail_id)["last_error"].startswith("451")
        assert doc(store, mail_id)["next_attempt_at"] == (NOW + datetime.timedelta(minutes=1)).isoformat()
        assert mail.deliver_pending(store, cfg, now=NOW + datetime.timedelta(seconds=30)) == (0, 0)  # pausing
        second = NOW + datetime.timedelta(minutes=1)
        assert mail.deliver_pending(store, cfg, now=second) == (0, 1)
        assert doc(store, mail_id)["next_attempt_at"] == (second + datetime.timedelta(minutes=5)).isoformat()
        assert mail.deliver_pending(store, cfg, now=second + datetime.timedelta(minutes=5)) == (1, 0)
        assert mail.deliver_pending(store, cfg, now=second + datetime.timedelta(days=1)) == (0, 0)
    assert len(server.messages) == 1 and doc(store, mail_id)["attempts"] == 3


def test_a_cancelled_mail_is_never_sent_and_its_text_is_erased(store):
    with running(Inbox()) as server:
        mail_id = queue_one(store)
        with store.transaction() as tx:
            assert mail.cancel(tx, mail_id, NOW)
        assert mail.deliver_pending(store, config(server.port), now=NOW) == (0, 0)
    assert server.messages == [] and doc(store, mail_id)["body"] == "" and mail.state(doc(store, mail_id)) == "geannuleerd"


def test_under_cgi_a_request_sends_after_its_response_and_never_waits_a_second_on_a_hanging_server(app, client, store):
    cgi = {"wsgi.run_once": True}
    started = time.monotonic()
    client.post("/melding", data=VALID, buffered=True, environ_overrides=cgi)  # no mail server yet
    without_mail = time.monotonic() - started
    with silent_server() as port:
        app.config.update(config(port, MAIL_TIMEOUT=10, MAIL_COORDINATOR="coordinator@lindenhoven.example"))
        started = time.monotonic()
        response = client.post("/melding", data=VALID, buffered=True, environ_overrides=cgi)
        on_smtp = time.monotonic() - started - without_mail
    assert response.status_code == 303 and on_smtp < 1, on_smtp  # the server's silence costs 0.8 s, after the response
    waiting = mail.pending(store.read())
    assert len(waiting) == 4 and sum(1 for d in waiting if "Geen antwoord" in (d["last_error"] or "")) == 3


def test_under_cgi_a_later_request_sends_what_an_earlier_one_left(app, client, store):
    with running(Inbox()) as server:
        queue_one(store, "a@voorbeeld.nl")
        app.config.update(config(server.port))
        client.get("/beheer/inloggen", buffered=True, environ_overrides={"wsgi.run_once": True})
    assert [m.rcpt_tos for m in server.messages] == [["a@voorbeeld.nl"]]


@pytest.fixture
def live_app(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_under_a_wsgi_server_the_visitor_gets_the_thank_you_page_before_the_mail_is_tried(app, store, live_app):
    from urllib.parse import urlencode

    with silent_server() as port:
        # Longer than the 1 s the answer may take: an answer that waited for the mail fails.
        app.config.update(config(port, MAIL_TIMEOUT=1.5, MAIL_COORDINATOR="coordinator@lindenhoven.example"))
        opener = urllib.request.build_opener(NoRedirect)
        started = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as answer:  # the 303 to the thank-you page
            opener.open(live_app + "/melding", data=urlencode(VALID, doseq=True).encode(), timeout=10)
        took = time.monotonic() - started
        assert answer.value.code == 303 and took < 1, took
        deadline = time.monotonic() + 10  # meanwhile the server's sender thread waits 1,5 s on the silence
        while time.monotonic() < deadline and not all(d["attempts"] for d in mail.pending(store.read())):
            time.sleep(0.1)
    assert all("Geen antwoord" in d["last_error"] for d in mail.pending(store.read()))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_links_in_mail_use_base_url_even_when_the_request_names_another_host(app, client):
    with running(Inbox()) as server:
        app.config.update(config(server.port, MAIL_COORDINATOR="coordinator@lindenhoven.example",
                                 BASE_URL="https://beheer.lindenhoven.example/"))
        client.post("/melding", data=VALID, headers={"Host": "evil.example"}, buffered=True)
        dispatch.wait_idle()
    [notification] = server.to("coordinator@lindenhoven.example")
    text = parsed(notification)[1]
    assert "https://beheer.lindenhoven.example/beheer/meldingen/1" in text and "evil.example" not in text


def test_without_base_url_links_use_the_sites_own_address(app, client):
    with running(Inbox()) as server:
        app.config.update(config(server.port, MAIL_COORDINATOR="coordinator@lindenhoven.example"))
        client.post("/melding", data=VALID, headers={"Host": "evil.example"}, buffered=True)
        dispatch.wait_idle()
    text = parsed(server.to("coordinator@lindenhoven.example")[0])[1]
    assert "https://www.buurtbemiddeling-lindenhoven.nl/beheer/meldingen/1" in text and "evil.example" not in text


def test_with_trusted_hosts_another_host_gets_400(tmp_path):
    from app import create_app

    app = create_app({"INSTANCE_PATH": tmp_path / "i", "TESTING": True, "SECRET_KEY": "t",
                      "TRUSTED_HOSTS": "beheer.lindenhoven.example, localhost"})
    assert app.config["TRUSTED_HOSTS"] == ["beheer.lindenhoven.example", "localhost"]
    client = app.test_client()
    assert client.get("/beheer/inloggen", headers={"Host": "evil.example"}).status_code == 400
    assert client.post("/melding", data=VALID, headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/beheer/inloggen", headers={"Host": "beheer.lindenhoven.example"}).status_code != 400


def _send_from_another_process(data_dir, port, start):
    from db import Store

    start.wait(10)  # all senders begin together
    mail.deliver_pending(Store(data_dir), config(port, MAIL_TIMEOUT=5))


def test_several_processes_sending_at_once_deliver_each_mail_exactly_once(app, store):
    import multiprocessing

    with store.transaction() as tx:
        mail.queue(tx, [mail.Mail(f"bewoner{i}@voorbeeld.nl", f"Bericht {i}", "Tekst") for i in range(30)])
    # Forked from one fresh process that imported this module once (not one fresh interpreter per
    # sender, 0.5 s of CPU each); never from this one, whose SMTP server runs in a thread.
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload([__name__])
    start = forkserver.Event()
    with running(Inbox()) as server:
        senders = [forkserver.Process(target=_send_from_another_process, args=(app.config["DATA_DIR"], server.port, start))
                   for _ in range(4)]
        for sender in senders:
            sender.start()
        start.set()
        for sender in senders:
            sender.join(60)
    received = sorted(parsed(m)[0]["Subject"] for m in server.messages)
    assert received == sorted(f"Bericht {i}" for i in range(30))  # every one, none twice
    assert mail.pending(store.read()) == []
