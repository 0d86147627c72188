"""Planning: projects and activities with tasks, and the week's priorities on Vandaag."""
from datetime import date

import pytest
from flask import render_template

from common import clock
from buurtbemiddeling.planning import work
from buurtbemiddeling.planning.dashboard import week_panel
from buurtbemiddeling.form_checks import parse_date, week_bounds
from common.clock import date_text as nl_date

from tests.conftest import stored_once

THURSDAY = date(2026, 11, 26)  # the week runs from Monday 23 to Sunday 29 November


def task(title, deadline=None, status="open", priority=False, project_id=None):
    return {"title": title, "deadline": deadline, "status": status, "priority": priority, "project_id": project_id}


def test_the_week_list_holds_late_tasks_then_this_weeks_then_the_chosen_ones():
    tasks = [
        task("Later", "2026-12-10"), task("Gekozen", "2026-12-10", priority=True), task("Zondag", "2026-11-29"),
        task("Te laat", "2026-11-20"), task("Vandaag", "2026-11-26"), task("Klaar", "2026-11-20", status="klaar"),
        task("Zonder datum"), task("Gekozen zonder datum", priority=True),
    ]
    rows = work.week_priorities(tasks, {}, THURSDAY)
    assert [(r.task["title"], r.reason) for r in rows] == [
        ("Te laat", "te laat"), ("Vandaag", "deze week"), ("Zondag", "deze week"),
        ("Gekozen", "gekozen"), ("Gekozen zonder datum", "gekozen")]
    assert rows[0].days == -6


def test_finishing_a_task_takes_it_off_the_week_list():
    assert work.status_change({"priority": True}, "klaar", at="t") == {"status": "klaar", "done_at": "t", "priority": False}
    with pytest.raises(ValueError):
        work.status_change({}, "misschien", at="t")


def test_a_task_needs_a_title_and_a_real_project():
    _, errors = work.check_task({"title": "", "project_id": "7", "deadline": "31-02-2026"}, [1, 2])
    assert set(errors) == {"title", "project_id", "deadline"}
    doc, errors = work.check_task({"title": "Flyers", "project_id": "", "deadline": "5-12-2026", "priority": "ja"}, [1])
    assert errors == {} and doc["deadline"] == "2026-12-05" and doc["project_id"] is None and doc["priority"]


def test_dates_are_shown_in_dutch_and_stored_in_iso():
    assert nl_date("2026-11-29") == "29-11-2026"
    assert nl_date("2026-03-05", weekday=True) == "donderdag 05-03-2026"
    assert nl_date("2026-11-29T23:30:00+00:00") == "30-11-2026" and nl_date(None) == ""  # Amsterdam's date
    assert parse_date("29-11-2026") == parse_date("2026-11-29") == date(2026, 11, 29)
    assert parse_date("29-13-2026") is None
    assert week_bounds(THURSDAY) == (date(2026, 11, 23), date(2026, 11, 29))
    # On a Sunday "Deze week" is the coming week: Monday's deadline shows.
    assert week_bounds(date(2026, 12, 6)) == (date(2026, 12, 7), date(2026, 12, 13))
    assert week_bounds(date(2026, 12, 5))[0] == date(2026, 12, 7)


# ---- views ---------------------------------------------------------------------------------

PAGES = ["/beheer/planning/", "/beheer/planning/nieuw", "/beheer/planning/1", "/beheer/planning/1/bewerken"]
POSTS = ["/beheer/planning/taken", "/beheer/planning/taken/1/status", "/beheer/planning/taken/1/prioriteit",
         "/beheer/planning/taken/1/verwijderen"]


def store_a_project(store) -> int:
    with store.transaction() as tx:
        pid = tx.table(work.PROJECTS).insert({"name": "Wervingscampagne", "kind": "project", "status": "lopend",
                                              "owner": "Carla", "description": "**Acht** nieuwe bemiddelaars <script>x</script>"})
        tx.table(work.TASKS).insert(task("Flyers drukken", clock.today().isoformat(), project_id=pid))
    return pid


@pytest.fixture
def project(store):
    return store_a_project(store)


