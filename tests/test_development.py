"""The coordinator's professional development log and its yearly summary."""
import pytest

from buurtbemiddeling.development import log
from buurtbemiddeling.form_checks import Check
from common.numbers import hours_text

ENTRIES = [
    {"kind": "leerdoel", "title": "De-escalatie", "date": "2026-06-01", "status": "behaald"},
    {"kind": "leerdoel", "title": "Netwerk huisartsen", "date": "2026-12-01", "status": "bezig"},
    {"kind": "leerdoel", "title": "Oud doel", "date": "2025-03-01", "status": "gepland"},
    {"kind": "scholing", "title": "Studiedag", "date": "2026-02-01", "minutes": 330, "form": "studiedag"},
    {"kind": "scholing", "title": "Training", "date": "2026-04-01", "minutes": 480, "form": "training"},
    {"kind": "scholing", "title": "Intervisie", "date": "2026-05-01", "minutes": 90, "form": "intervisie"},
    {"kind": "scholing", "title": "Vorig jaar", "date": "2025-05-01", "minutes": 600, "form": "cursus"},
    {"kind": "voorstel", "title": "Terugbeltijd", "date": "2026-01-10", "status": "uitgevoerd"},
    {"kind": "voorstel", "title": "Nazorg telefonisch", "date": "2026-09-10", "status": "voorgelegd"},
    {"kind": "methode", "title": "Groepsbemiddeling", "date": "2026-08-01", "verdict": "aanpassen", "text": "**Werkt**"},
]


@pytest.mark.parametrize("typed, minutes", [("3", 180), ("3,5", 210), ("1:30", 90), ("0,25", 15), ("2.75", 165)])
def test_hours_are_typed_the_dutch_way_and_kept_as_minutes(typed, minutes):
    check = Check({"hours": typed})
    assert check.hours("hours", "Aantal uren") == minutes and check.ok
    assert Check({"hours": hours_text(minutes)}).hours("hours", "x") == minutes


@pytest.mark.parametrize("typed", ["drie", "0", "-2", "1:3"])
def test_a_wrong_number_of_hours_gets_a_dutch_message(typed):
    check = Check({"hours": typed})
    assert check.hours("hours", "Aantal uren") is None and "uren" in check.errors["hours"]


def test_the_yearly_summary_counts_what_was_done_that_year():
    summary = log.year_summary(ENTRIES, 2026)
    assert summary.minutes == 330 + 480 + 90
    assert summary.minutes_by_form == {"studiedag": 330, "training": 480, "intervisie": 90}
    assert (len(summary.of("leerdoel").entries), summary.of("leerdoel").done) == (2, 1)
    assert summary.of("voorstel").by_status == {"uitgevoerd": 1, "voorgelegd": 1}
    assert [g["title"] for g in summary.open_goals] == ["Oud doel", "Netwerk huisartsen"]
    empty = log.year_summary(ENTRIES, 2030)
    assert empty.minutes == 0 and all(not k.entries for k in empty.kinds)


def test_each_kind_asks_for_its_own_fields():
    _, errors = log.check_entry("scholing", {"title": "Cursus", "date": "2026-02-02", "form": "cursus"})
    assert set(errors) == {"hours"}
    _, errors = log.check_entry("voorstel", {"title": "Idee", "date": "2026-02-02", "status": "misschien"})
    assert set(errors) == {"status"}
    doc, errors = log.check_entry("zelfevaluatie", {"title": "Halfjaar", "date": "1-7-2026", "text": "Goed"})
    assert errors == {} and doc == {"kind": "zelfevaluatie", "title": "Halfjaar", "date": "2026-07-01", "text": "Goed"}


# ---- views ---------------------------------------------------------------------------------

PAGES = ["/beheer/planning/ontwikkeling/", "/beheer/planning/ontwikkeling/nieuw/leerdoel",
         "/beheer/planning/ontwikkeling/jaar", "/beheer/planning/ontwikkeling/jaar/2026"]


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login(module_clients, path):
    response = module_clients.anonymous.get(path)
    assert response.status_code == 302 and "/beheer/inloggen" in response.location


@pytest.mark.parametrize("path", PAGES)
def test_a_volunteer_may_not_see_the_development_log(module_clients, path):
    assert module_clients.volunteer.get(path).status_code == 403


def test_deleting_an_entry_is_post_only(module_clients):
    assert module_clients.coordinator.get("/beheer/planning/ontwikkeling/1/verwijderen").status_code == 405


def test_a_course_is_logged_and_counted_in_the_yearly_summary(client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/planning/ontwikkeling/nieuw/scholing", data={
        "title": "Training de-escalatie", "date": "2026-04-01", "hours": "7,5", "form": "training", "provider": "Bureau Oost"})
    assert response.status_code == 303
    html = client.get("/beheer/planning/ontwikkeling/jaar/2026").get_data(as_text=True)
    assert "7,5 uur" in html and "Training de-escalatie" in html


def test_a_bad_entry_comes_back_with_the_message_and_what_was_typed(client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/planning/ontwikkeling/nieuw/scholing", data={
        "title": "Studiedag", "date": "2026-04-01", "hours": "een middag", "form": "studiedag"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "is geen aantal uren" in html and 'value="Studiedag"' in html
    assert store.read().table(log.TABLE).all() == []


def test_a_self_evaluation_is_shown_as_safe_markdown(client, as_user, store):
    as_user.coordinator()
    client.post("/beheer/planning/ontwikkeling/nieuw/zelfevaluatie", data={
        "title": "Halfjaar", "date": "2026-07-01", "text": "**Sterk:** intake\n\n<script>alert(1)</script>"})
    [entry] = store.read().table(log.TABLE).all()
    html = client.get(f"/beheer/planning/ontwikkeling/{entry.doc_id}").get_data(as_text=True)
    assert "<strong>Sterk:</strong>" in html and "<script>alert" not in html


def test_the_log_is_personal_another_coordinator_cannot_open_it(client, as_user, store):
    as_user.coordinator()
    client.post("/beheer/planning/ontwikkeling/nieuw/leerdoel", data={
        "title": "Mijn doel", "date": "2026-12-01", "status": "bezig"})
    [entry] = store.read().table(log.TABLE).all()
    as_user.login("tweede@lindenhoven.example", "coordinator", "Tweede Coördinator")
    assert client.get(f"/beheer/planning/ontwikkeling/{entry.doc_id}").status_code == 404
    assert client.post(f"/beheer/planning/ontwikkeling/{entry.doc_id}/verwijderen").status_code == 404
    assert "Mijn doel" not in client.get("/beheer/planning/ontwikkeling/").get_data(as_text=True)
