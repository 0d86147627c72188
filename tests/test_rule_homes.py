"""One test per finding of issue 13 that is not in its own module: each failed on the old main.

Coaching requests, closed and solved, the public figures and a correction out of afgesloten."""
from __future__ import annotations

import datetime as dt

import pytest

from buurtbemiddeling.quality import debrief

from . import matching_data


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


def text(response):
    return response.get_data(as_text=True)


# -- open coaching requests ---------------------------------------------------------------

def test_a_debrief_asking_for_coaching_after_an_earlier_note_that_day_is_on_the_coaching_page(client, store, coordinator):
    case_id = matching_data.add_case(store, step="gekoppeld")
    vids = matching_data.add_volunteers(store, "Ayse", "Kees")
    with store.transaction() as tx:
        tx.table("cases").update({"duo": vids, "step": "gesprek-a"}, doc_ids=[case_id])
    today = dt.date.today().isoformat()
    note = client.post("/beheer/coaching/notitie", data={"case_id": case_id, "date": today, "kind": "telefonisch",
                                                          "content": "Kort gebeld over de planning."})
    assert note.status_code == 303
    answered = client.post(f"/beheer/zaken/{case_id}/nabespreking", data={
        "talk": "gesprek-a", "date": today, "went_well": "Goed gesprek.", "hard": "Partij A werd boos.",
        "coaching_needed": "ja"}, follow_redirects=True)
    assert "Zij staat op de coachinglijst" in text(answered)
    page = text(client.get("/beheer/coaching/"))
    assert 'Coaching gevraagd in een nabespreking <span class="count">1</span>' in page
    assert "Partij A werd boos." in page


def test_a_coaching_note_written_after_the_debrief_answers_the_request():
    debriefs = [{"case_id": 1, "date": "2026-03-02", "at": "2026-03-10T11:00:00+01:00", "coaching_needed": True}]
    assert debrief.coaching_asked(debriefs, [{"case_id": 1, "date": "2026-03-10", "at": "2026-03-10T09:00:00+01:00"}])
    assert not debrief.coaching_asked(debriefs, [{"case_id": 1, "date": "2026-03-10", "at": "2026-03-10T14:00:00+01:00"}])


def test_no_follow_ups_this_week_says_so_and_not_that_there_are_no_notes(client, store, coordinator):
    client.post("/beheer/coaching/notitie", data={"volunteer_id": matching_data.add_volunteers(store, "Els")[0],
                                                  "date": dt.date.today().isoformat(), "kind": "individueel",
                                                  "content": "Over haar eerste zaak."})
    page = text(client.get("/beheer/coaching/"))
    follow_ups = page.split('id="vervolg-titel"')[1].split("</section>")[0]
    assert "Nog geen coachingsnotities" not in follow_ups and "Geen vervolgacties" in follow_ups
    assert "Over haar eerste zaak." in page
