"""Demo data for matching, coaching and quality on the demo cases: the proposals that led to
each duo, one proposal still waiting for an answer, debriefs after the talks, nazorg calls,
coaching notes and signals about volunteers. Runs after the cases and the protocols.
"""
from __future__ import annotations

import datetime as dt
import random

from db import Store
from common import clock

from ..cases import repo as case_repo
from ..cases import workflow
from ..coaching import notes as coaching_notes
from ..matching import facts, proposals
from ..quality import debrief, nazorg, signals

BY = "Carla de Coördinator"
WENT_WELL = (
    "Partij A voelde zich gehoord; we hebben goed samengevat.",
    "Rustig gesprek, duidelijke rolverdeling tussen ons.",
    "We bleven neutraal, ook toen partij B ons om een oordeel vroeg.",
    "Goede voorbereiding; we wisten wat al geprobeerd was.",
)
HARD = (
    "Partij B bleef terugkomen op oude incidenten.",
    "Het gesprek liep uit; we hadden de tijd beter moeten bewaken.",
    "Lastig om niet zelf met oplossingen te komen.",
    "",
)
COACHING = (
    ("telefonisch", "Na het eerste gesprek nagebeld: ging goed, wel veel emotie bij partij A.", ""),
    ("individueel", "Evaluatie na het eerste halfjaar. Sterk in luisteren, wil oefenen met samenvatten.",
     "Verdiepingstraining gespreksvaardigheden aanbieden"),
    ("intervisie", "Intervisie over pendelbemiddeling: hoe houd je beide partijen op de hoogte zonder te kiezen?", ""),
    ("telefonisch", "Vroeg advies over een partij die de politie wil inschakelen.", "Terugbellen na het bemiddelingsgesprek"),
)
SIGNALS = (
    ("positief", "nabespreking", "Heel goed voorbereid, partijen voelden zich gehoord."),
    ("positief", "partij", "Partij A noemde de bemiddelaar ‘rustig en eerlijk’ bij de nazorg."),
    ("zorg", "collega", "Kwam te laat op het gesprek en had de stukken niet gelezen."),
    ("zorg", "nabespreking", "Gaf partij B een advies in plaats van te bemiddelen."),
    ("positief", "coordinator", "Sprong in voor een zieke collega."),
)


def _day(stamp: str) -> dt.date:
    return dt.date.fromisoformat(stamp[:10])


