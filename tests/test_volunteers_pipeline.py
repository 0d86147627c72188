"""The steps from application to active volunteer, and the moves that make no sense."""
from datetime import date, datetime

import pytest

from buurtbemiddeling.volunteers import pipeline
from buurtbemiddeling.volunteers.pipeline import StepError, check_move

NOW = datetime(2026, 3, 1, 10, 0)


class Doc(dict):
    def __init__(self, doc_id, **fields):
        super().__init__(**fields)
        self.doc_id = doc_id


def move(doc, to, **kw):
    return check_move(doc, to, by="Carla", at=NOW, **kw)


def test_a_record_without_step_fields_is_new():
    assert pipeline.step_of({"form": "application", "values": {}}) == "nieuw"


@pytest.mark.parametrize("start, to", [
    ("nieuw", "kennismakingsgesprek"), ("nieuw", "selectiegesprek"), ("kennismakingsgesprek", "selectiegesprek"),
    ("aangenomen", "basistraining"), ("basistraining", "meeloopperiode"),
])
def test_the_route_to_active_goes_step_by_step(start, to):
    assert move({"step": start}, to).step == to


@pytest.mark.parametrize("start, to", [
    ("nieuw", "actief"), ("nieuw", "basistraining"), ("kennismakingsgesprek", "aangenomen"),
    ("aangenomen", "actief"), ("gestopt", "actief"), ("afgewezen", "aangenomen"), ("actief", "nieuw"),
])
def test_a_move_that_skips_or_reverses_the_route_is_refused_in_dutch(start, to):
    with pytest.raises(StepError, match="kan niet naar"):
        move({"step": start}, to, has_basistraining=True, selection_decision="aannemen")


@pytest.mark.parametrize("to, start", [("afgewezen", "selectiegesprek"), ("teruggetrokken", "nieuw"),
                                       ("gestopt", "actief"), ("inactief", "actief")])
def test_rejecting_withdrawing_stopping_and_pausing_need_a_reason(to, start):
    with pytest.raises(StepError, match="Geef een reden"):
        move({"step": start}, to, reason="  ")
    assert move({"step": start}, to, reason="Verhuisd").entry["reason"] == "Verhuisd"


def test_an_applicant_is_taken_on_only_after_a_selection_interview_that_says_so():
    with pytest.raises(StepError, match="selectiegesprek"):
        move({"step": "selectiegesprek"}, "aangenomen")
    with pytest.raises(StepError):
        move({"step": "selectiegesprek"}, "aangenomen", selection_decision="aanhouden")
    taken = move({"step": "selectiegesprek"}, "aangenomen", selection_decision="aannemen")
    assert taken.becomes_volunteer


def test_a_volunteer_without_a_completed_basistraining_cannot_become_active():
    with pytest.raises(StepError, match="basistraining"):
        move({"step": "meeloopperiode"}, "actief", has_basistraining=False)
    assert move({"step": "meeloopperiode"}, "actief", has_basistraining=True).step == "actief"
    with pytest.raises(StepError, match="basistraining"):
        move({"step": "inactief"}, "actief")


def test_every_step_is_dated_with_who_did_it():
    entry = move({"step": "nieuw"}, "kennismakingsgesprek").entry
    assert entry == {"step": "kennismakingsgesprek", "at": "2026-03-01T10:00:00", "by": "Carla", "reason": ""}


def test_a_taken_on_application_becomes_a_volunteer_doc_in_the_shape_matching_reads():
    application = {"values": {"name": "Esra Kaya", "email": "esra@voorbeeld.nl", "wijk": "Centrum", "age_band": "26-40",
                              "languages": ["Nederlands", "Turks"], "languages_other": "Koerdisch, Engels",
                              "availability": ["ma-avond"]},
                   "steps": [{"step": "selectiegesprek", "at": "2026-02-20T10:00:00", "by": "Carla", "reason": ""}]}
    taken = move({"step": "selectiegesprek"}, "aangenomen", selection_decision="aannemen")
    volunteer = pipeline.volunteer_from_application(application, 7, taken)
    assert volunteer["languages"] == ["Nederlands", "Turks", "Koerdisch", "Engels"]
    assert volunteer["step"] == "aangenomen" and len(volunteer["steps"]) == 2
    assert volunteer["application_id"] == 7 and volunteer["start_date"] == "2026-03-01"
    assert {"max_cases", "experience", "knows", "agreement", "availability", "wijk"} <= set(volunteer)


def test_the_waiting_list_shows_who_waits_longest_first_and_leaves_out_the_finished():
    applications = [
        Doc(1, values={"name": "Lang Wachtend"}, received_at="2026-01-01T09:00:00"),
        Doc(2, values={"name": "Net Binnen"}, received_at="2026-02-27T09:00:00"),
        Doc(3, values={"name": "Afgewezen"}, step="afgewezen", steps=[{"step": "afgewezen", "at": "2026-01-01T09:00:00"}]),
        Doc(4, values={"name": "Al Vrijwilliger"}, step="aangenomen", volunteer_id=9),
    ]
    volunteers = [Doc(9, name="In Training", step="basistraining", steps=[{"step": "basistraining", "at": "2026-02-01T09:00:00"}]),
                  Doc(10, name="Actief", step="actief", steps=[])]
    rows = pipeline.waiting_list(applications, volunteers, date(2026, 3, 1))
    assert [(r.name, r.days, r.waits_for) for r in rows] == [
        ("Lang Wachtend", 59, "Kennismakingsgesprek plannen"),
        ("In Training", 28, "Basistraining afronden"),
        ("Net Binnen", 2, "Kennismakingsgesprek plannen"),
    ]


def test_counts_per_step_count_a_taken_on_applicant_once():
    applications = [Doc(1, values={}), Doc(2, values={}, step="aangenomen", volunteer_id=5)]
    volunteers = [Doc(5, step="aangenomen"), Doc(6, step="actief")]
    counts = pipeline.counts_per_step(applications, volunteers)
    assert counts["nieuw"] == 1 and counts["aangenomen"] == 1 and counts["actief"] == 1


@pytest.mark.parametrize("current, kind, decision, steps", [
    ("nieuw", "kennismakingsgesprek", "aanhouden", ["kennismakingsgesprek"]),
    ("nieuw", "selectiegesprek", "aannemen", ["selectiegesprek", "aangenomen"]),
    ("kennismakingsgesprek", "selectiegesprek", "afwijzen", ["selectiegesprek", "afgewezen"]),
    ("selectiegesprek", "selectiegesprek", "aanhouden", []),
    ("selectiegesprek", "kennismakingsgesprek", "aannemen", []),  # a getting-to-know talk decides nothing
    ("aangenomen", "selectiegesprek", "aannemen", []),
])
def test_an_interview_puts_the_applicant_in_its_step_and_a_clear_decision_settles_it(current, kind, decision, steps):
    assert pipeline.interview_steps(current, kind, decision) == steps
