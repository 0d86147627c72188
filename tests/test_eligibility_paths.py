"""Every way a volunteer can end up on a case asks the one eligibility rule
(`buurtbemiddeling/matching/eligibility.py`) and refuses an excluded volunteer with the reason.

Paths: a shown duo and one's own duo on Koppelen, the case page's "Bemiddelaars → Duo
bewaren", the last "ja" to a proposal (coordinator or portal), and the import. Two inventory
tests keep it so: every function that writes a case's or a proposal's duo is listed here
with its proof, and every POST route of the app is tried with the excluded volunteer in
every field a duo could come from.
"""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from common import clock
from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import repo as case_repo
from buurtbemiddeling.matching import proposals

from . import matching_data
from .portal_data import PASSWORD, login
from .source_tree import parsed

ROOT = Path(__file__).resolve().parents[1]
SAME_STREET = "Woont in dezelfde straat als partij A"


class World:
    def __init__(self, store):
        self.store = store
        self.case = matching_data.add_case(store)  # parties on Lindelaan 12 and 14, in intake, geschikt
        self.els, = matching_data.add_volunteers(store, "Els", street="Lindelaan 40")  # a neighbour of both
        self.piet, self.jan = matching_data.add_volunteers(store, "Piet", "Jan")
        self.busy, = matching_data.add_volunteers(store, "Bea", max_cases=1)
        other = matching_data.add_case(store)
        with store.transaction() as tx:
            tx.table("cases").update({"duo": [self.busy, self.jan], "step": "gekoppeld"}, doc_ids=[other])

    def duo(self, case_id=None):
        return self.store.read().table("cases").get(doc_id=case_id or self.case).get("duo") or []

    def timeline(self):
        return [e for e in self.store.read().table(case_repo.EVENTS).all() if e.get("case_id") == self.case]

    def proposals(self):
        return self.store.read().table(proposals.PROPOSALS).all()

    def account(self, volunteer_id, email):
        user = users.create_account(self.store, email, "volunteer", email.split("@")[0], volunteer_id=volunteer_id)
        users.set_password(self.store, user.id, PASSWORD)
        return user


@pytest.fixture
def world(store, as_user):
    as_user.coordinator()
    return World(store)


def text(response):
    return response.get_data(as_text=True)


text_of = text


# -- each path refuses an excluded volunteer, with the reason -------------------------------

def test_proposing_a_shown_duo_with_an_excluded_volunteer_is_refused(client, world):
    response = client.post(f"/beheer/zaken/{world.case}/koppelen", data={"duo": f"{world.els}-{world.piet}"})
    assert response.status_code == 422 and f"Els: {SAME_STREET}" in text(response)
    assert world.proposals() == []


def test_proposing_an_own_duo_with_an_excluded_volunteer_is_refused(client, world):
    response = client.post(f"/beheer/zaken/{world.case}/koppelen", data={"first": world.els, "second": world.piet})
    assert response.status_code == 422 and f"Els: {SAME_STREET}" in text(response)
    assert world.proposals() == []


def test_the_case_pages_duo_form_refuses_an_excluded_volunteer_with_the_reason(client, world):
    response = client.post(f"/beheer/zaken/{world.case}/duo", data={"duo": [world.els, world.piet]})
    assert response.status_code == 422 and f"Els: {SAME_STREET}" in text(response)
    assert "Het duo is bewaard" not in text(response) and world.duo() == []
    assert "Reden om toch te koppelen" not in text(response)  # a neighbour is never overridden


def test_the_case_pages_duo_form_saves_an_eligible_duo(client, world):
    assert client.post(f"/beheer/zaken/{world.case}/duo", data={"duo": [world.piet, world.jan]}).status_code == 303
    assert world.duo() == [world.piet, world.jan]


def test_a_volunteer_who_became_excluded_after_the_proposal_is_not_coupled_by_the_last_yes(client, world):
    proposal_id = proposals.propose(world.store, world.case, [world.piet, world.jan], {world.piet: "Piet", world.jan: "Jan"},
                                    score=10, reasons=[], user=matching_data.Coordinator())
    with world.store.transaction() as tx:  # Jan moved next door to partij A
        tx.table("volunteers").update({"street": "Lindelaan 3"}, doc_ids=[world.jan])
    client.post(f"/beheer/zaken/{world.case}/koppelen/{proposal_id}/antwoord", data={"volunteer_id": world.piet, "answer": "ja"})
    response = client.post(f"/beheer/zaken/{world.case}/koppelen/{proposal_id}/antwoord",
                           data={"volunteer_id": world.jan, "answer": "ja"})
    assert response.status_code == 422 and f"Jan: {SAME_STREET}" in text(response)
    assert world.duo() == []


