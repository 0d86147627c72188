"""Proposing a duo for a case, and each volunteer's yes or no.

A proposal (table `duo_proposals`): {"case_id", "duo": [id, id], "names": {id: name},
"score", "reasons": [factor texts at the time], "status", "answers": {str(id): {"answer":
"ja"|"nee", "note", "at", "by", "via"}}, "proposed_at", "proposed_by", "decided_at"}.
One proposal per case is open at a time; a new one withdraws the old. A "nee" ends the
proposal at once (a duo needs both). When both said "ja" the duo is assigned on the case
and, when the case waits in intake, the case moves to *Bemiddelaars gekoppeld* through the
cases workflow, in the same transaction as the answer.

Answers are recorded by the coordinator now; the volunteer portal can call `record_answer`
with `via="portaal"` later. The upper half is pure; the lower half writes through `db`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from db import Store
from common import clock

from ..cases import repo as case_repo
from ..cases import workflow
from . import eligibility
from common import tables

PROPOSALS = tables.DUO_PROPOSALS
STATUSES = {"voorgesteld": "Wacht op antwoord", "gekoppeld": "Gekoppeld", "afgewezen": "Afgewezen",
            "ingetrokken": "Ingetrokken"}
ANSWERS = {"ja": "Doet mee", "nee": "Kan niet"}
MAX_NOTE = 500


class ProposalError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# -- rules (pure) -----------------------------------------------------------------------

def can_propose(case: Mapping[str, Any]) -> str | None:
    """Why a duo cannot be proposed for this case now, or None when it can."""
    step = case.get("step")
    if not workflow.is_open(case):
        return "Voor een zaak die niet loopt stelt u geen duo voor."
    if step == "aangemeld":
        return "Start eerst de intake."
    if step == "intake" and (case.get("intake") or {}).get("decision") != "geschikt":
        return "Leg eerst bij de intake vast dat de zaak geschikt is."
    return None


def check_pair(duo: Sequence[int]) -> None:
    if len(duo) != 2 or duo[0] == duo[1]:
        raise ProposalError("Kies twee verschillende bemiddelaars: zij werken altijd als duo.", "duo")


def new_proposal(case: Mapping[str, Any], duo: Sequence[int], names: Mapping[int, str], *, score: float,
                 reasons: Sequence[str], by: str, at: dt.datetime, override: Mapping | None = None) -> dict[str, Any]:
    """`override`: what eligibility.allow returned when the coordinator overrode an exclusion."""
    why = can_propose(case)
    if why:
        raise ProposalError(why)
    duo = [int(v) for v in duo]
    check_pair(duo)
    unknown = [v for v in duo if v not in names]
    if unknown:
        raise ProposalError("Kies bemiddelaars die actief zijn.", "duo")
    return {
        "case_id": getattr(case, "doc_id", case.get("id")), "duo": duo, "names": {str(v): names[v] for v in duo},
        "score": round(float(score), 1), "reasons": list(reasons)[:30], "status": "voorgesteld", "answers": {},
        "proposed_at": at.isoformat(timespec="seconds"), "proposed_by": by, "decided_at": None,
        "override": dict(override) if override else None,
    }


def answer(proposal: Mapping[str, Any], volunteer_id: int, given: str, *, note: str = "", by: str,
           at: dt.datetime, via: str = "coördinator") -> dict[str, Any]:
    """The proposal with this volunteer's answer; its status follows from all answers."""
    if proposal.get("status") != "voorgesteld":
        raise ProposalError(f"Dit voorstel is al {STATUSES.get(proposal.get('status'), '').lower()}.")
    if volunteer_id not in proposal["duo"]:
        raise ProposalError("Deze vrijwilliger hoort niet bij dit voorstel.", "volunteer")
    if given not in ANSWERS:
        raise ProposalError("Kies of de vrijwilliger meedoet of niet.", "answer")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise ProposalError(f"Gebruik bij de toelichting maximaal {MAX_NOTE} tekens.", "note")
    answers = {**proposal.get("answers", {}),
               str(volunteer_id): {"answer": given, "note": note, "at": at.isoformat(timespec="seconds"), "by": by, "via": via}}
    status = status_of(proposal["duo"], answers)
    return {**proposal, "answers": answers, "status": status,
            "decided_at": at.isoformat(timespec="seconds") if status != "voorgesteld" else None}


def status_of(duo: Sequence[int], answers: Mapping[str, Mapping]) -> str:
    given = [answers.get(str(v), {}).get("answer") for v in duo]
    if "nee" in given:
        return "afgewezen"
    return "gekoppeld" if all(a == "ja" for a in given) else "voorgesteld"


