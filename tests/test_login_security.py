"""Login throttling, two-step login with a TOTP app, session timeouts and secure cookies."""
from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyotp
import pytest
from cryptography.fernet import Fernet

from buurtbemiddeling.auth import sessions, throttle, users

from .conftest import PASSWORD

EMAIL = "coordinator@lindenhoven.example"
PLAIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # as stored before encryption at rest


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


def test_thirty_parallel_wrong_passwords_check_no_more_than_the_limit(app, as_user, monkeypatch):
    as_user.coordinator()
    checked = []
    real_check = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda *a: checked.append(1) or real_check(*a))
    start = threading.Barrier(30)

    def guess(n: int) -> int:
        client = app.test_client()
        start.wait()
        return _login(client, password=f"fout fout fout {n}", address=f"10.1.0.{n}").status_code

    with ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(guess, range(30)))
    assert len(checked) == 5  # the limit per account
    assert sorted(codes) == [422] * 5 + [429] * 25


def test_a_correct_password_does_not_count_as_a_failure(client, as_user):
    as_user.coordinator()
    for _ in range(6):
        client.post("/beheer/uitloggen")
        assert _login(client).status_code == 302
    client.post("/beheer/uitloggen")
    for _ in range(4):
        _login(client, password="fout fout fout")
    assert _login(client).status_code == 302


# -- two-step login ---------------------------------------------------------------------------

def _enrol(client, store, user_id) -> str:
    client.post("/beheer/mijn-account/tweestaps/starten")
    page = client.get("/beheer/mijn-account/tweestaps").get_data(as_text=True)
    assert "<svg" in page and "QR-code" in page
    secret = re.sub(r"\s", "", re.search(r'<code class="secret">([^<]+)</code>', page).group(1))
    assert users.get_doc(store.read(), user_id)["totp_pending"] not in (None, secret)  # stored encrypted
    wrong = client.post("/beheer/mijn-account/tweestaps/bevestigen", data={"code": "000000"})
    assert wrong.status_code == 422 and not users.get_user(store, user_id).totp_enabled
    code = pyotp.TOTP(secret).now()
    shown = client.post("/beheer/mijn-account/tweestaps/bevestigen", data={"code": code})
    assert shown.status_code == 200 and "Uw herstelcodes" in shown.get_data(as_text=True)
    assert users.get_user(store, user_id).totp_enabled
    return secret


