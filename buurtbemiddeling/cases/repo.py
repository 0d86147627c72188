"""Reading and writing cases and their timeline in the store. No Flask here.

Every change to a case is one transaction that also appends its timeline event to
`case_events`. A step change also moves the case's stored `last_activity_at`; a contact, note
or document is only appended (rewriting five years of cases for one note was most of its
cost), so a case's last activity and total minutes are read through `with_activity`:
the stored value or what its events say, whichever is later or larger.
"""
from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter
from itertools import accumulate
from bisect import bisect_right
from dataclasses import replace
from typing import Any, Callable, Mapping

from tinydb.table import Document

from common import clock
from db import Store
from db.store import carried_over
from figures import cases as case_rules

from ..reports import intake as report_intake
from . import numbering, records, search
from .workflow import STEPS, Change
from common import tables

CASES = tables.CASES
EVENTS = tables.CASE_EVENTS
VOLUNTEERS = tables.VOLUNTEERS


class NotFound(LookupError):
    pass


# -- reading ---------------------------------------------------------------------

def get_case(view, case_id: int):
    return view.table(CASES).get(doc_id=case_id)


def all_cases(view) -> list:
    return view.table(CASES).all()


def timeline(view, case_id: int) -> list:
    """Contacts, notes, step changes and documents of one case, oldest first."""
    return sorted(events_by_case(view).get(case_id, ()), key=lambda e: (e["at"], e.doc_id))


def events_by_case(view) -> dict[int, list]:
    """Every case's events, kept per version of the table: with five years of cases, scanning
    all events for one case page cost more than the rest of the page."""
    return view.index(EVENTS, "case_id")


def activity(view) -> dict[int, tuple[str, int]]:
    """Each case's latest event (when it was recorded) and the minutes of its events, kept per
    version of the events table (and, after a note, brought up to date with that one event)."""
    def add(found: dict, event) -> None:
        last, minutes = found.get(event.get("case_id"), ("", 0))
        stamp = event.get("recorded_at") or event.get("at") or ""
        found[event.get("case_id")] = (stamp if stamp > last else last, minutes + _minutes(event))

    return view.fold("cases.activity", EVENTS, add)


def _minutes(event) -> int:
    try:
        return int(event.get("minutes") or 0)
    except (TypeError, ValueError):
        return 0


def _with(case, last: str, minutes: int):
    """The case with its last activity and minutes brought up to date (a copy only if they moved)."""
    stored_last, stored_minutes = case.get("last_activity_at") or "", int(case.get("minutes") or 0)
    if last <= stored_last and minutes <= stored_minutes:
        return case
    return Document({**case, "last_activity_at": max(last, stored_last), "minutes": max(minutes, stored_minutes)},
                    case.doc_id)


def with_activity(view, cases, kept: dict | None = None) -> list:
    """`cases` as shown: last activity the later of the stored one and the latest event, minutes
    the larger of the stored total and the sum over the events (old data kept both on the case).
    ``kept`` ({id: (case, activity, as shown)}, filled here) gives back the copy made before for
    the same stored case and activity: Vandaag's lists stay the same objects (admin/fragments.py)."""
    found = activity(view)
    if kept is None:
        return [_with(case, *found.get(case.doc_id, ("", 0))) for case in cases]
    shown = []
    for case in cases:
        moved = found.get(case.doc_id, ("", 0))
        held = kept.get(case.doc_id)
        if held is None or held[0] is not case or held[1] != moved:
            held = kept[case.doc_id] = (case, moved, _with(case, *moved))
        shown.append(held[2])
    return shown


def case_with_activity(view, case):
    """One case as shown, from its own events only (no pass over every event)."""
    events = events_by_case(view).get(case.doc_id, ())
    last = max((e.get("recorded_at") or e.get("at") or "" for e in events), default="")
    return _with(case, last, sum(_minutes(e) for e in events))


def last_activity(view) -> Callable[[Any], str]:
    """A sort key: a case's shown last activity, without copying every case."""
    found = activity(view)
    return lambda case: max(case.get("last_activity_at") or "", found.get(case.doc_id, ("", 0))[0])


def running_cases(view) -> list:
    """Cases not closed (open or on hold), kept per version of the table: the day's lists
    look at these few hundred, not at five years of closed cases."""
    return view.derived("cases.running", lambda v: picked(
        v, "cases.running", lambda case: STEPS.get(case.get("step"), STEPS["aangemeld"]).state != "closed"))


