"""What the score needs to know from the store: each active volunteer's load, training and
experience, and how pairs did together. Reads a view; no Flask, no writes.

Experience per conflict type: the volunteer's profile holds counts the coordinator typed
(often from before this system); closed cases in the store count too. We take the larger
of the two rather than the sum, so a coordinator who keeps the profile up to date does not
see every case counted twice.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from typing import Any, Mapping

import orjson

from common import clock
from figures import cases as case_rules

from ..cases import workflow
from ..volunteers import pool, qualifications
from . import score
from common import tables

CASES = tables.CASES

def basistraining_done(view) -> set[int]:
    """Volunteer ids with a basistraining of enough hours, computed in one pass over the records
    (the same rule as `qualifications.has_basistraining`, which reads all records per volunteer);
    kept per version of the trainings and records."""
    return view.derived("matching.basistraining", _basistraining_done)


def _basistraining_done(view) -> set[int]:
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


def _duo_count(cases) -> Counter:
    load, done, per_type = Counter(), Counter(), {}
    for case in cases:
        _count(case, load, done, per_type)
    flat = Counter({("load", vid): n for vid, n in load.items()})
    flat.update({("done", vid): n for vid, n in done.items()})
    flat.update({("type", vid, kind): n for vid, types in per_type.items() for kind, n in types.items()})
    return flat


def _duo_counts(view) -> Counter:
    """Per volunteer: running cases, closed cases and their conflict types, as one Counter.
    Counted per part of the cases table and kept (`summed`): a ranking would otherwise walk
    five years of cases on every page, and after a change only the changed part is counted
    again. The same object while the counts stay the same."""
    return view.summed("matching.duo_facts", CASES, _duo_count)


def _duo_facts(view, counts: Counter | None = None) -> tuple[Counter, Counter, dict[int, Counter]]:
    """`_duo_counts` as (load, done, conflict types per volunteer), made once per counts object
    (the value holds the object its key names: no other can take its id while it is kept)."""
    counts = _duo_counts(view) if counts is None else counts

    def build(_) -> tuple:
        load, done, per_type = Counter(), Counter(), {}
        for key, n in counts.items():
            if key[0] == "load":
                load[key[1]] = n
            elif key[0] == "done":
                done[key[1]] = n
            else:
                per_type.setdefault(key[1], Counter())[key[2]] = n
        return counts, (load, done, per_type)

    return view.derived(f"matching.duo_facts.{id(counts)}", build)[1]


def candidates(view, *, skip_case: int | None = None, today: dt.date | None = None) -> list[score.Candidate]:
    """Every active volunteer with the facts the score uses; `skip_case` (the case being
    matched) does not count towards anyone's load. `today` decides which qualifications
    (a VOG) have expired."""
    skipped = view.table(CASES).get(doc_id=skip_case) if skip_case is not None else None
    return _candidates(view, _duo_facts(view), skipped, today or clock.today())


def _candidates(view, facts: tuple, skipped: Mapping | None, today: dt.date) -> list[score.Candidate]:
    """`candidates` from the duo facts, with `skipped` (the stored case being matched) taken
    out; reads the volunteers and their trainings, not the cases. Everyone's candidate is kept
    per day, version of the volunteers and their trainings and duo facts (the value holds
    the facts its key names by id); only the skipped case's own duo is made again per case."""
    def build(v) -> tuple:
        trained = basistraining_done(v)
        # What each active volunteer still lacks today depends on the volunteers and their
        # trainings only: kept per day and version of those, not worked out per ranking again.
        unqualified = v.derived(f"matching.unqualified.{today}", lambda w: {
            volunteer.doc_id: tuple(qualifications.not_in_order(w, volunteer.doc_id, today))
            for volunteer in pool.active_volunteers(w)})
        return facts, [_candidate(volunteer, facts, vid in trained, unqualified[vid])
                       for volunteer in pool.active_volunteers(v) for vid in (volunteer.doc_id,)]

    everyone = view.derived(f"matching.candidates.{id(facts)}.{today}", build)[1]
    own_duo = set((skipped or {}).get("duo") or [])
    if not own_duo:
        return list(everyone)
    # Take the skipped case's own share out again (the shared counts stay untouched).
    own = Counter(), Counter(), {}
    _count(skipped, *own)
    return [_candidate(c.volunteer, facts, c.basistraining, c.unqualified, own) if c.id in own_duo else c
            for c in everyone]


