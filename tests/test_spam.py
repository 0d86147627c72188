"""Spam guards on the public forms: honeypot, minimum fill time, rate limit, counted refusals."""
import datetime
import re
import time

import pytest

from common import clock
from buurtbemiddeling import spam
from buurtbemiddeling.reports import intake

from .test_reports import VALID

SECRET = "test"


def reports_in(store):
    return store.read().table(intake.TABLE).all()


def token_for(client, form_name="report"):
    response = client.get(f"/formulier-start/{form_name}")
    return re.search(r'value="([^"]+)"', response.get_data(as_text=True)).group(1)


# -- the pure rules ---------------------------------------------------------

def test_a_token_carries_the_start_time_of_its_own_form_only():
    token = spam.issue_token(SECRET, "report", 1000.0)
    assert spam.token_started(SECRET, "report", token) == 1000
    assert spam.token_started(SECRET, "referral", token) is None
    assert spam.token_started("another key", "report", token) is None
    assert spam.token_started(SECRET, "report", token.replace("report:1000", "report:900")) is None
    assert spam.token_started(SECRET, "report", "") is None


def test_a_filled_honeypot_is_a_robot_whatever_else_the_post_says():
    token = spam.issue_token(SECRET, "report", 0)
    assert spam.post_verdict({"website": "http://x", "started": token}, "report", SECRET, 1000, 3) == spam.HONEYPOT


def test_a_post_sooner_than_the_minimum_after_the_page_loaded_is_too_fast():
    token = spam.issue_token(SECRET, "report", 1000)
    assert spam.post_verdict({"started": token}, "report", SECRET, 1001, 3) == spam.TOO_FAST
    assert spam.post_verdict({"started": token}, "report", SECRET, 1004, 3) is None


def test_a_post_without_a_token_or_with_a_bad_one_is_never_too_fast():
    # Without JavaScript there is no token: a person must still get through.
    assert spam.post_verdict({}, "report", SECRET, 1000, 3) is None
    assert spam.post_verdict({"started": "forged:1000.sig"}, "report", SECRET, 1000, 3) is None


def test_the_rate_limit_counts_posts_per_address_within_the_window_and_forgets_old_ones(store):
    key = spam.address_key(SECRET, "192.0.2.1")
    assert "192.0.2.1" not in key
    assert [spam.over_rate_limit(store, key, 100 + i, limit=3, window=60) for i in range(4)] == [False] * 3 + [True]
    other = spam.address_key(SECRET, "192.0.2.2")
    assert spam.over_rate_limit(store, other, 104, limit=3, window=60) is False
    assert spam.over_rate_limit(store, key, 200, limit=3, window=60) is False  # the window moved on
    assert list(store.counters.read(spam.RATE_TABLE)) == [key]  # the other address is forgotten


def test_refusals_are_counted_per_reason_and_day(store):
    day = datetime.date(2025, 6, 1)
    for reason in (spam.HONEYPOT, spam.HONEYPOT, spam.TOO_FAST):
        spam.count_rejected(store, "report", reason, day)
    spam.count_rejected(store, "report", spam.HONEYPOT, day - datetime.timedelta(days=40))
    assert spam.rejected_counts(store, since=day) == {"honeypot": 2, "too_fast": 1}
    assert spam.rejected_counts(store)["honeypot"] == 3


# -- through the app --------------------------------------------------------

def test_the_form_page_fetches_a_fresh_signed_token_that_no_cache_keeps(module_clients):
    client = module_clients.anonymous
    response = client.get("/formulier-start/report")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(r'<input type="hidden" name="started" value="report:\d+\.[\w-]+">', response.get_data(as_text=True))
    assert client.get("/formulier-start/bestaat-niet").status_code == 404


def test_a_robot_filling_the_honeypot_sees_thanks_but_nothing_is_stored_and_it_is_counted(client, store):
    response = client.post("/melding", data={**VALID, "website": "https://spam.example"})
    assert response.status_code == 303 and response.location == "/melding/bedankt/"
    assert reports_in(store) == []
    assert spam.rejected_counts(store) == {"honeypot": 1}
    assert store.read().table("outbox").all() == []