def picked(view, key: str, test: Callable[[Any], bool]) -> list:
    """The cases for which `test` holds, in id order: picked out per part of the table
    (`parted`, so after a change only that part is looked through again) as their ids, which a
    CGI process may keep on disk (`store.KEPT_ON_DISK`), then read: only the parts holding them."""
    ids = view.parted(key, CASES, lambda cases: [case.doc_id for case in cases if test(case)])
    return view.table(CASES).by_ids(_joined(ids))


def _joined(lists) -> list:
    return [item for part in lists for item in part]


def cases_for(view, filters: search.Filters) -> list:
    """The cases that can match `filters`, narrowed with the kept indexes; `search.search`
    then applies every filter exactly. Five years of cases are not walked for a list of
    running cases or a name."""
    if filters.step == "open" or STEPS.get(filters.step) and STEPS[filters.step].state != "closed":
        cases = running_cases(view)
    elif filters.year:
        cases = _joined(part.get(filters.year, ()) for part in view.parted("cases.by_year", CASES, _by_year))
    elif filters.q:
        # The matches themselves, not a walk over five years of cases to pick them out.
        return _text_matches(view, search.query_words(filters.q))
    else:
        cases = all_cases(view)
    if filters.q:
        found = {c.doc_id for c in _text_matches(view, search.query_words(filters.q))}
        cases = [c for c in cases if c.doc_id in found]
    return cases


def find(view, filters: search.Filters) -> tuple[list, search.Page]:
    """All cases `filters` match, in the list's order, and the page of them it asks for."""
    return search.search(_listed(view, filters), search.Filters(page=filters.page), in_order=True)


def _listed(view, filters: search.Filters) -> list:
    """All cases `filters` match, in the list's order, kept per version of the tables they were
    read from and per filters: the list is the coordinator's first stop, and going back to it
    after opening a case must not filter and sort five years of cases again (the unfiltered
    list took 20 ms, a year's 3,000 cases of one kind some 8)."""
    if filters.q and not search.narrows(replace(filters, q="")):
        # A name alone (the search box): the matches themselves, sorted; one kept list for
        # every spelling of the name.
        words = search.query_words(filters.q)

        def found(v) -> list:
            key = search.sort_key(filters.sort, last_activity(v))
            return sorted(_text_matches(v, words), key=key, reverse=filters.order == "desc")

        return view.derived(f"cases.found.{filters.sort}.{filters.order}.{' '.join(words)}", found)
    if search.narrows(filters):
        def matched(v) -> list:
            return search.search(cases_for(v, filters), filters, last_activity=last_activity(v), text_checked=True)[0]

        shown = repr(tuple(getattr(filters, name) for name in search.Filters.FIELDS if name != "page"))
        return view.derived(f"cases.matched.{shown}", matched)

    def build(v) -> list:
        key = search.sort_key(filters.sort, last_activity(v))
        return sorted(all_cases(v), key=key, reverse=filters.order == "desc")

    return view.derived(f"cases.in_order.{filters.sort}.{filters.order}", build)


def _text_matches(view, words: list[str]) -> list:
    """The cases whose search text contains every word, in table order. Per part of the table
    its cases' texts are kept joined in one string (`parted`: after a change only the changed
    part's is made again), searched at C speed; each hit is the case whose text it falls in.
    A word found nowhere forgives one typo: "amrany" finds "amrani"."""
    parts = view.parted("cases.search_index", CASES, _PartIndex, _PartIndex.again)
    hits = [[part.places(word) for word in words] for part in parts]
    for j, word in enumerate(words):
        if not any(found[j] for found in hits):
            held = {h for h in set().union(*(part.words() for part in parts)) if search.one_typo(word, h)}
            for found, part in zip(hits, parts):
                found[j] = frozenset().union(*(part.places(h, whole=True) for h in held))
    matched = []
    for found, part in zip(hits, parts):
        if words and all(found):
            matched += part.cases_at(found)
    return matched


def _places(text: str, starts: array, word: str, whole: bool = False) -> set[int]:
    """The places (in the part) of the cases whose words contain `word` (`whole`: are `word`)."""
    found: set[int] = set()
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if not whole or ((at == 0 or text[at - 1] in " \n") and (end == len(text) or text[end] in " \n")):
            i = bisect_right(starts, at) - 1
            found.add(i)
            if i + 1 < len(starts):  # on to the next case: this one is found
                end = max(end, starts[i + 1])
        at = text.find(word, end)
    return found


