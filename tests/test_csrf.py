"""CSRF: an admin post counts only with its own session's token, from a page of this host
(buurtbemiddeling/csrf.py); refusals are a Dutch page. Posts without any token: tests/test_auth.py."""
import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from buurtbemiddeling.auth import users

from .conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN = {"email": "c@example.nl", "password": PASSWORD}


@pytest.fixture
def coordinator(store):
    users.create_user(store, LOGIN["email"], PASSWORD, "coordinator")


def token_of(client, **kwargs) -> str:
    return TOKEN.search(client.get("/beheer/inloggen", **kwargs).get_data(as_text=True)).group(1)


def test_a_token_from_another_session_is_refused_with_a_dutch_page(app, csrf_client, coordinator):
    other = app.test_client()
    response = csrf_client.post("/beheer/inloggen", data={**LOGIN, "csrf_token": token_of(other)})
    assert response.status_code == 400
    assert "Dit formulier is verlopen of kwam niet van deze site" in response.get_data(as_text=True)
    assert csrf_client.post("/beheer/inloggen", data={**LOGIN, "csrf_token": token_of(csrf_client)}).status_code == 302


def test_a_changed_token_is_refused(csrf_client, coordinator):
    signed, _, signature = token_of(csrf_client).rpartition(".")
    # The signature's first character (its last may only carry padding bits, which decode alike).
    changed = f"{signed}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert csrf_client.post("/beheer/inloggen", data={**LOGIN, "csrf_token": changed}).status_code == 400


def test_over_https_a_post_must_come_from_a_page_of_this_host(csrf_client, coordinator):
    https = {"base_url": "https://buurtbemiddeling.example"}
    token = token_of(csrf_client, **https)
    for referrer in (None, "https://elders.example/beheer/inloggen", "http://buurtbemiddeling.example/beheer/inloggen"):
        headers = {"Referer": referrer} if referrer else {}
        response = csrf_client.post("/beheer/inloggen", data={**LOGIN, "csrf_token": token}, headers=headers, **https)
        assert response.status_code == 400, referrer
    response = csrf_client.post("/beheer/inloggen", data={**LOGIN, "csrf_token": token}, **https,
                                headers={"Referer": "https://buurtbemiddeling.example/beheer/inloggen"})
    assert response.status_code == 302


def test_a_form_opened_before_flask_wtf_was_replaced_still_posts(app, csrf_client, coordinator):
    # Flask-WTF 1.x kept a random hex value in the session under "csrf_token" and signed it with
    # itsdangerous' URLSafeTimedSerializer, salt "wtf-csrf-token", the app's secret key.
    with csrf_client.session_transaction() as session:
        session["csrf_token"] = "0123456789abcdef" * 2
    flask_wtf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    assert flask_wtf.loads(token_of(csrf_client)) == "0123456789abcdef" * 2  # and pages hand out the same kind
    old_token = flask_wtf.dumps("0123456789abcdef" * 2)
    assert csrf_client.post("/beheer/inloggen", data={**LOGIN, "csrf_token": old_token}).status_code == 302


def test_the_public_forms_post_without_a_session_token(csrf_client):
    response = csrf_client.post("/melding", data={"lang": "nl"})
    assert response.status_code == 422 and "Fout" in response.get_data(as_text=True)  # the form's own checks
