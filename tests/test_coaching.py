"""Coaching notes and the check-in list of quiet duos."""
from __future__ import annotations

import datetime as dt

import pytest
from tinydb.table import Document

from buurtbemiddeling.cases import repo as case_repo
from buurtbemiddeling.coaching import notes
from common import clock

from .matching_data import add_case, add_volunteers
from .conftest import stored_once

TODAY = dt.date(2026, 3, 20)


def case(doc_id, step="gesprek-a", duo=(1, 2), changed="2026-03-01"):
    return Document({"number": f"2026-{doc_id:03}", "step": step, "duo": list(duo), "step_changed_at": f"{changed}T10:00:00"},
                    doc_id=doc_id)


def test_a_note_needs_a_volunteer_or_a_case_a_kind_and_content():
    _, errors = notes.check_note({"date": "2026-03-20"}, today=TODAY, volunteer_ids=[1], case_ids=[5])
    assert set(errors) == {"volunteer_id", "kind", "content"}
    note, errors = notes.check_note({"volunteer_id": "1", "date": "19-03-2026", "kind": "intervisie",
                                     "content": "Over neutraliteit.", "follow_up": "Boek lenen",
                                     "follow_up_date": "2026-04-01"}, today=TODAY, volunteer_ids=[1], case_ids=[5])
    assert errors == {}
    assert (note["date"], note["follow_up_date"], note["case_id"]) == ("2026-03-19", "2026-04-01", None)


def test_a_follow_up_without_a_date_is_refused_and_a_note_in_the_future_too():
    _, errors = notes.check_note({"case_id": "5", "kind": "telefonisch", "content": "x", "follow_up": "Bellen",
                                  "date": "2026-04-01"}, today=TODAY, volunteer_ids=[], case_ids=[5])
    assert errors == {"follow_up_date": "Kies wanneer de vervolgactie moet gebeuren.",
                      "date": "De datum ligt in de toekomst."}


def test_a_duo_that_has_not_reported_for_ten_days_is_on_the_check_in_list():
    quiet = notes.quiet_cases([case(1)], [], [], [], today=TODAY)
    assert [(q.case.doc_id, q.days, q.source) for q in quiet] == [(1, 19, "laatste stap")]


def test_a_contact_with_the_duo_a_debrief_or_a_coaching_note_counts_as_reporting():
    events = [{"case_id": 1, "kind": "contact", "with": "bemiddelaars", "date": "2026-03-15", "at": "2026-03-15T10:00:00"}]
    assert notes.quiet_cases([case(1)], events, [], [], today=TODAY) == []
    assert notes.quiet_cases([case(1)], [], [{"case_id": 1, "date": "2026-03-12"}], [], today=TODAY) == []
    assert notes.quiet_cases([case(1)], [], [], [{"case_id": 1, "date": "2026-03-11"}], today=TODAY) == []
    contact_with_party = [{"case_id": 1, "kind": "contact", "with": "partij-a", "date": "2026-03-19", "at": "2026-03-19T10:00"}]
    assert len(notes.quiet_cases([case(1)], contact_with_party, [], [], today=TODAY)) == 1


def test_the_number_of_days_is_configurable_and_the_longest_silence_comes_first():
    cases = [case(1, changed="2026-03-15"), case(2, changed="2026-03-01")]
    assert [q.case.doc_id for q in notes.quiet_cases(cases, [], [], [], today=TODAY, days=5)] == [2, 1]
    assert [q.case.doc_id for q in notes.quiet_cases(cases, [], [], [], today=TODAY, days=10)] == [2]


def test_cases_without_a_working_duo_are_not_checked_in_on():
    cases = [case(1, step="intake"), case(2, duo=(1,)), case(3, step="nazorg"), case(4, step="afgesloten")]
    assert notes.quiet_cases(cases, [], [], [], today=TODAY) == []


def test_the_same_case_with_the_same_reports_gives_the_same_row_and_a_change_or_the_next_day_a_new_one():
    """quiet_among keeps its row per case (so Vandaag's coaching panel keeps its HTML while the list
    is the same); a changed case, another report or another day is worked out again."""
    first, second = case(1), case(2)
    heard = [{2: ("2026-03-02", "nabespreking")}]
    rows = notes.quiet_among([first, second], heard, today=TODAY)
    again = notes.quiet_among([first, second], [dict(heard[0])], today=TODAY)
    assert [(q.case.doc_id, q.days, q.source) for q in rows] == [(1, 19, "laatste stap"), (2, 18, "nabespreking")]
    assert all(a is b for a, b in zip(rows, again))
    moved = case(1, changed="2026-03-05")  # another worker's step: a new document
    rows = notes.quiet_among([moved, second], [{2: ("2026-03-06", "coachingsnotitie")}], today=TODAY)
    assert [(q.case.doc_id, q.days, q.source) for q in rows] == [(1, 15, "laatste stap"), (2, 14, "coachingsnotitie")]
    rows = notes.quiet_among([moved, second], [{2: ("2026-03-06", "coachingsnotitie")}], today=TODAY + dt.timedelta(days=1))
    assert [q.days for q in rows] == [16, 15]


