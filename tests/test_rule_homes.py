"""One test per finding of issue 13 that is not in its own module: each failed on the old main.

Coaching requests, closed and solved, the public figures and a correction out of afgesloten."""
from __future__ import annotations

import datetime as dt

import pytest

from common import clock
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
    today = clock.today().isoformat()
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
                                                  "date": clock.today().isoformat(), "kind": "individueel",
                                                  "content": "Over haar eerste zaak."})
    page = text(client.get("/beheer/coaching/"))
    follow_ups = page.split('id="vervolg-titel"')[1].split("</section>")[0]
    assert "Nog geen coachingsnotities" not in follow_ups and "Geen vervolgacties" in follow_ups
    assert "Over haar eerste zaak." in page


# -- closed, solved and the public figures ------------------------------------------------

from buurtbemiddeling.cases import repo, workflow  # noqa: E402
from figures import cases as case_rules  # noqa: E402
from figures.public import public_figures  # noqa: E402
from tests.source_tree import parsed  # noqa: E402


def closed(outcome, step="afgesloten"):
    return {"step": step, "reported_at": "2025-03-01T10:00:00", "closing": {"outcome": outcome, "closed_on": "2025-05-01"}}


def test_solved_closed_and_positive_are_different_words_for_different_things():
    assert case_rules.is_solved(closed("opgelost")) and not case_rules.is_solved(closed("deels-opgelost"))
    assert case_rules.ended_positively(closed("deels-opgelost")) and not case_rules.ended_positively(closed("niet-opgelost"))
    assert case_rules.is_ended({"step": "ongeschikt"}) and not case_rules.is_closed({"step": "ongeschikt"})
    assert not case_rules.is_closed(closed("opgelost", step="nazorg"))


def test_matching_counts_a_pair_as_solving_a_case_by_the_same_rule_as_the_figures(store):
    from buurtbemiddeling.matching import facts
    a, b = matching_data.add_volunteers(store, "Ayse", "Kees")
    for outcome in ("opgelost", "deels-opgelost"):
        case_id = matching_data.add_case(store)
        with store.transaction() as tx:
            tx.table("cases").update({"duo": [a, b], **closed(outcome)}, doc_ids=[case_id])
    record = facts.pair_history(store.read())[frozenset({a, b})]
    cases = store.read().table("cases").all()
    assert record.solved == sum(case_rules.is_solved(c) for c in cases) == 1


def test_a_case_corrected_out_of_afgesloten_loses_its_closing_and_no_longer_counts_as_solved(client, store, as_user):
    as_user.coordinator()
    case_id = matching_data.add_case(store)
    with store.transaction() as tx:
        tx.table("cases").update(closed("opgelost"), doc_ids=[case_id])
    response = client.post(f"/beheer/zaken/{case_id}/correctie", data={"to": "nazorg", "note": "Te vroeg afgesloten"})
    assert response.status_code == 303
    case = store.read().table("cases").get(doc_id=case_id)
    assert case["step"] == "nazorg" and not case.get("closing")
    [event] = [e for e in repo.timeline(store.read(), case_id) if e.get("correction")]
    assert event["closing_undone"]["outcome"] == "opgelost" and "afsluiting is teruggedraaid" in event["note"]
    figures = public_figures([case], [], today=dt.date(2025, 6, 1), threshold=1)
    assert figures["solved"]["closed"].value == 0


def test_a_correction_does_not_close_a_case_without_an_outcome():
    case = {"step": "nazorg", "reported_at": "2025-03-01"}
    with pytest.raises(workflow.WorkflowError, match="Zaak afsluiten"):
        workflow.correct(case, {"to": "afgesloten", "note": "klaar"})
    with pytest.raises(workflow.WorkflowError, match="besluit bij de intake"):
        workflow.correct(case, {"to": "ongeschikt", "note": "toch niet"})


def test_the_public_page_counts_only_closed_cases_like_the_annual_report():
    from figures.period import year
    from figures.report import closed_in, solved_share
    cases = [closed("opgelost")] * 5 + [closed("niet-opgelost")] * 5 + [closed("opgelost", step="nazorg")] * 5
    public = public_figures(cases, [], today=dt.date(2025, 12, 31), threshold=5)
    annual = solved_share(closed_in(cases, year(2025)))
    assert public["solved"]["closed"].value == annual.whole == 10 and public["solved"]["percent"] == 50


# -- the reported date ----------------------------------------------------------------------------

def test_the_reported_date_is_read_only_through_its_home():
    """Reading `reported_at` (or falling back to `created_at`) is figures.cases' job; the others
    only write it: when a case is made, edited or imported."""
    import ast
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    writers = {"figures/cases.py", "buurtbemiddeling/cases/repo.py", "buurtbemiddeling/cases/views.py",
               "buurtbemiddeling/cases/records.py",  # reads the edit form's field, not a stored case
               "buurtbemiddeling/cases/importing.py"}
    reading = set()
    for folder in ("buurtbemiddeling", "figures", "common", "forms", "sitebuilder"):
        for path in (root / folder).rglob("*.py"):
            name = path.relative_to(root).as_posix()
            if name in writers or "/demo/" in name:
                continue
            for node in ast.walk(parsed(path)):
                read = (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                        or isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load))
                key = node.args[0] if isinstance(node, ast.Call) and node.args else getattr(node, "slice", None)
                if read and isinstance(key, ast.Constant) and key.value == "reported_at":
                    reading.add(f"{name}:{node.lineno}")
    templates = {p.relative_to(root).as_posix() for p in (root / "buurtbemiddeling").rglob("*.html")
                 if ".reported_at" in p.read_text("utf-8")}
    assert (sorted(reading), sorted(templates)) == ([], [])


def test_a_case_without_a_report_moment_shows_and_counts_its_creation_day(client, store, coordinator):
    from buurtbemiddeling.cases import repo, search
    from figures import cases as case_rules
    case_id = matching_data.add_case(store)
    with store.transaction() as tx:  # a case stored before cases kept their report moment
        tx.table(repo.CASES).update({"reported_at": "", "created_at": "2025-03-04T10:00:00+01:00"}, doc_ids=[case_id])
    case = store.read().table(repo.CASES).get(doc_id=case_id)
    assert case_rules.reported_on(case) == dt.date(2025, 3, 4)
    assert search.years([case]) == ["2025"]
    listed = text(client.get("/beheer/zaken/?year=2025"))
    assert "04-03-2025" in listed and case["number"] in listed