shared_project = stored_once(store_a_project)  # for the tests that only read (`module_app`)


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login(module_clients, shared_project, path):
    response = module_clients.anonymous.get(path)
    assert response.status_code == 302 and "/beheer/inloggen" in response.location


@pytest.mark.parametrize("path", PAGES)
def test_a_volunteer_may_not_see_the_planning(module_clients, shared_project, path):
    assert module_clients.volunteer.get(path).status_code == 403


@pytest.mark.parametrize("path", POSTS)
def test_planning_changes_are_post_only(module_clients, shared_project, path):
    assert module_clients.coordinator.get(path).status_code == 405


def test_a_project_page_shows_its_description_as_safe_markdown_and_its_tasks(module_clients, shared_project):
    html = module_clients.coordinator.get(f"/beheer/planning/{shared_project}").get_data(as_text=True)
    assert "<strong>Acht</strong>" in html and "<script>x" not in html and "Flyers drukken" in html


def test_a_new_project_with_a_deadline_before_its_start_comes_back_with_the_values(client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/planning/nieuw", data={"name": "Vrijwilligersavond", "kind": "activiteit",
                                                          "status": "gepland", "start": "2026-12-10", "deadline": "2026-12-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "‘Deadline’ kan niet vóór ‘Begindatum’ liggen." in html
    assert 'value="Vrijwilligersavond"' in html and store.read().table(work.PROJECTS).all() == []


def test_with_htmx_adding_a_task_answers_the_refreshed_task_list(client, as_user, store, project):
    as_user.coordinator()
    response = client.post("/beheer/planning/taken", headers={"HX-Request": "true"},
                           data={"project_id": str(project), "title": "Stand wijkmarkt", "owner": "Henk", "deadline": "2026-12-05"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<section") and "Stand wijkmarkt" in html
    assert "05-12-2026" in html


def test_without_javascript_a_bad_task_comes_back_on_its_project_page(client, as_user, store, project):
    as_user.coordinator()
    response = client.post("/beheer/planning/taken", data={"project_id": str(project), "title": "", "owner": "Henk"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html and "Schrijf op wat er moet gebeuren." in html
    assert 'value="Henk"' in html


def test_a_loose_task_lands_on_the_planning_page(client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/planning/taken", data={"project_id": "", "title": "Jaarplan schrijven"})
    assert response.status_code == 303 and response.location.endswith("/beheer/planning/#losse-taken")
    assert "Jaarplan schrijven" in client.get("/beheer/planning/").get_data(as_text=True)


def test_changing_a_status_with_htmx_answers_the_row_and_without_it_goes_back(client, as_user, store, project):
    as_user.coordinator()
    [doc] = store.read().table(work.TASKS).all()
    row = client.post(f"/beheer/planning/taken/{doc.doc_id}/status", data={"status": "bezig"}, headers={"HX-Request": "true"})
    assert row.status_code == 200 and row.get_data(as_text=True).lstrip().startswith("<tr")
    back = client.post(f"/beheer/planning/taken/{doc.doc_id}/status",
                       data={"status": "klaar", "next": f"/beheer/planning/{project}"})
    assert back.status_code == 303 and back.location.endswith(f"/beheer/planning/{project}")
    assert store.read().table(work.TASKS).get(doc_id=doc.doc_id)["status"] == "klaar"
    evil = client.post(f"/beheer/planning/taken/{doc.doc_id}/status", data={"status": "open", "next": "https://evil.example/"})
    assert evil.location.endswith(f"/beheer/planning/{project}")


def test_a_task_chosen_as_priority_shows_on_vandaag_and_leaves_when_done(app, client, as_user, store, project):
    as_user.coordinator()
    with store.transaction() as tx:
        tid = tx.table(work.TASKS).insert(task("Jaarplan", "2099-01-01"))
    client.post(f"/beheer/planning/taken/{tid}/prioriteit")
    with app.test_request_context("/beheer/"):
        html = render_template("planning/_today.html", panel=week_panel(store.read()))
    assert "Jaarplan" in html and "Flyers drukken" in html  # chosen, and due today
    week = client.post(f"/beheer/planning/taken/{tid}/status", data={"status": "klaar", "in": "week"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert week.lstrip().startswith('<section id="deze-week"') and "Jaarplan" not in week