def test_follow_ups_due_this_week_or_overdue_are_listed_and_done_ones_not():
    docs = [Document({"follow_up": "Bellen", "follow_up_date": "2026-03-10"}, doc_id=1),
            Document({"follow_up": "Mailen", "follow_up_date": "2026-03-25"}, doc_id=2),
            Document({"follow_up": "Later", "follow_up_date": "2026-05-01"}, doc_id=3),
            Document({"follow_up": "Klaar", "follow_up_date": "2026-03-01", "follow_up_done": True}, doc_id=4)]
    assert [n.doc_id for n in notes.follow_ups_due(docs, today=TODAY)] == [1, 2]


# -- the pages ------------------------------------------------------------------------------

def store_a_quiet_case(store) -> dict:
    els, kees = add_volunteers(store, "Els", "Kees")
    case_id = add_case(store, step="gesprek-a", duo=[els, kees])
    with store.transaction() as tx:
        tx.table("cases").update({"step_changed_at": "2020-01-01T10:00:00"}, doc_ids=[case_id])
    return {"case": case_id, "els": els, "kees": kees}


@pytest.fixture
def quiet_case(store):
    return store_a_quiet_case(store)


shared_quiet_case = stored_once(store_a_quiet_case)  # for the tests that only read (`module_app`)


def test_a_quiet_duo_is_on_vandaag_and_one_click_logs_the_check_in(client, as_user, store, quiet_case):
    as_user.coordinator()
    today_page = client.get("/beheer/").get_data(as_text=True)
    assert "Voortgang navragen" in today_page and "Els en Kees" in today_page
    response = client.post(f"/beheer/coaching/checkin/{quiet_case['case']}", data={"next": "/beheer/"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/beheer/")
    last = case_repo.timeline(store.read(), quiet_case["case"])[-1]
    assert (last["kind"], last["with"]) == ("contact", "bemiddelaars")
    assert "Alle duo’s hebben recent van zich laten horen." in client.get("/beheer/coaching/").get_data(as_text=True)


def test_a_coaching_note_about_a_volunteer_is_saved_and_a_bad_one_keeps_what_was_typed(client, as_user, store, quiet_case):
    as_user.coordinator()
    response = client.post("/beheer/coaching/notitie", data={"volunteer_id": quiet_case["els"], "kind": "intervisie",
                                                             "content": "Over neutraliteit", "date": ""})
    assert response.status_code == 303
    assert notes.notes_for(store.read(), volunteer_id=quiet_case["els"])[0]["content"] == "Over neutraliteit"
    response = client.post("/beheer/coaching/notitie", data={"case_id": quiet_case["case"], "content": "Mijn tekst"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Kies het soort contact" in page and "Mijn tekst" in page


def test_a_follow_up_is_ticked_off(client, as_user, store, quiet_case):
    as_user.coordinator()
    note_id = notes.add_note(store, {"volunteer_id": quiet_case["els"], "case_id": None, "date": "2026-01-01",
                                     "kind": "telefonisch", "content": "x", "follow_up": "Bellen",
                                     "follow_up_date": "2026-01-02", "follow_up_done": False}, by="C", at=clock.now())
    assert client.post(f"/beheer/coaching/notitie/{note_id}/afgerond").status_code == 303
    assert store.read().table(notes.NOTES).get(doc_id=note_id)["follow_up_done"] is True
    assert client.post("/beheer/coaching/notitie/999/afgerond").status_code == 404


def test_the_next_address_never_leads_outside_the_admin(client, as_user, quiet_case):
    as_user.coordinator()
    response = client.post(f"/beheer/coaching/checkin/{quiet_case['case']}", data={"next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/beheer/coaching/")


@pytest.mark.parametrize("method, url", [
    ("get", "/beheer/coaching/"), ("post", "/beheer/coaching/notitie"), ("post", "/beheer/coaching/checkin/{case}"),
    ("post", "/beheer/coaching/notitie/1/afgerond"),
])
def test_only_the_coordinator_may_use_coaching(module_clients, shared_quiet_case, method, url):
    module_clients.only_the_coordinator_may(method, url.format(case=shared_quiet_case["case"]))


def test_check_ins_and_notes_are_post_only(module_clients, shared_quiet_case):
    assert module_clients.coordinator.get(f"/beheer/coaching/checkin/{shared_quiet_case['case']}").status_code == 405
    assert module_clients.coordinator.get("/beheer/coaching/notitie").status_code == 405
