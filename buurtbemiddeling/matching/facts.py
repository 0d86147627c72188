"""What the score needs to know from the store: each active volunteer's load, training and
experience, and how pairs did together. Reads a view; no Flask, no writes.

Experience per conflict type: the volunteer's profile holds counts the coordinator typed
(often from before this system); closed cases in the store count too. We take the larger
of the two rather than the sum, so a coordinator who keeps the profile up to date does not
see every case counted twice.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Mapping

from common import clock
from figures import cases as case_rules

from ..cases import workflow
from ..volunteers import pool, qualifications
from . import score
from common import tables

CASES = tables.CASES

def basistraining_done(view) -> set[int]:
    """Volunteer ids with a basistraining of enough hours, computed in one pass over the records
    (the same rule as `qualifications.has_basistraining`, which reads all records per volunteer)."""
    basis = {t.doc_id for t in view.table(qualifications.TRAININGS).all() if t.get("kind") == "basistraining"}
    hours: Counter = Counter()
    for record in view.table(qualifications.RECORDS).all():
        if record.get("training_id") in basis:
            hours[record.get("volunteer_id")] += float(record.get("hours") or 0)
    return {vid for vid, total in hours.items() if total >= qualifications.BASIS_MIN_HOURS}


def _count(case: Mapping, load: Counter, done: Counter, per_type: dict) -> None:
    for vid in case.get("duo") or []:
        if workflow.is_open(case):
            load[vid] += 1
        elif case_rules.is_closed(case):
            done[vid] += 1
            per_type.setdefault(vid, Counter()).update(case.get("conflict_types") or [])


def _duo_facts(view) -> tuple[Counter, Counter, dict[int, Counter]]:
    """Per volunteer: running cases, closed cases and their conflict types. Counted per part of
    the cases table and kept (`parted`): a ranking would otherwise walk five years of cases on
    every page, and after a change only the changed part is counted again."""
    def count(cases) -> Counter:
        load, done, per_type = Counter(), Counter(), {}
        for case in cases:
            _count(case, load, done, per_type)
        flat = Counter({("load", vid): n for vid, n in load.items()})
        flat.update({("done", vid): n for vid, n in done.items()})
        flat.update({("type", vid, kind): n for vid, types in per_type.items() for kind, n in types.items()})
        return flat

    def build(v):
        load, done, per_type = Counter(), Counter(), {}
        for key, n in v.summed("matching.duo_facts", CASES, count).items():
            if key[0] == "load":
                load[key[1]] = n
            elif key[0] == "done":
                done[key[1]] = n
            else:
                per_type.setdefault(key[1], Counter())[key[2]] = n
        return load, done, per_type

    return view.derived("matching.duo_facts", build)


def candidates(view, *, skip_case: int | None = None, today: dt.date | None = None) -> list[score.Candidate]:
    """Every active volunteer with the facts the score uses; `skip_case` (the case being
    matched) does not count towards anyone's load. `today` decides which qualifications
    (a VOG) have expired."""
    today = today or clock.today()
    load, done, per_type = _duo_facts(view)
    # Take the skipped case's own share out again (the shared counts stay untouched).
    own_load, own_done, own_types = Counter(), Counter(), {}
    skipped = view.table(CASES).get(doc_id=skip_case) if skip_case is not None else None
    if skipped is not None:
        _count(skipped, own_load, own_done, own_types)
    trained = basistraining_done(view)
    # What each active volunteer still lacks today depends on the volunteers and their
    # trainings only: kept per day and version of those, not worked out per ranking again.
    unqualified = view.derived(f"matching.unqualified.{today}", lambda v: {
        volunteer.doc_id: tuple(qualifications.not_in_order(v, volunteer.doc_id, today))
        for volunteer in pool.active_volunteers(v)})
    result = []
    for volunteer in pool.active_volunteers(view):
        vid = volunteer.doc_id
        types = per_type.get(vid, Counter()) - own_types.get(vid, Counter())
        recorded = {k: int(v or 0) for k, v in (volunteer.get("experience") or {}).items()}
        experience = {k: max(recorded.get(k, 0), types.get(k, 0)) for k in {*recorded, *types}}
        result.append(score.Candidate(vid, volunteer, load=load[vid] - own_load[vid], basistraining=vid in trained,
                                      mediations=max(done[vid] - own_done[vid], sum(recorded.values())),
                                      experience=experience,
                                      unqualified=unqualified[vid]))
    return result


def pair_history(view) -> Mapping[frozenset, score.PairRecord]:
    """Per pair of volunteers: closed cases they did together and how many of those were solved."""
    return view.derived("matching.pair_history", _pair_history)


def _pair_history(view) -> Mapping[frozenset, score.PairRecord]:
    def count(cases) -> Counter:
        counts: Counter = Counter()  # (pair, False): closed together, (pair, True): of those solved
        for case in cases:
            duo = case.get("duo") or []
            if len(duo) != 2 or not case_rules.is_closed(case):
                continue
            pair = frozenset(duo)
            counts[pair, False] += 1
            counts[pair, True] += case_rules.is_solved(case)
        return counts

    return _PairHistory(view.summed("matching.pair_counts", CASES, count))


class _PairHistory(Mapping):
    """{pair: PairRecord} read from the kept counts when asked: a ranking asks a few hundred
    pairs, and turning five years of pairs into records after every change cost more."""

    def __init__(self, counts: Counter) -> None:
        self._counts = counts
        self._pairs: int | None = None

    def __getitem__(self, pair: frozenset) -> score.PairRecord:
        together = self._counts.get((pair, False), 0)
        if not together:
            raise KeyError(pair)
        return score.PairRecord(together, self._counts.get((pair, True), 0))

    def __iter__(self):
        return (pair for pair, solved in self._counts if not solved)

    def __len__(self) -> int:
        if self._pairs is None:
            self._pairs = sum(1 for _ in self)
        return self._pairs

    def __bool__(self) -> bool:  # asked for every pair scored (`history or {}`): never a count
        return bool(self._counts)


def rank_for_case(view, case: Mapping[str, Any], *, weights: Mapping[str, Any] | None = None, radius: int = 6,
                  conflict_labels: Mapping[str, str] | None = None) -> score.Ranking:
    today = clock.today()  # a qualification may expire overnight

    def build(v) -> score.Ranking:
        return score.rank(case, candidates(v, skip_case=getattr(case, "doc_id", None), today=today), weights=weights,
                          radius=radius, history=pair_history(v), conflict_labels=conflict_labels)

    case_id = getattr(case, "doc_id", None)
    if case_id is None or view.table(CASES).get(doc_id=case_id) != case:
        return build(view)  # a case as typed, not as stored: nothing to keep
    # The ranking only changes with the cases, the volunteers or their trainings: keep it per
    # version of those tables, so opening the same case again does not score every pair again.
    settings = repr((sorted((weights or {}).items()), radius, sorted((conflict_labels or {}).items())))
    return view.derived(f"matching.rank.{case_id}.{today}.{settings}", build)


def explain(view, case: Mapping[str, Any], ids: list[int], *, weights: Mapping[str, Any] | None = None,
            conflict_labels: Mapping[str, str] | None = None) -> score.Duo:
    """The score of one chosen pair of active volunteers (perhaps not among the shown duos).
    Whether they may be on the case is `eligibility`'s to say, before this is asked."""
    found = {c.id: c for c in candidates(view, skip_case=getattr(case, "doc_id", None))}
    w = score.weights_from(weights)
    first, second = (score.score_individual(found[i], case, w, conflict_labels) for i in ids)
    return score.score_duo(first, second, case, w, pair_history(view))