def test_a_form_sent_too_fast_comes_back_with_every_value_and_goes_through_the_second_time(client, store, monkeypatch):
    token = token_for(client)
    response = client.post("/melding", data={**VALID, "started": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "heel snel werd ingevuld" in html
    assert 'value="Anna de Vries"' in html and f'value="{token}"' in html  # same start time kept
    assert reports_in(store) == [] and spam.rejected_counts(store) == {"too_fast": 1}
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.post("/melding", data={**VALID, "started": token}).status_code == 303
    assert len(reports_in(store)) == 1


def test_a_form_with_errors_keeps_its_token_so_correcting_it_is_not_too_fast(client, monkeypatch):
    token = token_for(client)
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/melding", data={**VALID, "postcode": "x", "started": token}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and f'name="started" value="{token}"' in response.get_data(as_text=True)


def test_with_htmx_a_form_sent_too_fast_is_swapped_in_place(client):
    response = client.post("/melding", data={**VALID, "started": token_for(client)}, headers={"HX-Request": "true"})
    title, form = response.get_data(as_text=True).split("\n", 1)
    assert response.status_code == 422 and title.startswith("<title>Fout: ")  # the page's title says so
    assert form.startswith("<form") and "heel snel" in form


def test_after_too_many_posts_from_one_address_the_form_comes_back_with_values_and_a_phone_number(app, client, store):
    app.config["FORM_RATE_LIMIT"] = 2
    for _ in range(2):
        assert client.post("/melding", data=VALID).status_code == 303
    response = client.post("/melding", data={**VALID, "lang": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and "try again in an hour" in html and "012 345 6789" in html
    assert 'value="Anna de Vries"' in html
    assert len(reports_in(store)) == 2 and spam.rejected_counts(store) == {"rate_limit": 1}


def test_posts_with_errors_do_not_count_towards_the_rate_limit(app, client):
    app.config["FORM_RATE_LIMIT"] = 1
    for _ in range(3):
        assert client.post("/melding", data={**VALID, "postcode": "x"}).status_code == 422
    assert client.post("/melding", data=VALID).status_code == 303


def test_a_post_over_the_size_limit_is_refused_with_a_clear_message(app, client, store):
    response = client.post("/melding", data={**VALID, "description": "x" * 70_000})
    assert response.status_code == 413 and "te groot" in response.get_data(as_text=True)
    assert reports_in(store) == []


@pytest.mark.parametrize("path", ["/melding", "/verwijzing", "/aanmelden-vrijwilliger"])
def test_the_public_form_posts_are_post_only(module_clients, path):
    assert module_clients.anonymous.get(path).status_code == 405


def test_the_regular_send_mail_run_forgets_address_hashes_older_than_the_window(app, store):
    spam.over_rate_limit(store, "old", time.time() - 7200, limit=5, window=3600)
    spam.over_rate_limit(store, "new", time.time(), limit=5, window=3600)
    app.config["MAIL_SERVER"] = "127.0.0.1"  # nothing queued, so nothing is sent
    app.test_cli_runner().invoke(args=["send-mail"])
    assert list(store.counters.read(spam.RATE_TABLE)) == ["new"]


def test_a_post_over_the_size_limit_is_counted_as_too_large(client, store):
    client.post("/verwijzing", data={**VALID, "description": "x" * 70_000})
    assert spam.rejected_counts(store) == {"too_large": 1}


# -- what the coordinator sees ----------------------------------------------

def test_the_summary_covers_the_last_30_days_most_frequent_reason_first(store):
    today = datetime.date(2025, 6, 30)
    for _ in range(2):
        spam.count_rejected(store, "report", spam.TOO_FAST, today)
    spam.count_rejected(store, "application", spam.HONEYPOT, today - datetime.timedelta(days=29))
    spam.count_rejected(store, "report", spam.RATE_LIMIT, today - datetime.timedelta(days=30))
    assert spam.rejected_summary(store, today) == {"days": 30, "total": 3, "reasons": [
        {"label": "te snel ingevuld", "count": 2}, {"label": "verborgen veld ingevuld", "count": 1}]}
    assert spam.rejected_summary(store, today + datetime.timedelta(days=30)) is None


def test_the_inbox_tells_the_coordinator_how_many_posts_were_refused_and_why(client, store, as_user):
    for _ in range(2):
        client.post("/melding", data={**VALID, "website": "https://spam.example"})
    client.post("/melding", data={**VALID, "started": token_for(client)})
    as_user.coordinator()
    html = " ".join(client.get("/beheer/meldingen/").get_data(as_text=True).split())
    assert ("Tegengehouden door de spamcontrole de afgelopen 30 dagen: 3 formulierberichten "
            "(2 verborgen veld ingevuld, 1 te snel ingevuld)") in html
    assert "spam.example" not in html and "Anna de Vries" not in html  # nothing of the posts themselves


def test_without_refused_posts_the_inbox_says_nothing_about_spam(client, store, as_user):
    spam.count_rejected(store, "report", spam.HONEYPOT, clock.today() - datetime.timedelta(days=31))
    as_user.coordinator()
    response = client.get("/beheer/meldingen/")
    assert response.status_code == 200 and "spam" not in response.get_data(as_text=True).lower()


# -- behind a reverse proxy ---------------------------------------------------

@pytest.fixture
def proxied_app(tmp_path):
    from app import create_app
    return create_app({"INSTANCE_PATH": tmp_path / "proxied", "TESTING": True, "SECRET_KEY": "test",
                       "SESSION_COOKIE_SECURE": False, "RETENTION_AUTO_RUN": False,
                       "FORM_RATE_LIMIT": 1, "PROXY_FIX_X_FOR": 1})


def from_address(client, address):
    return client.post("/melding", data=VALID, headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"})


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_rate_limit(proxied_app):
    client = proxied_app.test_client()
    assert from_address(client, "198.51.100.1").status_code == 303
    assert from_address(client, "198.51.100.2").status_code == 303
    assert from_address(client, "198.51.100.1").status_code == 429
    # The coordinator's mail links to the configured address over https, whatever the request said.
    bodies = [m["body"] for m in proxied_app.extensions["store"].read().table("outbox").all()]
    assert any("https://www.buurtbemiddeling-lindenhoven.nl/beheer/meldingen/" in body for body in bodies)


def test_without_the_proxy_setting_a_forwarded_address_is_ignored(app, client):
    app.config["FORM_RATE_LIMIT"] = 1
    assert from_address(client, "198.51.100.1").status_code == 303
    assert from_address(client, "198.51.100.2").status_code == 429


def test_counts_kept_in_the_data_tables_before_the_upgrade_are_carried_over(tmp_path):
    from db import Store

    old = Store(tmp_path / "data")
    with old.transaction() as tx:
        tx.table("_meta").insert({"schema": 2})
        tx.table(spam.COUNT_TABLE).insert({"day": "2026-11-30", "form": "report", "reason": "honeypot", "count": 4})
        tx.table(spam.RATE_TABLE).insert({"key": "abc", "times": [1.0]})
    upgraded = Store(tmp_path / "data")
    assert 3 in upgraded.migrate()  # later migrations may follow
    assert spam.rejected_counts(upgraded) == {"honeypot": 4}
    assert upgraded.read().table(spam.COUNT_TABLE).all() == []
    assert upgraded.read().table(spam.RATE_TABLE).all() == []


@pytest.mark.timeout(300)
def test_a_flood_of_spam_is_counted_while_another_process_holds_the_data_lock(store):
    """Refused posts are counters, not tables (db/counters.py): a flood never queues behind real
    writes, nor they behind it. How fast real writes are during a flood is `make bench`'s to measure."""
    import subprocess
    import sys
    from pathlib import Path

    robot = str(Path(__file__).with_name("spam_flood.py"))
    with store.transaction():  # the data lock, held for the whole flood
        floods = [subprocess.run([sys.executable, robot, str(store.data_dir), "500"], capture_output=True,
                                 text=True, timeout=240) for _ in range(2)]
    assert [flood.stdout.split() for flood in floods] == [["started", "done"]] * 2
    assert spam.rejected_counts(store) == {"honeypot": 500, "rate_limit": 500}


def test_a_refused_post_is_answered_from_the_site_already_loaded(app, client, monkeypatch):
    # Loading the public site's pages cost 0.45 s of CPU; done twice for every post over the rate
    # limit, a flood of them starved the real writes of the same server.
    import sitebuilder

    app.config["FORM_RATE_LIMIT"] = 0
    assert client.post("/melding", data=VALID).status_code == 429  # loads what the answer needs
    loads = []

    class Counted(sitebuilder.Site):
        def __init__(self, *args, **kwargs):
            loads.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(sitebuilder, "Site", Counted)
    for _ in range(3):
        response = client.post("/melding", data=VALID)
        assert response.status_code == 429 and "Anna de Vries" in response.get_data(as_text=True)
    assert loads == []