class _PartIndex:
    """Of one part of the cases: its cases' search texts (`search.haystack`) joined by newlines,
    where each one starts, and the cases. One string per part, not a set of words per case: the
    index of five years of cases held 17 MB in every worker as words with their cases.

    What a search found in the part is kept with it (a value `parted` keeps per version of its
    part): after a write elsewhere, or in another part, a name searched for before is not
    looked for again in the parts that did not change. Only a function of the part's texts."""

    WORDS_KEPT = 64  # words (and sets of them) per part; then it starts again

    def __init__(self, cases, texts: list[str] | None = None) -> None:
        self.docs = list(cases)
        if texts is None:
            texts = [search.haystack(case) for case in self.docs]
        self.starts = array("I", accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
        self.text = "\n".join(texts)
        self._found: dict = {}
        self._words: frozenset[str] | None = None

    @classmethod
    def again(cls, earlier: "_PartIndex", cases) -> "_PartIndex":
        """The index of a new version of the part: the texts of the cases it shares with
        `earlier` (unchanged) taken from there, the others made."""
        ends = earlier.starts[1:].tolist() + [len(earlier.text) + 1]
        return cls(*carried_over(earlier.docs, cases, lambda i: earlier.text[earlier.starts[i]:ends[i] - 1],
                                 search.haystack))

    def _kept(self, key, make):
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= self.WORDS_KEPT:
                self._found = {}  # replaced, not cleared: a thread still reading keeps its dict
            found = self._found[key] = make()
        return found

    def places(self, word: str, whole: bool = False) -> frozenset[int]:
        """The places of the cases whose text contains `word` (`whole`: holds it as a word)."""
        return self._kept((word, whole), lambda: frozenset(_places(self.text, self.starts, word, whole)))

    def words(self) -> frozenset[str]:
        """Every word of the part's texts (for a word found nowhere: the ones a typo away)."""
        if self._words is None:
            self._words = frozenset(self.text.split())
        return self._words

    def cases_at(self, found: list[frozenset[int]]) -> list:
        """The cases at the places every set in `found` holds, in table order."""
        return self._kept(tuple(found), lambda: [self.docs[i] for i in sorted(frozenset.intersection(*found))])


def _by_year(cases) -> dict[str, list]:
    found: dict[str, list] = {}
    for case in cases:
        found.setdefault(case_rules.reported_moment(case)[:4], []).append(case)
    return found


def years(view) -> list[str]:
    def build(v) -> list[str]:
        return sorted(set().union(*v.parted("cases.years", CASES, search.years)), reverse=True)

    return view.derived("cases.years", build)


def step_counts(view) -> dict[str, int]:
    def count(cases) -> Counter:
        return Counter(case.get("step", "aangemeld") for case in cases)

    return dict(view.summed("cases.step_counts", CASES, count))


def active_volunteers(view) -> list:
    """Volunteers who can be chosen for a duo (the volunteers area owns the table), kept per
    version of the table: every case page asks. Read-only, like every kept value."""
    def build(v) -> list:
        docs = [doc for doc in v.table(VOLUNTEERS).all() if doc.get("step") == "actief"]
        return sorted(docs, key=lambda doc: (doc.get("name") or "").lower())

    return view.derived("cases.active_volunteers", build)


def active_choices(view) -> list[tuple[str, str]]:
    """(id, name) of the volunteers who can be chosen for a duo, for a select's options."""
    return [(str(v.doc_id), v.get("name") or "") for v in active_volunteers(view)]


def volunteer_names(view) -> dict[int, str]:
    def build(v) -> dict[int, str]:
        return {doc.doc_id: doc.get("name") or f"Vrijwilliger {doc.doc_id}" for doc in v.table(VOLUNTEERS)}

    return view.derived("cases.volunteer_names", build)


def volunteer_choices(view) -> list[tuple[str, str]]:
    """(id, name) of every volunteer by name, for the case list's filter: a large pool has 400."""
    def build(v) -> list[tuple[str, str]]:
        return sorted(((str(doc_id), name) for doc_id, name in volunteer_names(v).items()),
                      key=lambda choice: choice[1].lower())

    return view.derived("cases.volunteer_choices", build)


# -- writing ---------------------------------------------------------------------

def event_doc(case_id: int, entry: Mapping[str, Any], user, at: dt.datetime) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "at": entry.get("at") or clock.stamp(at),
        "recorded_at": clock.stamp(at),
        "user": getattr(user, "id", None),
        "user_name": getattr(user, "name", "") or getattr(user, "email", ""),
        **{k: v for k, v in entry.items() if k != "at"},
    }