def test_the_portals_yes_does_not_couple_a_volunteer_who_became_excluded(app, world):
    proposal_id = proposals.propose(world.store, world.case, [world.piet, world.jan], {world.piet: "Piet", world.jan: "Jan"},
                                    score=10, reasons=[], user=matching_data.Coordinator())
    proposals.record_answer(world.store, proposal_id, world.piet, "ja", user=matching_data.Coordinator())
    with world.store.transaction() as tx:
        tx.table("volunteers").update({"street": "Lindelaan 3"}, doc_ids=[world.jan])
    world.account(world.jan, "jan@example.nl")
    portal = app.test_client()
    login(portal, "jan@example.nl")
    response = portal.post(f"/portaal/voorstellen/{proposal_id}", data={"answer": "ja"}, follow_redirects=True)
    page = text(response)
    assert "Uw antwoord is niet vastgelegd" in page and SAME_STREET in page
    assert world.duo() == []
    assert any(e["action"] == "eligibility.refused" for e in world.store.audit_entries())


def test_a_volunteer_whose_required_qualification_expired_is_refused(client, world):
    with world.store.transaction() as tx:
        vog = tx.table("trainings").insert({"name": "VOG", "kind": "kwalificatie", "hours": 0, "validity_months": 36,
                                            "required": True})
        tx.table("training_records").insert({"volunteer_id": world.piet, "training_id": vog, "date": "2020-01-06", "hours": 0})
        tx.table("training_records").insert({"volunteer_id": world.jan, "training_id": vog, "date": "2025-01-06", "hours": 0})
    response = client.post(f"/beheer/zaken/{world.case}/duo", data={"duo": [world.piet, world.jan]})
    assert response.status_code == 422 and "Piet: VOG verlopen op 06-01-2023: niet inzetbaar" in text(response)
    assert world.duo() == []


IMPORT = ("Aangemeld;Stap;Partij A;Adres A;Adres B;Soort conflict;Intake besloten op;Bemiddelaars;Gekoppeld op\n"
          "02-02-2026;Bemiddelaars gekoppeld;Nel Post;Lindelaan 2;Lindelaan 4;geluidsoverlast;03-02-2026;{duo};04-02-2026\n")


def test_an_import_of_a_running_case_refuses_an_excluded_mediator_and_writes_nothing(client, world):
    text = IMPORT.format(duo="Els | Piet")
    preview = client.post("/beheer/zaken/import", data={"text": text})
    assert preview.status_code == 422 and f"Els: {SAME_STREET}" in text_of(preview)
    assert client.post("/beheer/zaken/import/bevestigen", data={"text": text}).status_code == 422
    assert [c for c in world.store.read().table("cases").all() if world.els in (c.get("duo") or [])] == []


def test_an_import_of_a_running_case_with_eligible_mediators_puts_them_on_it(client, world):
    text = IMPORT.format(duo="Piet | Jan")
    assert client.post("/beheer/zaken/import/bevestigen", data={"text": text}).status_code == 303
    [imported] = [c for c in world.store.read().table("cases").all() if c.get("source") == "import"]
    assert imported["duo"] == [world.piet, world.jan]


# -- overrides: only what the programme allows, with a reason, on the timeline and in the audit log

def test_a_full_load_may_be_overridden_on_the_case_page_with_a_reason(client, world):
    first = client.post(f"/beheer/zaken/{world.case}/duo", data={"duo": [world.busy, world.piet]})
    assert first.status_code == 422 and "Bea: Heeft al 1 van maximaal 1 zaken" in text(first)
    assert "Reden om toch te koppelen" in text(first) and world.duo() == []
    reason = "Bea spreekt Turks en wil deze zaak er graag bij doen."
    second = client.post(f"/beheer/zaken/{world.case}/duo", data={"duo": [world.busy, world.piet], "override_reason": reason})
    assert second.status_code == 303 and world.duo() == [world.busy, world.piet]
    [event] = [e for e in world.timeline() if e.get("kind") == "duo"]
    assert "Toch gekoppeld ondanks: Bea: Heeft al 1 van maximaal 1 zaken" in event["note"] and reason in event["note"]
    page = text(client.get(f"/beheer/zaken/{world.case}"))
    assert "Toch gekoppeld ondanks" in page
    [audit] = [e for e in world.store.audit_entries() if e["action"] == "eligibility.override"]
    assert audit["record"] == f"case:{world.case}" and audit["reason"] == reason


