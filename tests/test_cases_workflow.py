"""The seven steps as rules: which step may follow which, and what each step needs."""
import datetime as dt

import pytest

from buurtbemiddeling.cases import workflow
from buurtbemiddeling.cases.workflow import Options, WorkflowError

TODAY = dt.date(2025, 6, 16)
OPTIONS = Options(not_solved_reasons=frozenset({"b-weigert"}), unsuitable_reasons=frozenset({"geweld"}), nazorg_weeks=4)


def case(step, **extra):
    return {"step": step, "reported_at": "2025-05-01T10:00:00", "duo": [], "intake": {}, **extra}


def ready_for_duo():
    return case("intake", duo=[3, 7], intake={"decision": "geschikt"})


def test_the_main_line_runs_from_report_to_closure():
    assert workflow.next_steps(case("aangemeld")) == ("intake",)
    assert "gesprek-a" in workflow.next_steps(case("gekoppeld"))
    assert set(workflow.next_steps(case("gesprek-b"))) >= {"bemiddelingsgesprek", "pendel", "nazorg"}
    assert workflow.next_steps(case("nazorg")) == ("afgesloten",)
    assert workflow.next_steps(case("afgesloten")) == ()


def test_every_step_has_a_dutch_label_and_every_next_step_exists():
    for key, followers in workflow.NEXT.items():
        assert workflow.STEPS[key].label
        assert all(target in workflow.STEPS for target in followers)


def test_a_step_that_makes_no_sense_is_refused_with_a_dutch_message():
    with pytest.raises(WorkflowError) as error:
        workflow.transition(case("aangemeld"), "nazorg", {}, today=TODAY)
    assert "kan een zaak niet" in error.value.message and "Stap corrigeren" in error.value.message


def test_an_unknown_step_is_refused():
    with pytest.raises(WorkflowError, match="bestaat niet"):
        workflow.transition(case("aangemeld"), "klaar", {}, today=TODAY)


def test_a_transition_returns_the_new_step_and_a_timeline_event():
    change = workflow.transition(case("aangemeld"), "intake", {"note": "gebeld"}, today=TODAY)
    assert change.updates == {"step": "intake"}
    assert change.event == {"kind": "step", "from": "aangemeld", "to": "intake", "note": "gebeld"}


def test_ongeschikt_is_reached_only_through_the_intake_decision():
    with pytest.raises(WorkflowError):
        workflow.transition(case("intake"), "ongeschikt", {}, today=TODAY)


def test_a_duo_is_coupled_only_after_a_geschikt_decision_and_with_two_volunteers():
    with pytest.raises(WorkflowError, match="geschikt") as error:
        workflow.transition(case("intake", duo=[1, 2]), "gekoppeld", {}, today=TODAY)
    assert error.value.field == "decision"
    with pytest.raises(WorkflowError, match="twee bemiddelaars"):
        workflow.transition(case("intake", duo=[1], intake={"decision": "geschikt"}), "gekoppeld", {}, today=TODAY)
    assert workflow.transition(ready_for_duo(), "gekoppeld", {}, today=TODAY).updates["step"] == "gekoppeld"


def test_a_geschikt_decision_needs_the_whole_checklist():
    with pytest.raises(WorkflowError, match="checklist") as error:
        workflow.decide(case("intake"), {"decision": "geschikt", "checklist": ["geen-geweld"]}, today=TODAY, options=OPTIONS)
    assert error.value.field == "checklist"
    change = workflow.decide(case("intake"), {"decision": "geschikt", "checklist": list(workflow.CHECKLIST_KEYS)},
                             today=TODAY, options=OPTIONS)
    assert change.updates["intake"]["decision"] == "geschikt" and "step" not in change.updates


