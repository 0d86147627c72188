"""Selection scores, qualifications, appreciation, pool figures and the calendar (claims: test_budget.py)."""
from datetime import date, datetime

import pytest
from icalendar import Calendar
from werkzeug.datastructures import MultiDict

from buurtbemiddeling.volunteers import appreciation, events, pool, qualifications, selection
from db import Store

TODAY = date(2026, 3, 1)
CRITERIA = selection.DEFAULT_CRITERIA


class Doc(dict):
    def __init__(self, doc_id, **fields):
        super().__init__(**fields)
        self.doc_id = doc_id


def interview_form(score="4", **extra):
    form = {"held_on": "2026-02-28", "kind": "selectiegesprek", "decision": "aannemen", "reason": "Luistert goed."}
    form.update({f"score_{value}": score for value, _ in CRITERIA})
    form.update(extra)
    return form


# -- selection ---------------------------------------------------------------------

def test_a_selection_interview_needs_a_score_for_every_criterion_a_decision_and_a_reason():
    checked = selection.check_interview({"held_on": "2026-02-28", "kind": "selectiegesprek"}, CRITERIA, by="C", today=TODAY)
    assert checked.errors["score_neutraliteit"] == "Geef een score voor neutraliteit."
    assert "decision" in checked.errors and "reason" in checked.errors


def test_a_getting_to_know_talk_may_leave_scores_open():
    checked = selection.check_interview({"held_on": "2026-02-01", "kind": "kennismakingsgesprek", "decision": "aanhouden",
                                         "reason": "Selectiegesprek plannen"}, CRITERIA, by="C", today=TODAY)
    assert checked.ok


def test_an_interview_cannot_have_happened_tomorrow():
    checked = selection.check_interview(interview_form(held_on="2026-03-02"), CRITERIA, by="C", today=TODAY)
    assert "toekomst" in checked.errors["held_on"]


def test_the_advice_reads_the_scores_and_names_the_weak_points():
    good = selection.check_interview(interview_form("4"), CRITERIA, by="C", today=TODAY).interview
    assert selection.average(good) == 4.0 and selection.advice(good) == "De scores passen bij aannemen."
    one_weak = selection.check_interview(interview_form("4", score_neutraliteit="2"), CRITERIA, by="C", today=TODAY).interview
    assert selection.concerns(one_weak) == ["Neutraliteit"] and "neutraliteit" in selection.advice(one_weak)
    weak = selection.check_interview(interview_form("2"), CRITERIA, by="C", today=TODAY).interview
    assert selection.advice(weak).startswith("Meerdere zwakke punten")


def test_the_latest_selection_interview_decides():
    application = {"interviews": [{"kind": "selectiegesprek", "decision": "aanhouden"},
                                  {"kind": "kennismakingsgesprek", "decision": "aannemen"}]}
    assert selection.latest_decision(application) == "aanhouden"
    assert selection.latest_decision({}) is None


# -- qualifications ----------------------------------------------------------------

@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "data")


def add_catalogue(store):
    with store.transaction() as tx:
        basis = tx.table("trainings").insert({"name": "Basistraining", "kind": "basistraining", "hours": 15, "validity_months": None, "required": False})
        vog = tx.table("trainings").insert({"name": "VOG", "kind": "kwalificatie", "hours": 0, "validity_months": 36, "required": True})
    return basis, vog


def record(store, volunteer_id, training_id, day, hours):
    with store.transaction() as tx:
        tx.table("training_records").insert({"volunteer_id": volunteer_id, "training_id": training_id, "date": day, "hours": hours})


def test_the_basistraining_counts_when_its_sessions_add_up_to_fifteen_hours(store):
    basis, _ = add_catalogue(store)
    for day in ("2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"):
        record(store, 1, basis, day, 3)
    assert not qualifications.has_basistraining(store.read(), 1)
    record(store, 1, basis, "2026-02-02", 3)
    assert qualifications.basistraining_hours(store.read(), 1) == 15
    assert qualifications.has_basistraining(store.read(), 1)
    assert not qualifications.has_basistraining(store.read(), 2)


@pytest.mark.parametrize("taken, state", [("2025-01-01", "geldig"), ("2023-04-15", "verloopt"), ("2022-01-01", "verlopen"), (None, "ontbreekt")])
def test_a_required_qualification_is_valid_expiring_expired_or_missing(store, taken, state):
    _, vog = add_catalogue(store)
    if taken:
        record(store, 1, vog, taken, 0)
    [standing] = qualifications.required_standing(store.read(), 1, TODAY)
    assert standing.state == state