def create_case(store: Store, fields: Mapping[str, Any], user, *, at: dt.datetime | None = None,
                steps: tuple[str, ...] = ("aangemeld",)) -> tuple[int, str]:
    """Insert a case with the next number (assigned under the lock) and its first events.

    `steps` beyond the first are taken at once (a report turned into a case starts its intake)."""
    at = at or clock.now()
    with store.transaction() as tx:
        reported = clock.parse(fields.get("reported_at")) or at
        number = numbering.assign(tx, CASES, reported.year)
        case = records.new_case(fields, number=number, now=at, step=steps[-1])
        case_id = tx.table(CASES).insert(case)
        events = tx.table(EVENTS)
        events.insert(event_doc(case_id, {"kind": "created", "at": case["reported_at"], "to": steps[0],
                                       "source": case.get("source"), "report_id": case.get("report_id")}, user, at))
        for source, target in zip(steps, steps[1:]):
            events.insert(event_doc(case_id, {"kind": "step", "from": source, "to": target, "note": ""}, user, at))
    return case_id, number


def create_from_report(store: Store, report_id: int, user, *, wijk: str = "") -> tuple[int, str]:
    """Turn a report into a case in intake, and mark the report handled. One transaction."""
    at = clock.now()
    with store.transaction() as tx:
        report = tx.table(report_intake.TABLE).get(doc_id=report_id)
        if report is None:
            raise NotFound(report_id)
        if report.get("case_id"):
            return report["case_id"], get_case(tx, report["case_id"])["number"]
        fields = records.from_report(report, report_id, wijk=wijk)
        fields["reported_at"] = clock.stored(fields["reported_at"]) or clock.stamp(at)
        case_id, number = create_case(store, fields, user, at=at, steps=("aangemeld", "intake"))
        tx.table(report_intake.TABLE).update({"status": "verwerkt", "case_id": case_id, "handled_at": clock.stamp(at)},
                                             doc_ids=[report_id])
    return case_id, number


def change(store: Store, case_id: int, compute: Callable[[Mapping], Change], user,
           also: Callable[[Any], None] | None = None) -> Mapping:
    """Apply a workflow change computed from the case as it is under the lock; `also(tx)`
    writes what goes with it (an appointment marked held) in the same transaction.

    `compute` may raise WorkflowError; then nothing is written."""
    at = clock.now()
    with store.transaction() as tx:
        case = tx.table(CASES).get(doc_id=case_id)
        if case is None:
            raise NotFound(case_id)
        result = compute(case)
        updates = {**result.updates, "last_activity_at": clock.stamp(at)}
        if "step" in updates and updates["step"] != case.get("step"):
            updates["step_changed_at"] = updates["last_activity_at"]
        tx.table(CASES).update(updates, doc_ids=[case_id])
        if result.event:
            tx.table(EVENTS).insert(event_doc(case_id, result.event, user, at))
        if also is not None:
            also(tx)
        return tx.table(CASES).get(doc_id=case_id)


def record(store: Store, case_id: int, write: Callable[[Any, Mapping], Mapping[str, Any]], user) -> Mapping:
    """Write a record beside a case (an appointment) and its timeline entry in one transaction:
    `write(tx, case)` writes and returns the entry."""
    at = clock.now()
    with store.transaction() as tx:
        case = tx.table(CASES).get(doc_id=case_id)
        if case is None:
            raise NotFound(case_id)
        entry = write(tx, case)
        tx.table(EVENTS).insert(event_doc(case_id, entry, user, at))
        return entry


def add_entry(store: Store, case_id: int, entry: Mapping[str, Any], user) -> int:
    """A contact, note or document on the timeline; a contact's minutes add to the case's time
    (through `with_activity`: the case document itself is not rewritten)."""
    at = clock.now()
    entry = dict(entry)
    if entry.get("date"):
        day = dt.date.fromisoformat(entry["date"])
        entry["at"] = clock.stamp(at if day == at.date() else clock.on(day, 12))
    with store.transaction() as tx:
        if tx.table(CASES).get(doc_id=case_id) is None:
            raise NotFound(case_id)
        # Only appended: the case's last activity and minutes follow from its events (with_activity).
        return tx.table(EVENTS).insert(event_doc(case_id, entry, user, at))


def mark_report_handled(store: Store, report_id: int, reason: str, user) -> None:
    with store.transaction() as tx:
        if tx.table(report_intake.TABLE).get(doc_id=report_id) is None:
            raise NotFound(report_id)
        tx.table(report_intake.TABLE).update(
            {"status": "afgehandeld", "handled_reason": reason, "handled_at": clock.stamp(),
             "handled_by": getattr(user, "id", None)}, doc_ids=[report_id])