def test_an_ongeschikt_decision_needs_a_reason_from_the_list_and_closes_the_case_with_advice():
    with pytest.raises(WorkflowError, match="waarom"):
        workflow.decide(case("intake"), {"decision": "ongeschikt", "reason": "onzin"}, today=TODAY, options=OPTIONS)
    change = workflow.decide(case("intake"), {"decision": "ongeschikt", "reason": "geweld", "advice": "Bel het wijkteam"},
                             today=TODAY, options=OPTIONS)
    assert change.updates["step"] == "ongeschikt"
    assert change.updates["intake"]["reason"] == "geweld" and change.updates["intake"]["advice"] == "Bel het wijkteam"
    assert change.event["to"] == "ongeschikt" and change.event["reason"] == "geweld"


def test_a_decision_is_made_during_the_intake_only():
    with pytest.raises(WorkflowError, match="tijdens de intake"):
        workflow.decide(case("aangemeld"), {"decision": "geschikt"}, today=TODAY, options=OPTIONS)
    with pytest.raises(WorkflowError, match="geschikt of ongeschikt"):
        workflow.decide(case("intake"), {"decision": ""}, today=TODAY, options=OPTIONS)


def test_nazorg_is_scheduled_n_weeks_after_the_last_talk():
    change = workflow.transition(case("gesprek-b"), "nazorg", {"last_talk": "2025-06-02"}, today=TODAY, options=OPTIONS)
    assert change.updates["last_talk"] == "2025-06-02"
    assert change.updates["nazorg_due"] == "2025-06-30"
    six = Options(nazorg_weeks=6)
    assert workflow.transition(case("gesprek-b"), "nazorg", {"last_talk": "02-06-2025"}, today=TODAY,
                               options=six).updates["nazorg_due"] == "2025-07-14"


@pytest.mark.parametrize("typed, message", [
    ("", "Vul de datum"),
    ("31-02-2025", "geen bestaande datum"),
    ("2025-07-01", "in de toekomst"),
    ("2025-04-01", "vóór de aanmelding"),
])
def test_an_impossible_last_talk_date_is_refused(typed, message):
    with pytest.raises(WorkflowError, match=message) as error:
        workflow.transition(case("bemiddelingsgesprek"), "nazorg", {"last_talk": typed}, today=TODAY)
    assert error.value.field == "last_talk"


def test_closing_needs_an_outcome_and_for_niet_opgelost_a_reason():
    with pytest.raises(WorkflowError, match="uitkomst") as error:
        workflow.transition(case("gesprek-a"), "afgesloten", {}, today=TODAY, options=OPTIONS)
    assert error.value.field == "outcome"
    with pytest.raises(WorkflowError, match="niet is opgelost"):
        workflow.transition(case("gesprek-a"), "afgesloten", {"outcome": "niet-opgelost"}, today=TODAY, options=OPTIONS)
    change = workflow.transition(case("gesprek-a"), "afgesloten", {"outcome": "niet-opgelost", "reason": "b-weigert"},
                                 today=TODAY, options=OPTIONS)
    assert change.updates["closing"]["reason"] == "b-weigert" and change.updates["closing"]["closed_on"] == "2025-06-16"


def test_a_reason_is_kept_only_for_niet_opgelost():
    change = workflow.transition(case("bemiddelingsgesprek"), "afgesloten",
                                 {"outcome": "opgelost", "reason": "b-weigert", "agreements": "Zachter na tienen"},
                                 today=TODAY, options=OPTIONS)
    assert change.updates["closing"]["reason"] == "" and change.updates["closing"]["agreements"] == "Zachter na tienen"


def test_closing_from_nazorg_needs_the_nazorg_of_both_parties():
    with pytest.raises(WorkflowError, match="partij B") as error:
        workflow.transition(case("nazorg"), "afgesloten", {"outcome": "opgelost", "nazorg_a": "Goed"}, today=TODAY, options=OPTIONS)
    assert error.value.field == "nazorg_b"


