"""Login throttling, two-step login with a TOTP app, session timeouts and secure cookies."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pyotp

from buurtbemiddeling.auth import sessions, throttle, users

from .conftest import PASSWORD

EMAIL = "coordinator@lindenhoven.example"


def _login(client, email=EMAIL, password=PASSWORD, address="10.0.0.1"):
    return client.post("/beheer/inloggen", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


# -- throttling -------------------------------------------------------------------------------

def test_a_key_is_locked_from_the_limit_until_the_oldest_failure_leaves_the_window():
    now = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    window = timedelta(minutes=15)
    failures = [now - timedelta(minutes=m) for m in (14, 10, 5)]
    assert throttle.locked_until(failures[:2], 3, window, now) is None
    assert throttle.locked_until(failures, 3, window, now) == now + timedelta(minutes=1)
    assert throttle.locked_until(failures, 3, window, now + timedelta(minutes=1)) is None


def test_five_wrong_passwords_lock_the_account_with_a_clear_dutch_message(client, as_user):
    as_user.coordinator()
    client.post("/beheer/uitloggen")
    for _ in range(5):
        assert _login(client, password="fout fout fout").status_code == 422
    locked = _login(client)  # even the right password waits now
    html = locked.get_data(as_text=True)
    assert locked.status_code == 429
    assert "te vaak een verkeerd wachtwoord" in html and "over 15 minuten opnieuw" in html
    # Someone else on the same network is not locked out.
    users.create_user(as_user.app.extensions["store"], "vera@lindenhoven.example", PASSWORD, "volunteer")
    assert _login(client, "vera@lindenhoven.example").status_code == 302


def test_an_unknown_address_is_locked_the_same_way_so_the_lock_tells_nothing(client, as_user):
    as_user.coordinator()
    client.post("/beheer/uitloggen")
    for _ in range(5):
        _login(client, "niemand@lindenhoven.example", "fout fout fout")
    assert _login(client, "niemand@lindenhoven.example", "fout fout fout").status_code == 429


def test_many_failures_from_one_address_lock_that_address(app, client, as_user):
    as_user.coordinator()
    client.post("/beheer/uitloggen")
    for n in range(20):
        _login(client, f"poging{n}@voorbeeld.nl", "fout fout fout", address="192.0.2.7")
    blocked = _login(client, address="192.0.2.7")
    assert blocked.status_code == 429 and "vanaf dit netwerkadres" in blocked.get_data(as_text=True)
    assert _login(client, address="192.0.2.8").status_code == 302


def test_a_successful_login_clears_the_failures_of_the_account(client, as_user, store):
    as_user.coordinator()
    client.post("/beheer/uitloggen")
    for _ in range(4):
        _login(client, password="fout fout fout")
    assert _login(client).status_code == 302
    client.post("/beheer/uitloggen")
    for _ in range(4):
        _login(client, password="fout fout fout")
    assert _login(client).status_code == 302


def test_throttling_can_be_switched_off(app, client, as_user):
    app.config["LOGIN_THROTTLE_ENABLED"] = False
    as_user.coordinator()
    client.post("/beheer/uitloggen")
    for _ in range(8):
        _login(client, password="fout fout fout")
    assert _login(client).status_code == 302


# -- two-step login ---------------------------------------------------------------------------

def _enrol(client, store, user_id) -> str:
    client.post("/beheer/mijn-account/tweestaps/starten")
    page = client.get("/beheer/mijn-account/tweestaps").get_data(as_text=True)
    assert "<svg" in page and "QR-code" in page
    secret = users.get_doc(store.read(), user_id)["totp_pending"]
    assert re.sub(r"\s", "", re.search(r'<code class="secret">([^<]+)</code>', page).group(1)) == secret
    wrong = client.post("/beheer/mijn-account/tweestaps/bevestigen", data={"code": "000000"})
    assert wrong.status_code == 422 and not users.get_user(store, user_id).totp_enabled
    code = pyotp.TOTP(secret).now()
    assert client.post("/beheer/mijn-account/tweestaps/bevestigen", data={"code": code}).status_code == 302
    assert users.get_user(store, user_id).totp_enabled
    return secret


def test_two_step_login_asks_for_a_code_from_the_app_after_the_password(client, as_user, store):
    user = as_user.coordinator()
    secret = _enrol(client, store, user.id)
    client.post("/beheer/uitloggen")

    response = _login(client)
    assert response.status_code == 302 and "/beheer/inloggen/code" in response.location
    assert client.get("/beheer/").status_code == 302  # not logged in yet
    wrong = client.post("/beheer/inloggen/code", data={"code": "123456"})
    assert wrong.status_code == 422 and "De code klopt niet" in wrong.get_data(as_text=True)
    # The step after the one used at enrolment: codes are single use.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    done = client.post("/beheer/inloggen/code", data={"code": code})
    assert done.status_code == 302 and done.location == "/beheer/"
    assert client.get("/beheer/mijn-account/").status_code == 200

    client.post("/beheer/uitloggen")
    _login(client)
    replay = client.post("/beheer/inloggen/code", data={"code": code})
    assert replay.status_code == 422


def test_the_code_page_without_a_correct_password_sends_back_to_login(client, as_user):
    as_user.coordinator()
    client.post("/beheer/uitloggen")
    response = client.get("/beheer/inloggen/code")
    assert response.status_code == 302 and response.location.endswith("/beheer/inloggen")


def test_wrong_codes_count_towards_the_lock(client, as_user, store):
    user = as_user.coordinator()
    _enrol(client, store, user.id)
    client.post("/beheer/uitloggen")
    _login(client)
    for _ in range(5):
        client.post("/beheer/inloggen/code", data={"code": "000000"})
    assert client.post("/beheer/inloggen/code", data={"code": "000000"}).status_code == 429


def test_two_step_login_is_switched_off_only_with_the_password(client, as_user, store):
    user = as_user.coordinator()
    _enrol(client, store, user.id)
    wrong = client.post("/beheer/mijn-account/tweestaps/uitzetten", data={"current_password": "fout"})
    assert wrong.status_code == 422 and users.get_user(store, user.id).totp_enabled
    client.post("/beheer/mijn-account/tweestaps/uitzetten", data={"current_password": PASSWORD})
    assert not users.get_user(store, user.id).totp_enabled


def test_vandaag_recommends_two_step_login_to_coordinators_without_it(client, as_user, store):
    from buurtbemiddeling.auth.dashboard import twofactor_panel

    user = as_user.coordinator()
    assert [d["email"] for d in twofactor_panel(store.read())["without_twofactor"]] == [EMAIL]
    _enrol(client, store, user.id)
    assert twofactor_panel(store.read())["without_twofactor"] == []


# -- sessions and cookies ---------------------------------------------------------------------

def test_a_session_ends_after_idle_time_and_at_its_absolute_limit():
    assert sessions.expiry_reason(0, 100, 200, idle=3600, absolute=28800) is None
    assert sessions.expiry_reason(0, 100, 3700, idle=3600, absolute=28800) == "idle"
    assert sessions.expiry_reason(0, 28000, 28800, idle=3600, absolute=28800) == "absolute"


def test_an_idle_session_is_logged_out_with_a_message_and_comes_back_to_the_same_page(client, as_user):
    as_user.coordinator()
    with client.session_transaction() as session:
        session["seen_at"] -= 2 * 3600
    response = client.get("/beheer/protocollen/")
    assert response.status_code == 302 and "next=/beheer/protocollen/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "automatisch uitgelogd omdat u een tijd niets heeft gedaan" in page
    assert client.get("/beheer/").status_code == 302


def test_a_session_past_its_absolute_limit_is_logged_out_even_when_busy(client, as_user):
    as_user.coordinator()
    with client.session_transaction() as session:
        session["login_at"] -= 9 * 3600
    response = client.get("/beheer/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and "/beheer/inloggen" in response.headers["HX-Redirect"]


def test_under_https_the_browser_is_told_to_stay_on_https(client):
    response = client.get("/beheer/inloggen", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/beheer/inloggen").headers


def test_the_session_cookie_is_marked_secure_by_default(tmp_path):
    from app import create_app

    app = create_app({"INSTANCE_PATH": tmp_path / "i", "SECRET_KEY": "x"})
    users.create_user(app.extensions["store"], EMAIL, PASSWORD, "coordinator")
    # The login form puts a CSRF token in the session, so the answer sets the cookie.
    cookie = app.test_client().get("/beheer/inloggen", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