def _candidate(volunteer: Mapping, facts: tuple, trained: bool, unqualified: tuple, own: tuple | None = None
               ) -> score.Candidate:
    """One volunteer's candidate from the duo facts, less `own` (a case's share of them)."""
    load, done, per_type = facts
    own_load, own_done, own_types = own or (Counter(), Counter(), {})
    vid = volunteer.doc_id
    types = per_type.get(vid, Counter()) - own_types.get(vid, Counter())
    recorded = {k: int(v or 0) for k, v in (volunteer.get("experience") or {}).items()}
    experience = {k: max(recorded.get(k, 0), types.get(k, 0)) for k in {*recorded, *types}}
    return score.Candidate(vid, volunteer, load=load[vid] - own_load[vid], basistraining=trained,
                           mediations=max(done[vid] - own_done[vid], sum(recorded.values())),
                           experience=experience, unqualified=unqualified)


def pair_history(view) -> Mapping[frozenset, score.PairRecord]:
    """Per pair of volunteers: closed cases they did together and how many of those were solved."""
    return view.derived("matching.pair_history", _pair_history)


def _pair_history(view) -> Mapping[frozenset, score.PairRecord]:
    return _PairHistory(_pair_counts(view))


def _pair_count(cases) -> Counter:
    counts: Counter = Counter()  # (pair, False): closed together, (pair, True): of those solved
    for case in cases:
        duo = case.get("duo") or []
        if len(duo) != 2 or not case_rules.is_closed(case):
            continue
        pair = frozenset(duo)
        counts[pair, False] += 1
        counts[pair, True] += case_rules.is_solved(case)
    return counts


def _pair_counts(view) -> Counter:
    """Per pair of volunteers, kept per part of the cases (`summed`); the same object while the
    counts stay the same."""
    return view.summed("matching.pair_counts", CASES, _pair_count)


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
    case_id = getattr(case, "doc_id", None)
    if case_id is None or view.table(CASES).get(doc_id=case_id) != case:  # a case as typed, not as stored
        return score.rank(case, candidates(view, skip_case=case_id, today=today), weights=weights, radius=radius,
                          history=pair_history(view), conflict_labels=conflict_labels)
    # The ranking changes with this case, the volunteers and their trainings (the tables `build`
    # reads) and the counts over all cases: it is kept on those counts (the same objects while
    # they stay the same), not on the version of the cases, so another case's step that changes
    # nobody's load or history (most of them) keeps it. The kept value holds the objects its
    # key names by id, so no other object can take their ids while it is kept.
    duo_counts, pair_counts = _duo_counts(view), _pair_counts(view)
    facts = _duo_facts(view, duo_counts)

    def build(v) -> tuple:
        ranking = score.rank(case, _candidates(v, facts, case, today), weights=weights, radius=radius,
                             history=_PairHistory(pair_counts), conflict_labels=conflict_labels)
        return duo_counts, pair_counts, ranking

    stored = hashlib.blake2b(orjson.dumps(case, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)).hexdigest()
    settings = repr((sorted((weights or {}).items()), radius, sorted((conflict_labels or {}).items())))
    key = f"matching.rank.{case_id}.{stored}.{id(duo_counts)}.{id(pair_counts)}.{today}.{settings}"
    return view.derived(key, build)[2]


def explain(view, case: Mapping[str, Any], ids: list[int], *, weights: Mapping[str, Any] | None = None,
            conflict_labels: Mapping[str, str] | None = None) -> score.Duo:
    """The score of one chosen pair of active volunteers (perhaps not among the shown duos).
    Whether they may be on the case is `eligibility`'s to say, before this is asked."""
    found = {c.id: c for c in candidates(view, skip_case=getattr(case, "doc_id", None))}
    w = score.weights_from(weights)
    first, second = (score.score_individual(found[i], case, w, conflict_labels) for i in ids)
    return score.score_duo(first, second, case, w, pair_history(view))