class _Rows:
    """Stands in for a transaction: the helpers below add rows, inserted in bulk at the end
    (thousands of single inserts would each copy the table at benchmark sizes)."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {}

    def table(self, name: str) -> "_Rows":
        self._current = self.rows.setdefault(name, [])
        return self

    def insert(self, doc: dict) -> None:
        self._current.append(doc)

    def flush(self, tx) -> None:
        for name, rows in self.rows.items():
            tx.table(name).insert_multiple(rows)


def add(store: Store, rng: random.Random) -> None:
    today = clock.today()
    view = store.read()
    names = case_repo.volunteer_names(view)
    cases = case_repo.all_cases(view)
    steps: dict[int, list] = {}
    for event in view.table(case_repo.EVENTS).all():
        if event.get("kind") == "step":
            steps.setdefault(event["case_id"], []).append(event)
    items = debrief.checklist_items(view)
    rows = _Rows()
    for case in cases:
        duo = case.get("duo") or []
        if len(duo) != 2:
            continue
        timeline = sorted(steps.get(case.doc_id, []), key=lambda e: e["at"])
        _accepted(rows, case, duo, names, timeline)
        _debriefs(rows, rng, case, duo, timeline, items)
        if case.get("step") in ("afgesloten", "nazorg"):
            _nazorg(rows, rng, case, duo, names, today)
    _coaching(rows, rng, cases, names, today)
    _signals(rows, rng, list(names), today)
    with store.transaction() as tx:
        rows.flush(tx)
    _waiting_proposal(store, rng, today)


def _accepted(tx, case, duo, names, steps) -> None:
    linked = next((e["at"] for e in steps if e.get("to") == "gekoppeld"), case.get("reported_at"))
    at = dt.datetime.fromisoformat(linked) - dt.timedelta(days=1)
    proposal = {"case_id": case.doc_id, "duo": duo, "names": {str(v): names.get(v, "") for v in duo}, "score": 0,
                "reasons": [], "status": "gekoppeld", "proposed_at": at.isoformat(timespec="seconds"), "proposed_by": BY,
                "answers": {str(v): {"answer": "ja", "note": "", "at": linked, "by": BY, "via": "coördinator"} for v in duo},
                "decided_at": linked}
    tx.table(proposals.PROPOSALS).insert(proposal)


def _debriefs(tx, rng, case, duo, steps, items) -> None:
    """A debrief after each talk the case went through: a talk is over when the next step starts."""
    talks = [(e["from"], e["at"]) for e in steps if e.get("from") in debrief.TALKS and e.get("from") != "nazorg"]
    for talk, at in talks:
        if rng.random() < 0.15:
            continue  # not every duo hands in a debrief
        missed = rng.random() < 0.25
        checklist = [{"item": item, "done": not (missed and i == rng.randrange(len(items)))} for i, item in enumerate(items)]
        tx.table(debrief.DEBRIEFS).insert({
            "case_id": case.doc_id, "talk": talk, "date": at[:10], "went_well": rng.choice(WENT_WELL),
            "hard": rng.choice(HARD), "checklist": checklist, "coaching_needed": rng.random() < 0.12,
            "volunteer_ids": list(duo), "by": BY, "at": at})


def _nazorg(tx, rng, case, duo, names, today) -> None:
    closing = case.get("closing") or {}
    outcome = closing.get("outcome", "")
    when = _day(closing["closed_on"]) if closing.get("closed_on") else today
    parties = range(len(case.get("parties") or [])) if case.get("step") == "afgesloten" else range(1)
    holds = {"opgelost": "ja", "deels-opgelost": "deels"}.get(outcome, "nee" if outcome else "ja")
    score = {"opgelost": (4, 5), "deels-opgelost": (3, 4)}.get(outcome, (1, 3) if outcome else (3, 5))
    for party in parties:
        tx.table(nazorg.NAZORG).insert({
            "case_id": case.doc_id, "party": party, "contacted_on": (when - dt.timedelta(days=rng.randint(0, 3))).isoformat(),
            "by_whom": " en ".join(names.get(v, "") for v in duo), "holds": holds,
            "satisfaction": rng.randint(*score) if rng.random() < 0.85 else None, "note": "", "by": BY,
            "at": clock.stamp(clock.on(when, 15))})


def _coaching(tx, rng, cases, names, today) -> None:
    running = [c for c in cases if workflow.is_open(c) and len(c.get("duo") or []) == 2]
    volunteers = list(names)
    for i in range(14):
        kind, content, follow_up = COACHING[i % len(COACHING)]
        case = rng.choice(running) if running and kind == "telefonisch" else None
        volunteer = rng.choice(case["duo"]) if case else rng.choice(volunteers)
        day = today - dt.timedelta(days=rng.randint(1, 120))
        due = today + dt.timedelta(days=rng.randint(-3, 10)) if follow_up else None
        tx.table(coaching_notes.NOTES).insert({
            "volunteer_id": volunteer, "case_id": case.doc_id if case else None, "date": day.isoformat(), "kind": kind,
            "content": content, "follow_up": follow_up, "follow_up_date": due.isoformat() if due else "",
            "follow_up_done": bool(due and due < today and rng.random() < 0.5), "by": BY, "at": clock.stamp(clock.on(day, 11))})


def _signals(tx, rng, volunteers, today) -> None:
    for volunteer in rng.sample(volunteers, min(12, len(volunteers))):
        worsening = rng.random() < 0.25
        for _ in range(rng.randint(1, 5)):
            days_ago = rng.randint(1, 360)
            recent = days_ago < 180
            concern = rng.random() < (0.7 if worsening and recent else 0.2)
            kind, source, text = rng.choice([s for s in SIGNALS if (s[0] == "zorg") == concern])
            day = today - dt.timedelta(days=days_ago)
            tx.table(signals.SIGNALS).insert({"volunteer_id": volunteer, "date": day.isoformat(), "kind": kind,
                                              "source": source, "text": text, "case_id": None, "by": BY,
                                              "at": clock.stamp(clock.on(day, 10))})


def _waiting_proposal(store: Store, rng: random.Random, today: dt.date) -> None:
    """One intake found suitable, its best duo proposed and one of them already said yes."""
    view = store.read()
    waiting = [c for c in case_repo.all_cases(view) if c.get("step") == "intake"]
    if not waiting:
        return
    case = waiting[0]

    class Coordinator:
        id, name, email = None, BY, ""

    checklist = {"checklist": list(workflow.CHECKLIST_KEYS), "decision": "geschikt", "reason": "", "advice": "",
                 "decided_on": today.isoformat()}
    case_repo.change(store, case.doc_id, lambda c: workflow.Change({"intake": checklist},
                                                                   {"kind": "intake", "decision": "geschikt", "note": ""}),
                     Coordinator())
    case = case_repo.get_case(store.read(), case.doc_id)
    ranking = facts.rank_for_case(store.read(), case)
    if not ranking.duos:
        return
    best = ranking.duos[0]
    reasons = [f"{f.who}: {f.text}" if f.who else f.text for f in best.factors if f.points]
    proposal_id = proposals.propose(store, case.doc_id, best.ids, {m.id: m.name for m in best.members},
                                    score=best.score, reasons=reasons, user=Coordinator())
    proposals.record_answer(store, proposal_id, best.ids[0], "ja", user=Coordinator())
