"""The public endpoints fuzzed with hypothesis: whatever is posted, the answer is never a
server error, and a post either stores one complete record or nothing at all."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from forms import FORMS
from tests.test_mail import VALID_APPLICATION
from tests.test_public_forms import VALID_REFERRAL
from tests.test_reports import VALID as VALID_REPORT

PATHS = {"report": "/melding", "referral": "/verwijzing", "application": "/aanmelden-vrijwilliger"}
VALID = {"report": VALID_REPORT, "referral": VALID_REFERRAL, "application": VALID_APPLICATION}
TABLES = {"report": "reports", "referral": "reports", "application": "applications"}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])

# Text that has broken web apps before: control characters, surrogates are impossible in
# a valid UTF-8 post, so lone bytes are sent raw below; long and odd unicode.
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=3000),
    st.sampled_from(["", " ", "\x00", "ja", "nee", "nl", "en", "../../etc/passwd", "%00", "=1+1", "0" * 300,
                     "<script>alert(1)</script>", "\u202e", "\ufeff", "2026-02-30", "06 12345678", "7412 AB"]),
)


# Strategies are made once, not per example: hypothesis validates a new strategy object each
# time it is drawn from, and that (the utf-8 alphabet above) was most of this module's time.
VALUES = st.one_of(texts, st.lists(texts, max_size=4))
POSTS = {name: st.dictionaries(st.sampled_from([f.name for f in FORMS[name].fields] + ["lang", "website", "csrf_token",
                                                                                       "x" * 60]),
                               VALUES, max_size=len(FORMS[name].fields) + 4)
         for name in PATHS}
CHANGED = st.one_of(texts, st.lists(texts, max_size=3))
FIELDS = {name: st.sampled_from(sorted(VALID[name])) for name in PATHS}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app({
        "INSTANCE_PATH": tmp_path_factory.mktemp("fuzz") / "instance", "TESTING": True, "SECRET_KEY": "test",
        "SESSION_COOKIE_SECURE": False, "RETENTION_AUTO_RUN": False, "FORM_RATE_LIMIT": 1_000_000,
        "MAIL_SERVER": "",
    })
    return app.test_client()


def records(client, table: str) -> list:
    return client.application.extensions["store"].read().table(table).all()


def check_answer(client, form_name: str, data) -> None:
    table = TABLES[form_name]
    before = len(records(client, table))
    response = client.post(PATHS[form_name], data=data)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    stored = records(client, table)[before:]
    assert len(stored) <= 1
    if response.status_code >= 400:
        assert not stored, "a refused post stored a record"
    for record in stored:
        form = FORMS[form_name]
        values = record["values"]
        missing = [f.name for f in form.fields if f.required and values.get(f.name) in (None, "", [])]
        assert not missing, f"stored a partial record without {missing}"
        assert record["status"] == "nieuw" and record["form"] == form_name


@pytest.mark.parametrize("form_name", sorted(PATHS))
@FUZZ
@given(data=st.data())
def test_any_post_to_a_public_form_answers_without_a_server_error(client, form_name, data):
    """Every field of the form, and some that are not, get arbitrary text or lists of it."""
    check_answer(client, form_name, data.draw(POSTS[form_name]))


@pytest.mark.parametrize("form_name", sorted(PATHS))
@FUZZ
@given(data=st.data())
def test_a_valid_post_with_one_field_changed_stores_all_or_nothing(client, form_name, data):
    """Close to a real post, so the storing path is reached as well as the refusals."""
    valid = VALID[form_name]
    field = data.draw(FIELDS[form_name])
    value = data.draw(CHANGED)
    check_answer(client, form_name, {**valid, field: value})


@FUZZ
@given(body=st.binary(max_size=4000), content_type=st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/json", "text/plain", ""]))
def test_a_raw_body_of_any_bytes_never_gives_a_server_error(client, body, content_type):
    for form_name, path in PATHS.items():
        before = len(records(client, TABLES[form_name]))
        response = client.post(path, data=body, headers={"Content-Type": content_type} if content_type else {})
        assert response.status_code < 500
        assert len(records(client, TABLES[form_name])) == before


@FUZZ
@given(name=st.text(max_size=60))
def test_the_form_start_token_route_never_fails(client, name):
    response = client.get(f"/formulier-start/{name}")
    assert response.status_code < 500


def test_a_post_over_the_size_limit_is_refused_without_storing(client):
    before = len(records(client, "reports"))
    response = client.post("/melding", data={**VALID_REPORT, "description": "x" * 200_000})
    assert response.status_code == 413
    assert len(records(client, "reports")) == before


def test_the_fuzzing_reached_the_storing_path(client):
    """Guard against a fuzz run that only ever hit refusals (it runs after the ones above)."""
    assert len(records(client, "reports")) > 5 and len(records(client, "applications")) > 2
