"""One clock: the programme's date is Amsterdam's, stored moments carry their offset, and every
date and moment is shown one way (06-12-2026, 06-12-2026 10:16), numbers with a decimal comma."""
import datetime as dt
import re
import time

import pytest
from flask import render_template_string

from buurtbemiddeling.cases import repo as case_repo
from common import clock, numbers, templating
from db import Store


def test_the_programme_date_is_amsterdams_even_when_utc_is_still_yesterday():
    with clock.using("2026-12-05T23:30:00+00:00"):  # a UTC server's 23:30 is 00:30 in Amsterdam
        assert clock.today() == dt.date(2026, 12, 6)
        assert clock.stamp() == "2026-12-06T00:30:00+01:00"
    with clock.using("2026-07-01T22:30:00+00:00"):  # summer time: two hours ahead
        assert clock.today() == dt.date(2026, 7, 2)


def test_a_moment_is_stored_with_its_offset_and_read_back_the_same():
    with clock.using("2026-12-06T10:16:00+01:00"):
        stored = clock.stamp()
        assert stored == "2026-12-06T10:16:00+01:00"
        assert clock.parse(stored) == clock.now()
    # Stored before timestamps carried an offset: Amsterdam time.
    assert clock.parse("2026-12-06T10:16:00") == clock.parse("2026-12-06T09:16:00+00:00")
    assert clock.parse("gisteren") is None and clock.parse("") is None


def test_dates_and_moments_are_shown_one_way_in_amsterdam_time():
    assert clock.date_text("2026-12-06") == "06-12-2026"
    assert clock.date_text(dt.date(2026, 3, 5), weekday=True) == "donderdag 05-03-2026"
    assert clock.datetime_text("2026-12-06T09:16:00+00:00") == "06-12-2026 10:16"
    assert clock.datetime_text("2026-12-06T10:16:00+01:00") == "06-12-2026 10:16"
    assert clock.datetime_text("2026-12-06") == "06-12-2026"  # a bare date has no time to show
    assert clock.date_text("2026-12-05T23:30:00+00:00") == "06-12-2026"
    assert clock.date_text(None) == clock.datetime_text("") == ""


def test_hours_and_decimals_have_a_comma_and_no_trailing_zero():
    assert numbers.decimal_text(15.0) == "15"
    assert numbers.decimal_text(14.46) == "14,5"
    assert numbers.hours_text(90) == "1,5" and numbers.hours_text(0) == "0"
    assert numbers.hours_text(100) == "1,67"


def test_a_fixed_clock_moves_only_when_told_and_using_restores_the_real_one():
    fixed = clock.FixedClock("2026-03-28T12:00:00+01:00")
    with clock.using(fixed):
        fixed.advance(days=1)  # over the change to summer time
        assert clock.now().isoformat() == "2026-03-29T13:00:00+02:00"
    assert clock.current() is clock.SYSTEM


def test_any_jinja_environment_gets_the_filters():
    from jinja2 import Environment

    env = Environment()
    templating.register(env)
    text = env.from_string("{{ a|nl_date }} {{ a|nl_datetime }} {{ h|decimal }}").render(
        a="2026-12-06T09:16:00+00:00", h=15.0)
    assert text == "06-12-2026 06-12-2026 10:16 15"


def test_the_app_answers_with_the_clock_from_its_config(app, clock):
    with app.test_request_context():
        assert render_template_string("{{ now|nl_datetime }}", now=clock_now()) == "06-12-2026 10:16"
    clock.set("2026-12-05T23:30:00+00:00")
    with app.app_context():
        assert clock_now().date() == dt.date(2026, 12, 6)


def test_a_clock_set_in_the_config_after_create_app_answers_requests(app):
    app.config["CLOCK"] = "2026-01-31T08:00:00+01:00"
    with app.app_context():
        assert clock.today() == dt.date(2026, 1, 31)
    assert clock.current() is clock.SYSTEM  # the app context's clock ends with it


def clock_now():
    return clock.now()


@pytest.fixture
def utc_server(monkeypatch):
    """The process runs in UTC, as most web hosts do."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_cases_and_volunteers_agree_on_the_date_just_after_midnight_on_a_utc_server(
        client, store, as_user, clock, utc_server):
    clock.set("2026-12-05T23:30:00+00:00")  # 00:30 on Sunday 6 December in Amsterdam
    as_user.coordinator()
    case_id, _ = case_repo.create_case(store, {"parties": [{"name": "Ans Aarts"}, {"name": "Bob Bos"}]}, None)
    with store.transaction() as tx:
        volunteer_id = tx.table("volunteers").insert({"name": "Vera Visser", "step": "actief"})
    case_page = client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    volunteer_page = client.get(f"/beheer/vrijwilligers/{volunteer_id}").get_data(as_text=True)
    # The date a new contact gets unless the coordinator changes it: today, in both areas.
    assert re.search(r'name="date"[^>]*value="2026-12-06"|value="2026-12-06"[^>]*name="date"', case_page)
    assert re.search(r'name="on"[^>]*value="2026-12-06"|value="2026-12-06"[^>]*name="on"', volunteer_page)
    assert client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": "Partij A belde na middernacht."}).status_code == 303
    assert client.post(f"/beheer/vrijwilligers/{volunteer_id}/contact",
                       data={"on": "2026-12-06", "kind": "kaart", "note": "Kaartje"}).status_code in (302, 303)
    case_page = client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    volunteer_page = client.get(f"/beheer/vrijwilligers/{volunteer_id}").get_data(as_text=True)
    assert "06-12-2026 00:30" in case_page and "05-12-2026" not in case_page
    assert "06-12-2026" in volunteer_page and "05-12-2026" not in volunteer_page
    stored = store.read().table("case_events").all()[-1]["at"]
    assert stored == "2026-12-06T00:30:00+01:00"


def test_moments_stored_before_the_one_clock_get_their_offset_and_keep_their_meaning(tmp_path):
    store = Store(tmp_path / "data")
    with store.transaction() as tx:
        tx.table("reports").insert({"received_at": "2026-12-05T23:16:00+00:00", "values": {"name": "Ans"}})
        tx.table("cases").insert({"number": "2026-001", "reported_at": "2026-12-06T10:16:00", "closed_on": "2026-12-20"})
        tx.table("volunteers").insert({"name": "Vera", "history": [{"step": "actief", "at": "2026-07-01T09:00:00"}]})
    store.migrate()
    view = store.read()
    assert view.table("reports").all()[0]["received_at"] == "2026-12-06T00:16:00+01:00"  # the same moment
    assert dict(view.table("cases").all()[0]) == {"number": "2026-001", "reported_at": "2026-12-06T10:16:00+01:00",
                                                   "closed_on": "2026-12-20"}
    assert view.table("volunteers").all()[0]["history"] == [{"step": "actief", "at": "2026-07-01T09:00:00+02:00"}]