def test_an_open_case_goes_on_hold_with_a_reason_and_reopens_where_it_was():
    with pytest.raises(WorkflowError, match="waarom"):
        workflow.hold(case("gesprek-a"), {"note": " "})
    held = workflow.hold(case("gesprek-a"), {"note": "Bewoner op vakantie"})
    assert held.updates == {"step": "in-de-wacht", "held_from": "gesprek-a", "held_until": None}
    on_hold = case("in-de-wacht", held_from="gesprek-a")
    with pytest.raises(WorkflowError, match="heropening"):
        workflow.reopen(on_hold, {})
    reopened = workflow.reopen(on_hold, {"note": "Partij A belde"})
    assert reopened.updates["step"] == "gesprek-a" and reopened.event["reopened"] is True


def test_on_hold_until_a_later_date_reminds_from_that_date_on():
    today = dt.date(2026, 12, 6)
    with pytest.raises(WorkflowError, match="na vandaag"):
        workflow.hold(case("gesprek-a"), {"note": "Vakantie", "until": "2026-12-06"}, today=today)
    with pytest.raises(WorkflowError, match="hoogstens een jaar"):
        workflow.hold(case("gesprek-a"), {"note": "Vakantie", "until": "2028-01-01"}, today=today)
    held = workflow.hold(case("gesprek-a"), {"note": "Vakantie", "until": "20-12-2026"}, today=today)
    assert held.updates["held_until"] == "2026-12-20" and held.event["held_until"] == "2026-12-20"
    on_hold = case("in-de-wacht", held_from="gesprek-a", held_until="2026-12-20")
    assert not workflow.hold_reminder_due(on_hold, dt.date(2026, 12, 19))
    assert workflow.hold_reminder_due(on_hold, dt.date(2026, 12, 20))
    assert workflow.reopen(on_hold, {"note": "Belde"}).updates["held_until"] is None


def test_the_primary_action_is_the_form_that_is_missing_or_the_next_step():
    assert workflow.primary_action(case("intake")) == ("section", "intake")
    assert workflow.primary_action(case("intake", intake={"decision": "geschikt"})) == ("section", "duo")
    assert workflow.primary_action(ready_for_duo()) == ("step", "gekoppeld")
    assert workflow.primary_action(case("gesprek-b")) == ("step", "bemiddelingsgesprek")
    assert workflow.primary_action(case("nazorg")) == ("section", "afsluiten")
    assert workflow.primary_action(case("afgesloten")) is None


def test_a_closed_case_cannot_go_on_hold_and_only_a_held_case_reopens():
    with pytest.raises(WorkflowError):
        workflow.hold(case("afgesloten"), {"note": "x"})
    with pytest.raises(WorkflowError, match="in de wacht"):
        workflow.reopen(case("intake"), {"note": "x"})


def test_a_mistaken_step_is_corrected_with_a_reason_and_logged_as_a_correction():
    with pytest.raises(WorkflowError, match="waarom"):
        workflow.correct(case("nazorg"), {"to": "gesprek-b"})
    with pytest.raises(WorkflowError, match="staat al"):
        workflow.correct(case("nazorg"), {"to": "nazorg", "note": "x"})
    with pytest.raises(WorkflowError, match="In de wacht zetten"):
        workflow.correct(case("nazorg"), {"to": "in-de-wacht", "note": "x"})
    change = workflow.correct(case("nazorg"), {"to": "gesprek-b", "note": "Verkeerd geklikt"})
    assert change.updates == {"step": "gesprek-b"}
    assert change.event["correction"] is True and change.event["from"] == "nazorg"


def test_the_next_action_is_spelled_out_for_each_step():
    assert workflow.next_action(case("aangemeld")) == "Intake starten"
    assert "geschikt of ongeschikt" in workflow.next_action(case("intake"))
    assert workflow.next_action(case("intake", intake={"decision": "geschikt"})) == "Twee bemiddelaars kiezen"
    assert workflow.next_action(ready_for_duo()) == "Bemiddelaars koppelen"
    assert "(nu)" in workflow.next_action(case("nazorg", nazorg_due="2025-06-01"), TODAY)
    assert "30-06-2025" in workflow.next_action(case("nazorg", nazorg_due="2025-06-30"), TODAY)
