"""Proposing a duo, each volunteer's answer, and the case moving on when both said yes."""
from __future__ import annotations

import datetime as dt

import pytest

from buurtbemiddeling.cases import repo as case_repo
from buurtbemiddeling.matching import facts, proposals
from buurtbemiddeling.matching.proposals import ProposalError

from .matching_data import Coordinator, add_case, add_volunteers

AT = dt.datetime(2026, 3, 2, 10, 0)


def test_a_duo_cannot_be_proposed_before_the_intake_found_the_case_suitable():
    assert proposals.can_propose({"step": "intake", "intake": {"decision": ""}}) == \
        "Leg eerst bij de intake vast dat de zaak geschikt is."
    assert proposals.can_propose({"step": "afgesloten"}) == "Voor een zaak die niet loopt stelt u geen duo voor."
    assert proposals.can_propose({"step": "intake", "intake": {"decision": "geschikt"}}) is None


def test_a_duo_is_two_different_active_volunteers():
    case = {"step": "intake", "intake": {"decision": "geschikt"}, "id": 1}
    with pytest.raises(ProposalError, match="twee verschillende"):
        proposals.new_proposal(case, [3, 3], {3: "Els"}, score=1, reasons=[], by="C", at=AT)
    with pytest.raises(ProposalError, match="actief"):
        proposals.new_proposal(case, [3, 4], {3: "Els"}, score=1, reasons=[], by="C", at=AT)


def test_one_no_ends_the_proposal_and_two_yeses_link_the_duo():
    case = {"step": "intake", "intake": {"decision": "geschikt"}, "id": 1}
    proposal = proposals.new_proposal(case, [3, 4], {3: "Els", 4: "Kees"}, score=80, reasons=["x"], by="C", at=AT)
    first = proposals.answer(proposal, 3, "ja", by="C", at=AT)
    assert first["status"] == "voorgesteld" and proposals.waiting_for(first) == [4]
    assert proposals.answer(first, 4, "nee", note="op vakantie", by="C", at=AT)["status"] == "afgewezen"
    both = proposals.answer(first, 4, "ja", by="C", at=AT)
    assert both["status"] == "gekoppeld" and both["decided_at"] == AT.isoformat()
    with pytest.raises(ProposalError, match="al gekoppeld"):
        proposals.answer(both, 4, "nee", by="C", at=AT)


def test_when_both_said_yes_the_duo_is_on_the_case_and_it_moves_to_bemiddelaars_gekoppeld(store):
    case_id = add_case(store)
    els, kees = add_volunteers(store, "Els", "Kees")
    proposal_id = proposals.propose(store, case_id, [els, kees], {els: "Els", kees: "Kees"}, score=90,
                                    reasons=["Spreekt Turks"], user=Coordinator())
    proposals.record_answer(store, proposal_id, els, "ja", user=Coordinator())
    assert case_repo.get_case(store.read(), case_id)["step"] == "intake"
    proposals.record_answer(store, proposal_id, kees, "ja", user=Coordinator())
    case = case_repo.get_case(store.read(), case_id)
    assert case["step"] == "gekoppeld" and case["duo"] == [els, kees]
    last = case_repo.timeline(store.read(), case_id)[-1]
    assert (last["kind"], last["to"], last["note"]) == ("step", "gekoppeld", "Duo: Els en Kees")


def test_a_new_proposal_withdraws_the_open_one(store):
    case_id = add_case(store)
    a, b, c = add_volunteers(store, "A", "B", "C")
    names = {a: "A", b: "B", c: "C"}
    first = proposals.propose(store, case_id, [a, b], names, score=1, reasons=[], user=Coordinator())
    second = proposals.propose(store, case_id, [a, c], names, score=1, reasons=[], user=Coordinator())
    view = store.read()
    assert view.table(proposals.PROPOSALS).get(doc_id=first)["status"] == "ingetrokken"
    assert proposals.open_proposal(view, case_id).doc_id == second


def test_a_refusal_is_noted_on_the_timeline_and_the_case_stays_in_intake(store):
    case_id = add_case(store)
    a, b = add_volunteers(store, "Anouk", "Bas")
    proposal_id = proposals.propose(store, case_id, [a, b], {a: "Anouk", b: "Bas"}, score=1, reasons=[], user=Coordinator())
    proposals.record_answer(store, proposal_id, b, "nee", note="verhuist", user=Coordinator())
    assert case_repo.get_case(store.read(), case_id)["step"] == "intake"
    assert "Bas kan niet meedoen" in case_repo.timeline(store.read(), case_id)[-1]["text"]


def test_a_linked_case_counts_towards_the_volunteers_load(store):
    case_id = add_case(store)
    a, b = add_volunteers(store, "Anouk", "Bas")
    proposal_id = proposals.propose(store, case_id, [a, b], {a: "Anouk", b: "Bas"}, score=1, reasons=[], user=Coordinator())
    proposals.record_answer(store, proposal_id, a, "ja", user=Coordinator())
    proposals.record_answer(store, proposal_id, b, "ja", user=Coordinator())
    loads = {c.id: c.load for c in facts.candidates(store.read())}
    assert loads == {a: 1, b: 1}
    # ...but not while matching that same case again.
    assert {c.id: c.load for c in facts.candidates(store.read(), skip_case=case_id)} == {a: 0, b: 0}


def test_pairs_that_closed_cases_together_are_remembered_with_their_outcomes(store):
    a, b = add_volunteers(store, "Anouk", "Bas")
    for outcome in ("opgelost", "opgelost", "niet-opgelost"):
        add_case(store, step="aangemeld", duo=[a, b])
        with store.transaction() as tx:
            last = max(c.doc_id for c in tx.table("cases").all())
            tx.table("cases").update({"step": "afgesloten", "closing": {"outcome": outcome}}, doc_ids=[last])
    record = facts.pair_history(store.read())[frozenset((a, b))]
    assert (record.cases, record.solved) == (3, 2)
    assert {c.id: c.mediations for c in facts.candidates(store.read())} == {a: 3, b: 3}