def assign_change(case: Mapping[str, Any], proposal: Mapping[str, Any], *, today: dt.date) -> workflow.Change:
    """Both said yes: the duo on the case, and from intake on to *Bemiddelaars gekoppeld*.
    The caller asked `eligibility` first: things change between a proposal and the last yes."""
    duo = list(proposal["duo"])
    names = " en ".join(proposal["names"][str(v)] for v in duo)
    if proposal.get("override"):
        names += f". {eligibility.override_note(proposal['override'])}"
    if case.get("step") == "intake":
        change = workflow.transition({**case, "duo": duo}, "gekoppeld", {"note": f"Duo: {names}"}, today=today)
        return workflow.Change({**change.updates, "duo": duo}, {**change.event, "duo": duo})
    return workflow.Change({"duo": duo}, {"kind": "duo", "duo": duo, "note": f"Duo: {names} (voorstel aanvaard)"})


def waiting_for(proposal: Mapping[str, Any]) -> list[int]:
    return [v for v in proposal["duo"] if str(v) not in proposal.get("answers", {})]


# -- in the store ------------------------------------------------------------------------

def proposals_of(view, case_id: int) -> list:
    return sorted(view.index(PROPOSALS, "case_id").get(case_id, ()),
                  key=lambda p: (p.get("proposed_at", ""), p.doc_id), reverse=True)


def open_proposal(view, case_id: int):
    return next((p for p in proposals_of(view, case_id) if p.get("status") == "voorgesteld"), None)


def _by(user) -> str:
    return getattr(user, "name", "") or getattr(user, "email", "") or str(getattr(user, "id", ""))


def propose(store: Store, case_id: int, duo: Sequence[int], names: Mapping[int, str], *, score: float,
            reasons: Sequence[str], user, override: Mapping | None = None) -> int:
    """Record a proposal (withdrawing an open one) and note it on the case's timeline; an
    override of an exclusion goes on the timeline too (the caller writes the audit line)."""
    at = clock.now()
    with store.transaction() as tx:
        case = tx.table(case_repo.CASES).get(doc_id=case_id)
        if case is None:
            raise case_repo.NotFound(case_id)
        doc = new_proposal(case, duo, names, score=score, reasons=reasons, by=_by(user), at=at, override=override)
        table = tx.table(PROPOSALS)
        for old in table.all():
            if old.get("case_id") == case_id and old.get("status") == "voorgesteld":
                table.update({"status": "ingetrokken", "decided_at": doc["proposed_at"]}, doc_ids=[old.doc_id])
        proposal_id = table.insert(doc)
        text = f"Duo voorgesteld: {' en '.join(doc['names'].values())}. Wacht op hun antwoord."
        if override:
            text += f" {eligibility.override_note(override).replace('Toch gekoppeld', 'Toch voorgesteld')}"
        case_repo.add_entry(store, case_id, {"kind": "note", "text": text}, user)
    return proposal_id


def record_answer(store: Store, proposal_id: int, volunteer_id: int, given: str, *, note: str = "", user,
                  via: str = "coördinator", radius: int = 6) -> dict:
    """Record one answer; with the second yes the duo is assigned on the case (one transaction),
    if both may still be on it (eligibility.EligibilityError otherwise; nothing is written)."""
    at = clock.now()
    with store.transaction() as tx:
        proposal = tx.table(PROPOSALS).get(doc_id=proposal_id)
        if proposal is None:
            raise case_repo.NotFound(proposal_id)
        updated = answer(proposal, volunteer_id, given, note=note, by=_by(user), at=at, via=via)
        tx.table(PROPOSALS).update({k: updated[k] for k in ("answers", "status", "decided_at")}, doc_ids=[proposal_id])
        if updated["status"] == "gekoppeld":
            def assign(case):
                verdict = eligibility.judge(tx, case, updated["duo"], radius=radius, today=at.date(),
                                            keep=case.get("duo") or ())
                eligibility.allow(verdict, accepted=(updated.get("override") or {}).get("exclusions", ()))
                return assign_change(case, updated, today=at.date())
            case_repo.change(store, proposal["case_id"], assign, user)
        elif updated["status"] == "afgewezen":
            name = updated["names"][str(volunteer_id)]
            case_repo.add_entry(store, proposal["case_id"], {"kind": "note", "text": f"{name} kan niet meedoen; "
                                                             "het voorgestelde duo vervalt." + (f" ({note})" if note else "")}, user)
    return updated