def test_only_working_volunteers_with_a_problem_show_on_the_dashboard_worst_first(store):
    basis, vog = add_catalogue(store)
    record(store, 1, basis, "2025-01-01", 15)
    record(store, 1, vog, "2023-04-15", 0)  # expires 2026-04-15
    record(store, 2, basis, "2025-01-01", 15)
    record(store, 2, vog, "2022-01-01", 0)  # expired
    volunteers = [Doc(1, name="Bijna", step="actief"), Doc(2, name="Verlopen", step="actief"),
                  Doc(3, name="Nieuw", step="meeloopperiode"), Doc(4, name="Gestopt", step="gestopt")]
    rows = qualifications.needing_attention(store.read(), volunteers, TODAY)
    assert [(r.volunteer["name"], r.what, r.state) for r in rows] == [
        ("Verlopen", "VOG", "verlopen"), ("Nieuw", "Basistraining", "ontbreekt"), ("Nieuw", "VOG", "ontbreekt"),
        ("Bijna", "VOG", "verloopt")]


def test_a_basistraining_in_the_catalogue_lasts_at_least_fifteen_hours():
    _, errors = qualifications.check_training({"name": "Korte basis", "kind": "basistraining", "hours": "12"})
    assert errors["hours"] == "Een basistraining duurt minstens 15 uur."
    doc, errors = qualifications.check_training({"name": "VOG", "kind": "kwalificatie", "hours": "", "validity_months": "36", "required": "ja"})
    assert not errors and doc["validity_months"] == 36 and doc["required"]


def test_a_training_record_takes_the_catalogue_hours_when_left_empty():
    doc, errors = qualifications.check_record({"training_id": "1", "date": "2026-02-01", "hours": ""},
                                              {1: {"hours": 3}}, volunteer_id=5, by="C", today=TODAY)
    assert not errors and doc["hours"] == 3.0
    _, errors = qualifications.check_record({"training_id": "9", "date": "2027-01-01"}, {1: {}}, volunteer_id=5, by="C", today=TODAY)
    assert set(errors) == {"training_id", "date"}


def test_months_are_added_without_running_off_the_end_of_a_month():
    assert qualifications.add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert qualifications.add_months(date(2023, 11, 15), 36) == date(2026, 11, 15)


# -- appreciation ------------------------------------------------------------------

def test_years_of_service_and_anniversaries_at_one_five_and_ten_years():
    assert appreciation.years_of_service("2021-03-10", TODAY) == 4
    assert appreciation.anniversary_near("2021-03-10", TODAY).years == 5
    assert appreciation.anniversary_near("2025-02-20", TODAY).years == 1
    assert appreciation.anniversary_near("2023-03-10", TODAY) is None  # three years is no milestone


def test_who_deserves_a_thank_you_and_why():
    volunteers = [
        Doc(1, name="Jubilaris", step="actief", start_date="2016-03-15", contacts=[{"on": "2026-02-01", "kind": "gesprek"}]),
        Doc(2, name="Lang Niet Gesproken", step="actief", start_date="2023-07-01", contacts=[{"on": "2025-06-01", "kind": "telefoon"}]),
        Doc(3, name="Recent Gesproken", step="actief", start_date="2023-07-01", contacts=[{"on": "2026-02-20", "kind": "gesprek"}]),
        Doc(4, name="Veel Zaken", step="actief", start_date="2023-07-01", contacts=[{"on": "2026-02-20", "kind": "gesprek"}]),
        Doc(5, name="Gestopt", step="gestopt", start_date="2016-03-15"),
    ]
    rows = appreciation.thank_you_list(volunteers, {"4": 11}, TODAY)
    assert [(r.volunteer["name"], r.reasons) for r in rows] == [
        ("Jubilaris", ["10 jaar vrijwilliger over 14 dagen"]),
        ("Veel Zaken", ["10 bemiddelingen gedaan"]),
        ("Lang Niet Gesproken", ["Geen persoonlijk contact sinds 01-06-2025"]),
    ]


def test_a_thank_you_already_given_takes_someone_off_the_list():
    thanked = Doc(1, name="Bedankt", step="actief", start_date="2016-03-15", thanked_for_mediations=10,
                  contacts=[{"on": "2026-02-25", "kind": "jubileum"}])
    assert appreciation.thank_you_list([thanked], {"1": 12}, TODAY) == []


def test_mediations_are_counted_from_the_duos_of_cases():
    cases = [{"duo": [1, 2]}, {"duo": ["1", 3]}, {"duo": []}, {}]
    assert appreciation.mediation_counts(cases) == {"1": 2, "2": 1, "3": 1}


