"""The coordinator's account management and the single-use links to set a password."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from buurtbemiddeling.auth import invitations, users

from .conftest import PASSWORD

NEW_PASSWORD = "een ander lang wachtwoord"


def _volunteer(store, name="Aisha de Vries", email="aisha@voorbeeld.nl", step="actief") -> int:
    with store.transaction() as tx:
        return tx.table("volunteers").insert({"name": name, "email": email, "step": step})


def _link(html: str) -> str:
    return re.search(r'id="link"[^>]*value="https://www\.buurtbemiddeling-lindenhoven\.nl(/beheer/uitnodiging/[^"]+)"', html).group(1)


def _log_out(client):
    client.post("/beheer/uitloggen")


def test_account_pages_are_for_the_coordinator(client, as_user):
    pages = ["/beheer/accounts/", "/beheer/accounts/nieuw"]
    actions = ["uitnodigen", "wachtwoord-herstellen", "deactiveren", "activeren", "tweestaps-uit"]
    for url in pages:
        assert client.get(url).status_code == 302
    as_user.volunteer()
    for url in pages:
        assert client.get(url).status_code == 403
    for action in actions:
        assert client.post(f"/beheer/accounts/1/{action}").status_code == 403
    as_user.coordinator()
    for action in actions:
        assert client.get(f"/beheer/accounts/1/{action}").status_code == 405
        assert client.post(f"/beheer/accounts/99/{action}").status_code == 404


def test_the_coordinator_makes_a_volunteer_account_and_the_volunteer_sets_a_password(client, as_user, store):
    volunteer_id = _volunteer(store)
    as_user.coordinator()
    form = client.get("/beheer/accounts/nieuw").get_data(as_text=True)
    assert "Aisha de Vries (aisha@voorbeeld.nl)" in form
    response = client.post("/beheer/accounts/nieuw", data={"role": "volunteer", "volunteer_id": str(volunteer_id), "name": "", "email": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Uitnodiging voor Aisha de Vries" in html and "72 uur" in html
    assert response.headers["Cache-Control"] == "no-store"
    link = _link(html)
    doc = users.find_by_email(store.read(), "aisha@voorbeeld.nl")
    assert doc["volunteer_id"] == volunteer_id and doc["password_hash"] is None
    assert "Uitgenodigd" in client.get("/beheer/accounts/").get_data(as_text=True)
    # The token is a key: only its hash is stored.
    assert link.rsplit("/", 1)[1] not in "".join(p.read_text() for p in (store.tables_dir).glob("*.json"))

    _log_out(client)
    page = client.get(link)
    assert "Welkom, Aisha de Vries" in page.get_data(as_text=True) and page.headers["Referrer-Policy"] == "no-referrer"
    mismatch = client.post(link, data={"password": NEW_PASSWORD, "password_repeat": "iets anders"})
    assert mismatch.status_code == 422 and "niet gelijk" in mismatch.get_data(as_text=True)
    done = client.post(link, data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert done.status_code == 302 and done.location.endswith("/beheer/inloggen")
    user = users.authenticate(store, "aisha@voorbeeld.nl", NEW_PASSWORD)
    assert user.role == "volunteer" and user.volunteer_id == volunteer_id

    again = client.get(link)
    assert again.status_code == 404 and "al gebruikt" in again.get_data(as_text=True)


def test_a_new_account_form_keeps_what_was_typed_and_says_what_is_wrong(client, as_user, store):
    _volunteer(store)
    as_user.coordinator()
    response = client.post("/beheer/accounts/nieuw", data={"role": "volunteer", "volunteer_id": "", "name": "Bas", "email": "bas@voorbeeld.nl"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kies bij welke vrijwilliger" in html and 'value="bas@voorbeeld.nl"' in html
    response = client.post("/beheer/accounts/nieuw", data={"role": "partner", "name": "Petra", "email": "coordinator@lindenhoven.example"})
    assert response.status_code == 422 and "bestaat al een account" in response.get_data(as_text=True)
    response = client.post("/beheer/accounts/nieuw", data={"role": "partner", "name": "", "email": "p@voorbeeld.nl"})
    assert response.status_code == 422 and "Vul de naam in" in response.get_data(as_text=True)


def test_an_invitation_link_expires(store):
    user = users.create_account(store, "p@voorbeeld.nl", "partner", "Petra")
    now = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    token = invitations.issue(store, user.id, "invite", max_age=timedelta(hours=72), now=now)
    assert invitations.find(store.read(), token, now=now + timedelta(hours=71)) is not None
    assert invitations.find(store.read(), token, now=now + timedelta(hours=72)) is None
    assert invitations.account_state(store.read(), users.get_doc(store.read(), user.id), now=now + timedelta(days=4)) == "expired"


def test_a_new_link_makes_the_older_one_useless(client, store):
    user = users.create_account(store, "p@voorbeeld.nl", "partner", "Petra")
    first = invitations.issue(store, user.id, "invite", max_age=timedelta(hours=1))
    second = invitations.issue(store, user.id, "invite", max_age=timedelta(hours=1))
    assert client.get(f"/beheer/uitnodiging/{first}").status_code == 404
    assert client.get(f"/beheer/uitnodiging/{second}").status_code == 200


def test_a_password_reset_stops_the_old_password_and_ends_open_sessions(app, client, as_user, store):
    volunteer = as_user.volunteer()
    coordinator_client = app.test_client()
    users.create_user(store, "co2@lindenhoven.example", PASSWORD, "coordinator", "Co")
    coordinator_client.post("/beheer/inloggen", data={"email": "co2@lindenhoven.example", "password": PASSWORD})
    response = coordinator_client.post(f"/beheer/accounts/{volunteer.id}/wachtwoord-herstellen")
    assert response.status_code == 200 and "Link voor een nieuw wachtwoord" in response.get_data(as_text=True)
    assert users.authenticate(store, volunteer.email, PASSWORD) is None
    assert client.get("/beheer/mijn-account/").status_code == 302  # the volunteer's open session has ended
    link = _link(response.get_data(as_text=True))
    assert "Kies een nieuw wachtwoord" in client.get(link).get_data(as_text=True)


def test_a_deactivated_account_is_logged_out_and_cannot_log_in(app, client, as_user, store):
    volunteer = as_user.volunteer()
    assert client.get("/beheer/mijn-account/").status_code == 200
    users.set_active(store, volunteer.id, False)
    assert client.get("/beheer/mijn-account/").status_code == 302
    response = client.post("/beheer/inloggen", data={"email": volunteer.email, "password": PASSWORD})
    assert response.status_code == 422 and "klopt niet" in response.get_data(as_text=True)
    coordinator = app.test_client()
    users.create_user(store, "co@lindenhoven.example", PASSWORD, "coordinator", "Co")
    coordinator.post("/beheer/inloggen", data={"email": "co@lindenhoven.example", "password": PASSWORD})
    assert "Gedeactiveerd" in coordinator.get("/beheer/accounts/").get_data(as_text=True)
    coordinator.post(f"/beheer/accounts/{volunteer.id}/activeren")
    assert client.post("/beheer/inloggen", data={"email": volunteer.email, "password": PASSWORD}).status_code == 302


def test_the_coordinator_cannot_lock_themselves_or_the_last_coordinator_out(client, as_user, store):
    me = as_user.coordinator()
    response = client.post(f"/beheer/accounts/{me.id}/deactiveren", follow_redirects=True)
    assert "niet deactiveren" in response.get_data(as_text=True)
    assert users.get_user(store, me.id).is_active
    other = users.create_user(store, "co2@lindenhoven.example", PASSWORD, "coordinator")
    users.set_active(store, other.id, False)
    try:
        users.set_active(store, me.id, False)
    except users.AccountError as exc:
        assert "laatste actieve coördinatoraccount" in str(exc)
    else:
        raise AssertionError("the last coordinator was deactivated")


def test_the_coordinator_can_switch_off_a_lost_second_step(client, as_user, store):
    volunteer = users.create_user(store, "v2@lindenhoven.example", PASSWORD, "volunteer", "Vera")
    users.update(store, volunteer.id, totp_enabled=True, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    as_user.coordinator()
    assert "Tweestaps uitzetten" in client.get("/beheer/accounts/").get_data(as_text=True)
    client.post(f"/beheer/accounts/{volunteer.id}/tweestaps-uit")
    assert not users.get_user(store, volunteer.id).totp_enabled


def test_role_required_lets_in_only_the_named_roles(app, client, as_user):
    from buurtbemiddeling.auth.guard import role_required

    @role_required("volunteer", "partner")
    def portal():
        return "portaal"

    app.add_url_rule("/beheer/test-portaal", "test_portal", portal)
    assert client.get("/beheer/test-portaal").status_code == 302
    as_user.volunteer()
    assert client.get("/beheer/test-portaal").get_data(as_text=True) == "portaal"
    as_user.coordinator()
    assert client.get("/beheer/test-portaal").status_code == 403


def test_everyone_can_change_their_own_password(client, as_user, store):
    user = as_user.volunteer()
    wrong = client.post("/beheer/mijn-account/wachtwoord", data={"current_password": "fout", "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert wrong.status_code == 422 and "huidige wachtwoord klopt niet" in wrong.get_data(as_text=True)
    short = client.post("/beheer/mijn-account/wachtwoord", data={"current_password": PASSWORD, "password": "kort", "password_repeat": "kort"})
    assert short.status_code == 422 and "minstens 12 tekens" in short.get_data(as_text=True)
    ok = client.post("/beheer/mijn-account/wachtwoord", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert ok.status_code == 302
    assert client.get("/beheer/mijn-account/").status_code == 200  # this session carries on
    assert users.authenticate(store, user.email, NEW_PASSWORD) is not None


def test_the_link_is_mailed_through_the_outbox_when_a_mail_server_is_set(app, client, as_user, store):
    from buurtbemiddeling import mail
    from buurtbemiddeling.messages import dispatch

    from .smtp_server import Inbox, parsed, running

    with running(Inbox()) as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        as_user.coordinator()
        response = client.post("/beheer/accounts/nieuw", data={"role": "partner", "name": "Petra Wonen", "email": "petra@woonstichting.example"},
                               buffered=True)  # read to its end: then the outbox sends, after the response
        dispatch.wait_idle()
    html = response.get_data(as_text=True)
    assert "De link gaat nu per e-mail naar" in html
    [envelope] = smtp.messages
    message, text = parsed(envelope)
    assert message["To"] == "petra@woonstichting.example" and message["Subject"] == "Uw account bij Buurtbemiddeling Lindenhoven"
    assert _link(html) in text and "72 uur geldig" in text
    assert mail.pending(store.read()) == []


def test_without_a_mail_server_the_coordinator_passes_the_link_on(client, as_user):
    as_user.coordinator()
    html = client.post("/beheer/accounts/nieuw", data={"role": "partner", "name": "Petra", "email": "p@voorbeeld.nl"}).get_data(as_text=True)
    assert "geen mailserver ingesteld" in html and "/beheer/uitnodiging/" in html


def test_a_volunteer_is_invited_to_the_portal_from_their_own_page(client, as_user, store):
    volunteer_id = _volunteer(store)
    as_user.coordinator()
    page = client.get(f"/beheer/vrijwilligers/{volunteer_id}").get_data(as_text=True)
    assert "Uitnodigen voor het portaal" in page and "Er gaat een link naar aisha@voorbeeld.nl" in page
    response = client.post(f"/beheer/accounts/vrijwilliger/{volunteer_id}/uitnodigen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Uitnodiging voor Aisha de Vries" in html
    doc = users.account_of_volunteer(store.read(), volunteer_id)
    assert doc["email"] == "aisha@voorbeeld.nl" and doc["role"] == "volunteer" and doc["password_hash"] is None
    assert any(e["action"] == "user.create" for e in store.audit_entries(record=f"user:{doc.doc_id}"))
    page = client.get(f"/beheer/vrijwilligers/{volunteer_id}").get_data(as_text=True)
    assert "Uitgenodigd" in page and "Opnieuw uitnodigen" in page and "Uitnodigen voor het portaal" not in page

    twice = client.post(f"/beheer/accounts/vrijwilliger/{volunteer_id}/uitnodigen", follow_redirects=True)
    assert "heeft al een account" in twice.get_data(as_text=True)
    assert len([u for u in store.read().table("users").all() if u.get("volunteer_id") == volunteer_id]) == 1

    _log_out(client)
    client.post(_link(html), data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert users.authenticate(store, "aisha@voorbeeld.nl", NEW_PASSWORD).volunteer_id == volunteer_id


def test_a_volunteer_without_an_email_or_who_stopped_is_not_invited(client, as_user, store):
    without = _volunteer(store, "Bas Bos", email="")
    stopped = _volunteer(store, "Cor Claassen", email="cor@voorbeeld.nl", step="gestopt")
    as_user.coordinator()
    assert "Vul eerst een e-mailadres in" in client.get(f"/beheer/vrijwilligers/{without}").get_data(as_text=True)
    response = client.post(f"/beheer/accounts/vrijwilliger/{without}/uitnodigen", follow_redirects=True)
    assert "Uitnodigen lukte niet: Vul een geldig e-mailadres in." in response.get_data(as_text=True)
    response = client.post(f"/beheer/accounts/vrijwilliger/{stopped}/uitnodigen", follow_redirects=True)
    assert "is gestopt" in response.get_data(as_text=True)
    assert users.account_of_volunteer(store.read(), without) is None
    assert users.account_of_volunteer(store.read(), stopped) is None
    assert client.post("/beheer/accounts/vrijwilliger/999/uitnodigen").status_code == 404
    as_user.volunteer()
    assert client.post(f"/beheer/accounts/vrijwilliger/{without}/uitnodigen").status_code == 403
