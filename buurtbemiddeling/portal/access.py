"""Who sees what in the portal. Pure: views in, lists of docs out.

A volunteer sees a case only while their volunteer id is in the case's `duo`, a proposal
only when they are one of its two, and only their own claims, trainings and events. A
partner sees the stage and outcome of the cases their organisation referred (the same
rule as the partner feedback in the reports), never names or what was said.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from figures import cases as case_rules

from ..budget import ledger
from ..cases import appointments
from ..cases import repo as case_repo
from ..cases import workflow
from ..matching import proposals
from ..network import partners as network
from ..reporting import partners as partner_rules
from ..reporting.sources import referred_cases
from ..volunteers import events, qualifications

# Timeline entries the duo wrote in the portal: what they may read back on the case.
PORTAL = "portaal"


def volunteer_of(user) -> int | None:
    vid = getattr(user, "volunteer_id", None)
    return vid if isinstance(vid, int) else None


def in_duo(case: Mapping[str, Any] | None, volunteer_id: int | None) -> bool:
    return bool(case) and volunteer_id is not None and volunteer_id in (case.get("duo") or [])


def my_cases(view, volunteer_id: int | None) -> list:
    """The volunteer's cases: running ones first, newest first within each group."""
    if volunteer_id is None:
        return []
    cases = [c for c in case_repo.all_cases(view) if in_duo(c, volunteer_id)]
    newest_first = sorted(cases, key=case_rules.reported_moment, reverse=True)
    return case_repo.with_activity(view, sorted(newest_first, key=lambda c: not workflow.is_open(c)))


def case_rows(view, volunteer_id: int | None, today: dt.date, *, wijken: Mapping[str, str],
              conflict_labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """The volunteer's case list: per case what it is about and where, its step and the next
    planned appointment; never a party's name or address (those are on the case page)."""
    cases = my_cases(view, volunteer_id)
    ahead = [a for a in appointments.all_of(view) if a.get("status") == appointments.PLANNED
             and a.get("date", "") >= today.isoformat()]
    rows = []
    for case in cases:
        upcoming = appointments.of_case(ahead, case.doc_id)
        rows.append({"case": case, "wijk": wijken.get(case.get("wijk"), case.get("wijk") or ""),
                     "about": [conflict_labels.get(t, t) for t in case.get("conflict_types") or []],
                     "next": upcoming[0] if upcoming else None})
    return rows


def case_for(view, case_id: int, volunteer_id: int | None):
    """The case if the volunteer is in its duo, else None (the view answers 404)."""
    case = case_repo.get_case(view, case_id)
    return case if in_duo(case, volunteer_id) else None


def my_contacts(view, case_id: int) -> list:
    return [e for e in case_repo.timeline(view, case_id) if e.get("kind") == "contact" and e.get("via") == PORTAL]


def my_proposals(view, volunteer_id: int | None) -> list:
    """Open proposals this volunteer is part of, waiting ones first."""
    if volunteer_id is None:
        return []
    found = [p for p in view.table(proposals.PROPOSALS).all()
             if p.get("status") == "voorgesteld" and volunteer_id in (p.get("duo") or [])]
    return sorted(found, key=lambda p: (str(volunteer_id) in (p.get("answers") or {}), p.get("proposed_at", "")))


def proposal_for(view, proposal_id: int, volunteer_id: int | None):
    proposal = view.table(proposals.PROPOSALS).get(doc_id=proposal_id)
    if proposal is None or volunteer_id is None or volunteer_id not in (proposal.get("duo") or []):
        return None
    return proposal


def proposal_brief(view, proposal: Mapping[str, Any], conflict_labels: Mapping[str, str]) -> dict[str, Any]:
    """What a volunteer needs to say yes or no: the kind of conflict and where, not who."""
    case = case_repo.get_case(view, proposal["case_id"]) or {}
    return {"number": case.get("number", ""), "wijk": case.get("wijk", ""),
            "conflict_types": [conflict_labels.get(t, t) for t in case.get("conflict_types") or []],
            "complex": bool(case.get("complex")), "violence": bool(case.get("violence_reported"))}


def my_appointments(view, volunteer_id: int | None) -> list:
    """Appointments the volunteer goes to, of cases whose duo they are still in."""
    if volunteer_id is None:
        return []
    duo_of = {c.doc_id: c.get("duo") or [] for c in case_repo.running_cases(view)}
    return appointments.for_volunteer(appointments.all_of(view), volunteer_id, duo_of)


def my_calendar_items(view, volunteer_id: int | None) -> list[dict[str, Any]]:
    """The volunteer's appointments as calendar items: kind, case number and place only."""
    numbers = {c.doc_id: c.get("number", "") for c in case_repo.running_cases(view)}
    return [appointments.calendar_item(a, numbers.get(a["case_id"], "")) for a in my_appointments(view, volunteer_id)]


def my_claims(view, volunteer_id: int | None) -> list:
    if volunteer_id is None:
        return []
    return sorted((c for c in view.table(ledger.CLAIMS).all() if c.get("volunteer_id") == volunteer_id),
                  key=lambda c: (c.get("date", ""), c.doc_id), reverse=True)


def my_events(view, volunteer_id: int | None, today: dt.date) -> tuple[list, list]:
    if volunteer_id is None:
        return [], []
    mine = [e for e in view.table(events.EVENTS).all() if volunteer_id in (e.get("invitees") or [])]
    return events.upcoming(mine, today), events.past(mine, today)[:10]


def my_trainings(view, volunteer_id: int | None, today: dt.date) -> list[dict[str, Any]]:
    if volunteer_id is None:
        return []
    catalogue = {t.doc_id: t for t in view.table(qualifications.TRAININGS).all()}
    rows = []
    for record in reversed(qualifications.records_of(view, volunteer_id)):
        training = catalogue.get(record.get("training_id")) or {}
        rows.append({"name": training.get("name", "Training"), "date": record.get("date", ""),
                     "hours": record.get("hours"), "state": qualifications.state_of(record, training, today),
                     "expires": qualifications.expires_on(record, training)})
    return rows


def partner_of(view, user_doc: Mapping[str, Any] | None):
    pid = (user_doc or {}).get("partner_id")
    return view.table(network.PARTNERS).get(doc_id=pid) if isinstance(pid, int) else None


def partner_feedback(view, partner) -> partner_rules.Feedback:
    return partner_rules.feedback(referred_cases(view, partner))