def test_a_conflict_of_interest_is_not_overridden_even_with_a_reason(client, world):
    response = client.post(f"/beheer/zaken/{world.case}/duo",
                           data={"duo": [world.els, world.piet], "override_reason": "Zij kent ze niet."})
    assert response.status_code == 422 and SAME_STREET in text(response) and world.duo() == []


def test_a_proposal_made_with_an_override_couples_the_duo_after_both_say_yes(client, world):
    reason = "Bea heeft ruimte gemaakt."
    response = client.post(f"/beheer/zaken/{world.case}/koppelen",
                           data={"first": world.busy, "second": world.piet, "override_reason": reason})
    assert response.status_code == 303
    [proposal] = world.proposals()
    assert proposal["override"]["reason"] == reason
    for vid in (world.busy, world.piet):
        client.post(f"/beheer/zaken/{world.case}/koppelen/{proposal.doc_id}/antwoord", data={"volunteer_id": vid, "answer": "ja"})
    assert world.duo() == [world.busy, world.piet]
    notes = " ".join(e.get("note", "") + e.get("text", "") for e in world.timeline())
    assert "Toch voorgesteld ondanks" in notes and "Toch gekoppeld ondanks" in notes
    assert any(e["action"] == "eligibility.override" for e in world.store.audit_entries())


# -- the step to actief without a required qualification ------------------------------------

@pytest.fixture
def trainee(world):
    vid, = matching_data.add_volunteers(world.store, "Tineke", step="meeloopperiode")
    with world.store.transaction() as tx:
        tx.table("trainings").insert({"name": "VOG", "kind": "kwalificatie", "hours": 0, "validity_months": 36,
                                      "required": True})
    return vid


def test_making_a_volunteer_actief_without_the_required_vog_is_blocked_with_the_reason(client, world, trainee):
    response = client.post(f"/beheer/vrijwilligers/{trainee}/stap", data={"to": "actief"})
    assert response.status_code == 422 and "Niet in orde: VOG ontbreekt" in text(response)
    assert "Reden om toch actief te maken" in text(response)
    assert world.store.read().table("volunteers").get(doc_id=trainee)["step"] == "meeloopperiode"


def test_the_coordinator_may_make_her_actief_anyway_with_a_reason_kept_in_history_and_audit(client, world, trainee):
    reason = "VOG is aangevraagd; zij loopt alleen mee met Piet."
    response = client.post(f"/beheer/vrijwilligers/{trainee}/stap", data={"to": "actief", "override_reason": reason})
    assert response.status_code == 303
    doc = world.store.read().table("volunteers").get(doc_id=trainee)
    assert doc["step"] == "actief" and doc["steps"][-1]["override"] == {"reason": reason, "missing": ["VOG ontbreekt"]}
    page = text(client.get(f"/beheer/vrijwilligers/{trainee}"))
    assert "Toch actief" in page and reason in page
    [audit] = [e for e in world.store.audit_entries() if e["action"] == "qualification.override"]
    assert audit["record"] == f"volunteer:{trainee}"


def test_with_a_valid_vog_she_becomes_actief_without_a_question(client, world, trainee):
    with world.store.transaction() as tx:
        vog = tx.table("trainings").all()[-1].doc_id
        tx.table("training_records").insert({"volunteer_id": trainee, "training_id": vog,
                                             "date": (clock.today() - dt.timedelta(days=30)).isoformat(), "hours": 0})
    assert client.post(f"/beheer/vrijwilligers/{trainee}/stap", data={"to": "actief"}).status_code == 303


# -- inventory: every writer of a duo is known, every route is tried ------------------------

# Function (module path, name) -> the test above proving its path asks eligibility first.
DUO_WRITERS = {
    ("buurtbemiddeling/cases/views.py", "set_duo"): test_the_case_pages_duo_form_refuses_an_excluded_volunteer_with_the_reason,
    ("buurtbemiddeling/matching/proposals.py", "new_proposal"): test_proposing_an_own_duo_with_an_excluded_volunteer_is_refused,
    ("buurtbemiddeling/matching/proposals.py", "assign_change"): test_the_portals_yes_does_not_couple_a_volunteer_who_became_excluded,
    ("buurtbemiddeling/cases/importing.py", "_check_row"): test_an_import_of_a_running_case_refuses_an_excluded_mediator_and_writes_nothing,
}
# Functions that build a duo into something shown, not stored on a case or proposal.
DUO_SHOWN = {("buurtbemiddeling/cases/csv_io.py", "export_values"), ("buurtbemiddeling/cases/page.py", "appointments_section")}
SKIP_DIRS = ("demo",)  # demo data is written by the demo command, not by a user


