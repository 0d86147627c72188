"""Sessions end on the server: a cookie copied before logout, a password or role change, a
deactivation or "Overal uitloggen" opens nothing afterwards."""
from __future__ import annotations

from buurtbemiddeling.auth import users

from .conftest import PASSWORD
from .test_cases_views import add_report

NEW_PASSWORD = "een ander lang wachtwoord"


def _copy_of(app, client):
    """A second browser holding a copy of this client's session cookie (a stolen cookie)."""
    thief = app.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def _opens(client, path="/beheer/") -> bool:
    response = client.get(path)
    return response.status_code == 200


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, client, as_user, store):
    user = as_user.coordinator()
    response = client.post(f"/beheer/meldingen/{add_report(store)}/zaak", data={"wijk": "de-linden"})
    case_id = int(response.location.rsplit("/", 1)[-1])
    copy = _copy_of(app, client)
    assert _opens(copy, "/beheer/mijn-account/") and _opens(copy, f"/beheer/zaken/{case_id}")
    client.post("/beheer/uitloggen")
    for path in ("/beheer/", "/beheer/mijn-account/", f"/beheer/zaken/{case_id}"):
        response = copy.get(path)
        assert response.status_code == 302 and "/beheer/inloggen" in response.headers["Location"], path
    assert store.audit_entries(user=user.id)[0]["action"] == "logout"


def test_a_password_change_ends_every_other_session_and_this_one_carries_on(app, client, as_user, store):
    user = as_user.volunteer()
    copy = _copy_of(app, client)
    laptop = app.test_client()
    laptop.post("/beheer/inloggen", data={"email": user.email, "password": PASSWORD})
    assert _opens(laptop, "/beheer/mijn-account/")
    response = client.post("/beheer/mijn-account/wachtwoord", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert response.status_code == 302
    assert _opens(client, "/beheer/mijn-account/")
    assert not _opens(copy, "/beheer/mijn-account/")
    assert not _opens(laptop, "/beheer/mijn-account/")


def test_a_role_change_ends_every_session_of_the_account(app, client, as_user, store):
    user = as_user.volunteer()
    assert _opens(client, "/beheer/mijn-account/")
    users.set_role(store, user.id, "partner", by="1")
    assert not _opens(client, "/beheer/mijn-account/")
    assert store.audit_entries(record=f"user:{user.id}")[0]["action"] == "user.role"


def test_session_ending_fields_change_only_through_the_path_that_ends_sessions(store):
    user = users.create_user(store, "v@lindenhoven.example", PASSWORD, "volunteer")
    for field in ("role", "active", "password_hash"):
        try:
            users.update(store, user.id, **{field: None})
        except ValueError:
            continue
        raise AssertionError(f"{field} changed without ending sessions")


def test_a_deactivated_account_s_copied_cookie_opens_nothing(app, client, as_user, store):
    user = as_user.volunteer()
    copy = _copy_of(app, client)
    users.set_active(store, user.id, False)
    assert not _opens(copy, "/beheer/mijn-account/")


def test_overal_uitloggen_ends_every_session_of_the_account(app, client, as_user, store):
    user = as_user.coordinator()
    page = client.get("/beheer/mijn-account/").get_data(as_text=True)
    head, _, body = page.partition("</title>")
    assert "Overal uitloggen" not in head and body.count('<h2 id="overal">Overal uitloggen</h2>') == 1
    phone = app.test_client()
    phone.post("/beheer/inloggen", data={"email": user.email, "password": PASSWORD})
    copy = _copy_of(app, client)
    response = client.post("/beheer/mijn-account/overal-uitloggen", follow_redirects=True)
    assert "uitgelogd op alle apparaten" in response.get_data(as_text=True)
    for browser in (client, phone, copy):
        assert not _opens(browser, "/beheer/mijn-account/")
    assert store.audit_entries(user=user.id)[0]["action"] == "logout.everywhere"
    assert client.get("/beheer/mijn-account/overal-uitloggen").status_code == 405


def test_a_new_login_still_works_after_logging_out_everywhere(app, client, as_user, store):
    user = as_user.coordinator()
    client.post("/beheer/mijn-account/overal-uitloggen")
    assert client.post("/beheer/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert _opens(client, "/beheer/mijn-account/")


def test_an_account_keeps_a_bounded_number_of_open_sessions(store):
    user = users.create_user(store, "v@lindenhoven.example", PASSWORD, "volunteer")
    for _ in range(users.MAX_SESSIONS + 5):
        users.open_session(store, user.id)
    assert len(users.get_doc(store.read(), user.id)["sessions"]) == users.MAX_SESSIONS
