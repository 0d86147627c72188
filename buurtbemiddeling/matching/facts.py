"""What the score needs to know from the store: each active volunteer's load, training and
experience, and how pairs did together. Reads a view; no Flask, no writes.

Experience per conflict type: the volunteer's profile holds counts the coordinator typed
(often from before this system); closed cases in the store count too. We take the larger
of the two rather than the sum, so a coordinator who keeps the profile up to date does not
see every case counted twice.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Mapping

from ..cases import workflow
from ..volunteers import pool, qualifications
from . import score

CASES = "cases"
SOLVED = "opgelost"


def _closed(case: Mapping) -> bool:
    return case.get("step") == "afgesloten"


def basistraining_done(view) -> set[int]:
    """Volunteer ids with a basistraining of enough hours, computed in one pass over the records
    (the same rule as `qualifications.has_basistraining`, which reads all records per volunteer)."""
    basis = {t.doc_id for t in view.table(qualifications.TRAININGS).all() if t.get("kind") == "basistraining"}
    hours: Counter = Counter()
    for record in view.table(qualifications.RECORDS).all():
        if record.get("training_id") in basis:
            hours[record.get("volunteer_id")] += float(record.get("hours") or 0)
    return {vid for vid, total in hours.items() if total >= qualifications.BASIS_MIN_HOURS}


def candidates(view, *, skip_case: int | None = None) -> list[score.Candidate]:
    """Every active volunteer with the facts the score uses; `skip_case` (the case being
    matched) does not count towards anyone's load."""
    cases = [c for c in view.table(CASES).all() if c.doc_id != skip_case]
    load: Counter = Counter()
    done: Counter = Counter()
    per_type: dict[int, Counter] = defaultdict(Counter)
    for case in cases:
        duo = case.get("duo") or []
        for vid in duo:
            if workflow.is_open(case):
                load[vid] += 1
            elif _closed(case):
                done[vid] += 1
                per_type[vid].update(case.get("conflict_types") or [])
    trained = basistraining_done(view)
    result = []
    for volunteer in pool.active_volunteers(view):
        vid = volunteer.doc_id
        recorded = {k: int(v or 0) for k, v in (volunteer.get("experience") or {}).items()}
        experience = {k: max(recorded.get(k, 0), per_type[vid].get(k, 0)) for k in {*recorded, *per_type[vid]}}
        result.append(score.Candidate(vid, volunteer, load=load[vid], basistraining=vid in trained,
                                      mediations=max(done[vid], sum(recorded.values())), experience=experience))
    return result


def pair_history(view) -> dict[frozenset, score.PairRecord]:
    """Per pair of volunteers: closed cases they did together and how many of those were solved."""
    totals: Counter = Counter()
    solved: Counter = Counter()
    for case in view.table(CASES).all():
        duo = case.get("duo") or []
        if len(duo) != 2 or not _closed(case):
            continue
        pair = frozenset(duo)
        totals[pair] += 1
        solved[pair] += (case.get("closing") or {}).get("outcome") == SOLVED
    return {pair: score.PairRecord(n, solved[pair]) for pair, n in totals.items()}


def rank_for_case(view, case: Mapping[str, Any], *, weights: Mapping[str, Any] | None = None, radius: int = 6,
                  conflict_labels: Mapping[str, str] | None = None) -> score.Ranking:
    return score.rank(case, candidates(view, skip_case=getattr(case, "doc_id", None)), weights=weights,
                      radius=radius, history=pair_history(view), conflict_labels=conflict_labels)


def explain(view, case: Mapping[str, Any], ids: list[int], *, weights: Mapping[str, Any] | None = None, radius: int = 6,
            conflict_labels: Mapping[str, str] | None = None) -> tuple[score.Duo | None, list[str]]:
    """The score of one chosen duo (perhaps not among the shown ones), or why it cannot be proposed."""
    found = {c.id: c for c in candidates(view, skip_case=getattr(case, "doc_id", None))}
    if len(ids) != 2 or ids[0] == ids[1]:
        return None, ["Kies twee verschillende bemiddelaars: zij werken altijd als duo."]
    if any(i not in found for i in ids):
        return None, ["Kies bemiddelaars die actief zijn."]
    reasons = [f"{found[i].name}: {reason}" for i in ids for reason in score.exclusions(found[i], case, radius)]
    if reasons:
        return None, reasons
    w = score.weights_from(weights)
    first, second = (score.score_individual(found[i], case, w, conflict_labels) for i in ids)
    return score.score_duo(first, second, case, w, pair_history(view)), []