def _writes_duo(node: ast.AST) -> bool:
    """A dict literal with key "duo" and a non-empty value, or `x["duo"] = ...`: a duo being set.
    Error messages for the form field "duo" (`errors={"duo": ...}`) are not."""
    messages = {id(k.value) for k in ast.walk(node) if isinstance(k, ast.keyword) and k.arg == "errors"}
    for child in ast.walk(node):
        if isinstance(child, ast.Dict) and id(child) not in messages:
            for key, value in zip(child.keys, child.values):
                if isinstance(key, ast.Constant) and key.value == "duo" and not (
                        isinstance(value, ast.List) and not value.elts) and not isinstance(value, ast.ListComp):
                    return True
        if isinstance(child, ast.Assign):
            for target in child.targets:
                if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and target.slice.value == "duo":
                    return True
    return False


def duo_writers() -> set[tuple[str, str]]:
    found = set()
    for path in sorted((ROOT / "buurtbemiddeling").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if any(f"/{d}/" in f"/{relative}" for d in SKIP_DIRS):
            continue
        for node in parsed(path).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _writes_duo(node):
                found.add((relative, node.name))
    return found


def test_every_function_that_sets_a_duo_is_known_and_asks_the_eligibility_rule():
    assert duo_writers() - DUO_SHOWN == set(DUO_WRITERS), (
        "A new way to put volunteers on a case: make it ask matching.eligibility (judge + allow) and add it to "
        "DUO_WRITERS with a test that it refuses an excluded volunteer.")


def test_the_writer_inventory_would_see_a_new_writer():
    sample = ast.parse('def assign(tx, case_id, ids):\n    tx.table("cases").update({"duo": ids}, doc_ids=[case_id])\n')
    assert _writes_duo(sample) and not _writes_duo(ast.parse('def empty():\n    return {"duo": []}\n'))


FIELDS = ("duo", "first", "second", "volunteer_id", "volunteer", "volunteers", "mediators", "bemiddelaars", "ids")


def test_no_route_puts_an_excluded_volunteer_on_a_case(app, client, world):
    """Every POST route, as the coordinator, with Els in every field a duo could come from."""
    from .test_route_inventory import LOGGING_OUT, PUBLIC, url_of

    proposal_id = proposals.propose(world.store, world.case, [world.piet, world.jan], {world.piet: "Piet", world.jan: "Jan"},
                                    score=10, reasons=[], user=matching_data.Coordinator())
    # user_id points nowhere: changing the coordinator's own account would end the session.
    values = {"case_id": world.case, "volunteer_id": world.els, "proposal_id": proposal_id, "user_id": 999_999}
    data = {name: [str(world.els), str(world.piet)] for name in FIELDS} | {
        "first": str(world.els), "second": str(world.piet), "answer": "ja", "to": "gekoppeld",
        "text": "Nummer;Aangemeld;Partij A;Adres A;Adres B;Soort conflict;Bemiddelaars\n"
                "2026-0099;01-02-2026;Nel;Lindelaan 2;Lindelaan 4;geluidsoverlast;Els | Piet\n"}
    tried, let_in = 0, []
    # A duo comes as two values of `duo` (case page) or as one "3-7" (a shown duo on Koppelen).
    for variant in (data, data | {"duo": f"{world.els}-{world.piet}"}):
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or rule.endpoint in LOGGING_OUT | PUBLIC or not rule.rule.startswith("/beheer/"):
                continue
            response = client.post(url_of(rule, values), data=variant)
            assert "/inloggen" not in response.headers.get("Location", ""), f"{rule.endpoint} ended the session"
            tried += 1
            view = world.store.read()  # checked after each post: a later route may take her off again
            if any(world.els in (c.get("duo") or []) for c in view.table("cases").all()) or any(
                    world.els in p["duo"] for p in view.table(proposals.PROPOSALS).all()):
                let_in.append(rule.endpoint)
                with world.store.transaction() as tx:
                    for c in tx.table("cases").all():
                        tx.table("cases").update({"duo": [v for v in c.get("duo") or [] if v != world.els]}, doc_ids=[c.doc_id])
                    tx.table(proposals.PROPOSALS).remove(lambda p: world.els in p["duo"])
    assert tried > 50
    assert let_in == []
