"""Debriefs, nazorg and signals about volunteers: the rules behind the quality forms."""
from __future__ import annotations

import datetime as dt

from werkzeug.datastructures import MultiDict

from buurtbemiddeling.quality import debrief, nazorg, signals

TODAY = dt.date(2026, 3, 20)


def test_the_debrief_asks_the_published_protocol_checklist_or_else_the_standard_one(store):
    assert debrief.checklist_items(store.read()) == list(debrief.FALLBACK_CHECKLIST)


def test_a_debrief_records_what_went_well_what_was_hard_and_which_checklist_items_were_followed():
    form = MultiDict([("talk", "gesprek-a"), ("date", "18-03-2026"), ("went_well", "Goed geluisterd"), ("hard", ""),
                      ("checked", "0"), ("checked", "2"), ("coaching_needed", "ja")])
    doc, errors = debrief.check(form, ["Samen", "Vertrouwelijk", "Neutraal"], today=TODAY, not_before=None, duo=[3, 4])
    assert errors == {}
    assert doc["date"] == "2026-03-18" and doc["coaching_needed"] is True and doc["volunteer_ids"] == [3, 4]
    assert debrief.missed(doc) == ["Vertrouwelijk"]


def test_an_empty_debrief_says_what_is_missing_in_dutch():
    _, errors = debrief.check(MultiDict(), ["Samen"], today=TODAY, not_before=None, duo=[])
    assert errors == {"talk": "Kies over welk gesprek de nabespreking gaat.", "date": "Vul de datum van het gesprek in.",
                      "went_well": "Schrijf wat goed ging of wat moeilijk was.",
                      "coaching_needed": "Geef aan of coaching nodig is."}


def test_a_debrief_asking_for_coaching_stays_on_the_list_until_a_coaching_note_on_that_case_follows():
    asked = [{"case_id": 1, "date": "2026-03-10", "coaching_needed": True},
             {"case_id": 2, "date": "2026-03-10", "coaching_needed": True},
             {"case_id": 3, "date": "2026-03-10", "coaching_needed": False}]
    notes = [{"case_id": 2, "date": "2026-03-12"}]
    assert [d["case_id"] for d in debrief.coaching_asked(asked, notes)] == [1]


def test_nazorg_records_who_called_whether_the_agreements_hold_and_satisfaction():
    record, errors = nazorg.check({"party": "1", "contacted_on": "2026-03-19", "by_whom": "Els en Kees", "holds": "deels",
                                   "satisfaction": "4"}, party_count=2, today=TODAY, not_before=None)
    assert errors == {} and (record["party"], record["satisfaction"], record["holds"]) == (1, 4, "deels")
    _, errors = nazorg.check({"party": "2", "satisfaction": "9"}, party_count=2, today=TODAY, not_before=None)
    assert set(errors) == {"party", "contacted_on", "by_whom", "holds", "satisfaction"}


def test_nazorg_is_done_when_every_party_was_contacted():
    case = {"parties": [{}, {}]}
    assert not nazorg.done(case, [{"party": 0, "contacted_on": "2026-03-01"}])
    assert nazorg.done(case, [{"party": 0, "contacted_on": "2026-03-01"}, {"party": 1, "contacted_on": "2026-03-02"}])
    assert nazorg.done({**case, "closing": {"nazorg_a": "Goed", "nazorg_b": "Goed"}}, [])
    assert not nazorg.done({"parties": [{}, {}, {}]}, [{"party": 0, "contacted_on": "x"}, {"party": 1, "contacted_on": "x"}])


def test_more_concerns_lately_shows_as_a_worsening_trend():
    history = [{"date": "2025-05-01", "kind": "positief"}, {"date": "2025-08-01", "kind": "positief"},
               {"date": "2026-01-10", "kind": "zorg"}, {"date": "2026-02-10", "kind": "zorg"}]
    result = signals.trend(history, today=TODAY)
    assert result.quarters == [("K2 2025", 1, 0), ("K3 2025", 1, 0), ("K4 2025", 0, 0), ("K1 2026", 0, 2)]
    assert (result.direction, result.label) == ("slechter", "Meer zorgen")


def test_praise_after_concerns_is_an_improving_trend_and_one_signal_is_too_little_to_say():
    history = [{"date": "2025-06-01", "kind": "zorg"}, {"date": "2026-02-01", "kind": "positief"}]
    assert signals.trend(history, today=TODAY).direction == "beter"
    assert signals.trend(history[:1], today=TODAY).direction == "onbekend"


def test_less_praise_lately_without_new_concerns_is_not_called_a_worsening():
    history = [{"date": "2025-05-01", "kind": "positief"}, {"date": "2025-06-01", "kind": "positief"}]
    assert signals.trend(history, today=TODAY).direction == "gelijk"


def test_a_signal_needs_a_volunteer_a_kind_and_words():
    signal, errors = signals.check({"volunteer_id": "7", "kind": "zorg", "text": "Kwam te laat", "date": ""},
                                   today=TODAY, volunteer_ids=[7])
    assert errors == {} and signal["date"] == "2026-03-20" and signal["source"] == "coordinator"
    _, errors = signals.check({"volunteer_id": "8"}, today=TODAY, volunteer_ids=[7])
    assert set(errors) == {"volunteer_id", "kind", "text"}