# -- pool --------------------------------------------------------------------------

def test_the_pool_beside_the_population_marks_groups_that_are_clearly_underrepresented():
    active = [{"gender": "vrouw", "age_band": "56-67", "languages": ["Nederlands", "Turks"], "wijk": "Centrum"},
              {"gender": "vrouw", "age_band": "68+", "languages": ["Nederlands"], "wijk": "Centrum"},
              {"gender": "man", "age_band": "56-67", "languages": ["Nederlands"], "wijk": "Vogelbuurt"},
              {"gender": "", "age_band": "41-55", "languages": ["Nederlands", "Arabisch"], "wijk": "Centrum"}]
    rows = {r.value: r for r in pool.compare(pool.distribution(active, "age_band"), 4,
                                             {"18-25": 13, "56-67": 19}, order=pool.AGE_BANDS)}
    assert rows["18-25"].pool == 0 and rows["18-25"].gap
    assert rows["56-67"].pool_pct == 50.0 and not rows["56-67"].gap
    genders = pool.distribution(active, "gender")
    assert genders[pool.UNKNOWN] == 1
    assert pool.distribution(active, "languages")["Nederlands"] == 4


def test_recruitment_channels_show_how_many_applicants_made_it_into_the_pool():
    applications = [Doc(1, values={"heard_via": "krant"}), Doc(2, values={"heard_via": "krant"}), Doc(3, values={})]
    volunteers = [Doc(9, application_id=1, step="actief")]
    assert [(c.value, c.applied, c.taken_on, c.active) for c in pool.channels(applications, volunteers)] == [
        ("krant", 2, 1, 1), ("onbekend", 1, 0, 0)]


def test_population_figures_are_typed_as_value_and_percentage_per_line():
    rows, problem = pool.check_population("wijk", "Centrum: 14\nDe Linden: 18,5%\n")
    assert problem is None and rows == [("Centrum", 14.0), ("De Linden", 18.5)]
    _, problem = pool.check_population("wijk", "Centrum 14")
    assert problem.startswith("Regel 1 is niet goed")


def test_active_volunteers_for_matching_are_those_in_step_actief(store):
    with store.transaction() as tx:
        tx.table("volunteers").insert_multiple([{"name": "B", "step": "actief"}, {"name": "A", "step": "actief"},
                                                {"name": "C", "step": "inactief"}])
    assert [v["name"] for v in pool.active_volunteers(store.read())] == ["A", "B"]


# -- events and calendar -----------------------------------------------------------

def test_an_event_needs_a_kind_title_date_and_an_end_after_its_start():
    doc, errors = events.check_event(MultiDict({"kind": "feest", "title": "", "date": "morgen", "start": "19:00", "end": "21:00"}), set())
    assert set(errors) == {"kind", "title", "date"}
    _, errors = events.check_event(MultiDict({"kind": "uitje", "title": "Rondvaart", "date": "2026-06-01", "start": "21:00", "end": "19:00"}), set())
    assert errors == {"end": "De eindtijd moet na de begintijd liggen."}


def test_only_invited_volunteers_can_be_marked_present():
    form = MultiDict([("attended", "1"), ("attended", "7"), ("attended", "x")])
    assert events.attendance_from(form, [1, 2]) == [1]


def test_the_calendar_carries_time_and_place_but_no_agenda_or_names():
    event = Doc(3, kind="intervisie", title="Intervisie maart", date="2026-03-12", start="19:30", end="21:30",
                place="Buurthuis De Linde", agenda="Casussen", invitees=[1, 2], attendance=[1], uid="abc@buurtbemiddeling")
    body = events.calendar([event], "Buurtbemiddeling Lindenhoven", now=datetime(2026, 3, 1, tzinfo=events.TZ))
    cal = Calendar.from_ical(body)
    [item] = cal.walk("VEVENT")
    assert str(item["summary"]) == "Intervisie: Intervisie maart"
    # In UTC, which every calendar reader (Outlook included) places right without a VTIMEZONE.
    assert item.decoded("dtstart") == datetime(2026, 3, 12, 19, 30, tzinfo=events.TZ)
    assert item.decoded("dtstart").utcoffset().total_seconds() == 0
    assert str(item["location"]) == "Buurthuis De Linde" and str(item["uid"]) == "abc@buurtbemiddeling"
    assert b"Casussen" not in body  # the agenda is free text: it stays in the portal
    assert b"invitees" not in body.lower()
