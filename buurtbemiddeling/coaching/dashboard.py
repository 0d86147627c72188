"""The coaching panel on Vandaag: duos to check in on, follow-ups due, coaching asked for."""
from __future__ import annotations

from tinydb.table import Document

from common import clock

from ..admin.dashboard import register
from ..cases import repo as case_repo
from ..cases import workflow
from ..quality import debrief
from ..settings import numbers
from . import notes

numbers.register("checkin_days", "Voortgang navragen na", "dagen", notes.DEFAULT_CHECKIN_DAYS, 3, 60,
                 "Een duo dat zo lang niets over een lopende zaak heeft laten horen, staat op de lijst om na te bellen.")


def worklists(view, today) -> dict:
    """Pure of Flask: the coaching lists computed from a read view (the Coaching page): with the
    running cases by id (and a follow-up's closed case) and the coaching asked for as (debrief, case)."""
    lists = _lists(view, today)
    cases = {c.doc_id: c for c in case_repo.running_cases(view) if workflow.is_open(c)}
    for note in lists["follow_ups"]:  # a follow-up may be about a closed case; the list links to it
        if note.get("case_id") and note["case_id"] not in cases:
            case = case_repo.get_case(view, note["case_id"])
            if case is not None:
                cases[case.doc_id] = case
    debriefs = view.table(debrief.DEBRIEFS).by_ids(doc_id for doc_id, _ in lists["asked"])
    return {**lists, "cases": cases, "asked": [(d, cases[d["case_id"]]) for d in debriefs]}


def _lists(view, today) -> dict:
    """The coaching lists, the coaching asked for as (debrief id, case id): Vandaag shows how
    many. What does not hang on the timeline (the coaching asked for) is kept apart (`requests`),
    so after another worker's note only the quiet duos are looked for again, among the cases whose
    duo can go quiet (`duos_at_work`, kept per part)."""
    days = numbers.get(view, "checkin_days")
    all_notes = view.table(notes.NOTES).all()
    at_work = view.table(case_repo.CASES).by_ids(sorted(duos_at_work(view)))
    quiet = notes.quiet_among(at_work, notes.heard_from(view), today=today, days=days)
    return {"quiet": quiet, "days": days, "follow_ups": notes.follow_ups_due(all_notes, today=today),
            "asked": requests(view), "names": case_repo.volunteer_names(view), "today": today.isoformat()}


def requests(view) -> list[tuple[int, int]]:
    """The open coaching requests on running cases as (debrief id, case id), kept per version of
    the cases, debriefs and notes (not of the timeline): after closing, the debrief's question
    belongs in intervisie."""
    def build(v) -> list[tuple[int, int]]:
        # Some 3,300 open requests at L are on closed cases: look up the running cases' own.
        by_case = v.derived("coaching.open_requests_by_case", _by_case)
        found = sorted(kept for case_id in open_cases(v) & by_case.keys() for kept in by_case[case_id])
        return [request for _, request in found]

    return view.derived("coaching.requests", build)


def _by_case(view) -> dict[int, list[tuple[int, tuple[int, int]]]]:
    """Per case id its open requests as (place in open_requests' order, (debrief id, case id))."""
    found: dict[int, list] = {}
    for place, request in enumerate(open_requests(view)):
        found.setdefault(request[1], []).append((place, request))
    return found


def open_cases(view) -> set[int]:
    """The ids of the running cases (`workflow.is_open`), looked for per part of the cases
    (`parted`): a step change elsewhere looks at its part again and reads no case."""
    return _case_ids(view, "coaching.open_cases", workflow.is_open)


def open_requests(view) -> list[tuple[int, int]]:
    """(debrief id, case id) of every open coaching request (`debrief.coaching_asked`), in its
    order, whatever the case's step: kept per version of the debriefs and notes, so a step change
    reads no debrief. The rule is given what it reads of each debrief that asked for coaching
    (folded per version of the table: after a new one, only that one is read)."""
    def build(v) -> list[tuple[int, int]]:
        asked = v.fold("coaching.asked_when", debrief.DEBRIEFS, _add_asked)
        found = debrief.coaching_asked([Document({"case_id": case_id, "coaching_needed": True, "date": date, "at": at},
                                                 doc_id) for doc_id, (case_id, date, at) in asked.items()],
                                       v.table(notes.NOTES).all())
        return [(d.doc_id, d["case_id"]) for d in found]

    return view.derived("coaching.open_requests", build)


def duos_at_work(view) -> set[int]:
    """The ids of the cases whose duo can go quiet (`notes.may_go_quiet`), looked for per part of
    the cases (`parted`): after a change only that part's cases are looked at again, not the
    running cases of five years."""
    return _case_ids(view, "coaching.duos_at_work", notes.may_go_quiet)


def _case_ids(view, key: str, rule) -> set[int]:
    """The ids of the cases `rule` holds for, kept per part of the cases under `key`."""
    return set().union(*view.parted(key, case_repo.CASES,
                                    lambda cases: [case.doc_id for case in cases if rule(case)]))


def _add_asked(found: dict, doc) -> None:
    # What debrief.coaching_asked reads of it: its case, when it was written and the day of the talk.
    if doc.get("coaching_needed"):
        found[doc.doc_id] = (doc.get("case_id"), doc.get("date", ""), doc.get("at"))


@register("coaching/_today.html", order=25)
def coaching_panel(view) -> dict:
    # Kept per day and version of the tables it reads: Vandaag is opened many times a day.
    today = clock.today()
    return view.derived(f"coaching.today.{today}", lambda v: _lists(v, today))