def recovery_codes(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", page)


def test_switching_two_step_login_on_shows_ten_recovery_codes_once_and_each_logs_in_once(app, client, as_user,
                                                                                        store):
    user = as_user.coordinator()
    client.post("/beheer/mijn-account/tweestaps/starten")
    page = client.get("/beheer/mijn-account/tweestaps").get_data(as_text=True)
    secret = re.sub(r"\s", "", re.search(r'<code class="secret">([^<]+)</code>', page).group(1))
    shown = client.post("/beheer/mijn-account/tweestaps/bevestigen", data={"code": pyotp.TOTP(secret).now()})
    codes = recovery_codes(shown.get_data(as_text=True))
    assert len(set(codes)) == 10 and shown.headers["Cache-Control"] == "no-store"
    assert all(_files_hold(app, code) == [] for code in codes)  # only hashes are kept
    client.post("/beheer/uitloggen")

    _login(client)
    done = client.post("/beheer/inloggen/code", data={"code": codes[0].upper()}, follow_redirects=True)
    assert "ingelogd met een herstelcode" in done.get_data(as_text=True) and "nog 9" in done.get_data(as_text=True)
    client.post("/beheer/uitloggen")
    _login(client)
    again = client.post("/beheer/inloggen/code", data={"code": codes[0]})
    assert again.status_code == 422  # spent

    done = client.post("/beheer/inloggen/code", data={"code": codes[1]})
    assert done.status_code == 302
    refused = client.post("/beheer/mijn-account/tweestaps/herstelcodes", data={"current_password": "fout"})
    assert refused.status_code == 422 and "niet vernieuwd" in refused.get_data(as_text=True)
    fresh = recovery_codes(client.post("/beheer/mijn-account/tweestaps/herstelcodes",
                                       data={"current_password": PASSWORD}).get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    client.post("/beheer/uitloggen")
    _login(client)
    assert client.post("/beheer/inloggen/code", data={"code": codes[2]}).status_code == 422  # old ones are void
    assert "herstelcode" in client.get("/beheer/inloggen/code").get_data(as_text=True)


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


def _files_hold(app, text: str) -> list[str]:
    """Every file of the instance folder that holds the text, the key files aside; a file with
    several names (a table and the link to its current version, db/store.py) counts once."""
    found = {}
    for path in sorted(Path(app.instance_path).rglob("*"), key=lambda p: p.name.startswith(".")):
        if path.is_file() and path.name not in ("totp_key", "secret_key") and text.encode() in path.read_bytes():
            found.setdefault(path.stat().st_ino, path.name)
    return sorted(found.values())


def _login_with_code(client, secret: str, at: float | None = None):
    client.post("/beheer/uitloggen")
    assert _login(client).status_code == 302
    return client.post("/beheer/inloggen/code", data={"code": pyotp.TOTP(secret).at(at or time.time())})


def test_the_data_files_and_backups_do_not_hold_the_two_step_secret_in_the_clear(app, client, as_user, store):
    user = as_user.coordinator()
    client.post("/beheer/mijn-account/tweestaps/starten")
    page = client.get("/beheer/mijn-account/tweestaps").get_data(as_text=True)
    pending = re.sub(r"\s", "", re.search(r'<code class="secret">([^<]+)</code>', page).group(1))
    assert _files_hold(app, pending) == []
    secret = _enrol(client, store, user.id)
    assert app.test_cli_runner().invoke(args=["backup"]).exit_code == 0
    assert _files_hold(app, secret) == [] and users.get_doc(store.read(), user.id)["totp_secret"]
    key = Path(app.config["TOTP_KEY_FILE"])
    assert key.parent == Path(app.instance_path) and key.stat().st_mode & 0o777 == 0o600
    assert _login_with_code(client, secret, time.time() + 30).status_code == 302


def test_a_secret_stored_in_the_clear_before_encryption_still_works_and_is_then_encrypted(app, client, as_user,
                                                                                          store):
    user = as_user.coordinator()
    users.update(store, user.id, totp_enabled=True, totp_secret=PLAIN_SECRET)
    assert _files_hold(app, PLAIN_SECRET) == ["users.json"]
    assert _login_with_code(client, PLAIN_SECRET).status_code == 302
    assert _files_hold(app, PLAIN_SECRET) == []
    assert _login_with_code(client, PLAIN_SECRET, time.time() + 30).status_code == 302


def test_encrypt_2fa_encrypts_every_secret_still_in_the_clear(app, client, as_user, store):
    user = as_user.coordinator()
    other = as_user.volunteer()
    users.update(store, user.id, totp_enabled=True, totp_secret=PLAIN_SECRET)
    users.update(store, other.id, totp_pending="KRUGKIDROVUWG2ZAMJZG653OEBTG66BA")
    result = app.test_cli_runner().invoke(args=["encrypt-2fa"])
    assert result.exit_code == 0 and "2 account" in result.output
    assert _files_hold(app, PLAIN_SECRET) == [] and _files_hold(app, "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA") == []
    assert "van 0 account" in app.test_cli_runner().invoke(args=["encrypt-2fa"]).output
    assert _login_with_code(client, PLAIN_SECRET).status_code == 302


@pytest.mark.parametrize("damage", ["wrong key", "damaged key", "missing key"])
def test_without_the_right_key_the_code_is_refused_and_the_log_says_why(app, client, as_user, store, caplog, damage):
    user = as_user.coordinator()
    secret = _enrol(client, store, user.id)
    key = Path(app.config["TOTP_KEY_FILE"])
    if damage == "missing key":
        key.unlink()
    else:
        key.write_text(Fernet.generate_key().decode() if damage == "wrong key" else "not a key")
    refused = _login_with_code(client, secret, time.time() + 30)
    assert refused.status_code == 422 and "De code klopt niet" in refused.get_data(as_text=True)
    assert client.get("/beheer/").status_code == 302
    assert any(r.levelname == "ERROR" and "2FA" in r.getMessage() for r in caplog.records)


def test_an_enrolment_that_cannot_be_decrypted_any_more_goes_back_to_my_account(app, client, as_user):
    as_user.coordinator()
    client.post("/beheer/mijn-account/tweestaps/starten")
    Path(app.config["TOTP_KEY_FILE"]).write_text(Fernet.generate_key().decode())
    response = client.get("/beheer/mijn-account/tweestaps")
    assert response.status_code == 302 and response.location.endswith("/beheer/mijn-account/")


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
