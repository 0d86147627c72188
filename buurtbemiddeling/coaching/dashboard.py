"""The coaching panel on Vandaag: duos to check in on, follow-ups due, coaching asked for."""
from __future__ import annotations

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
    """Pure of Flask: the coaching lists computed from a read view."""
    days = numbers.get(view, "checkin_days")
    all_notes = view.table(notes.NOTES).all()
    # Only running cases can be quiet or need coaching: hand over their events and debriefs,
    # not those of five years of closed cases.
    running = [c for c in case_repo.running_cases(view) if workflow.is_open(c)]
    cases = {c.doc_id: c for c in running}

    # The debriefs that asked for coaching, per version of the table (folded: after a new one,
    # only that one is read); of those, the running cases' are read.
    asking = view.fold("coaching.asking", debrief.DEBRIEFS, _add_asking)
    debriefs = view.table(debrief.DEBRIEFS).by_ids(doc_id for doc_id, case_id in asking.items() if case_id in cases)
    at_work = duos_at_work(view)
    quiet = notes.quiet_among([c for c in running if c.doc_id in at_work], notes.heard_from(view), today=today, days=days)
    follow_ups = notes.follow_ups_due(all_notes, today=today)
    for note in follow_ups:  # a follow-up may be about a closed case; the list links to it
        if note.get("case_id") and note["case_id"] not in cases:
            case = case_repo.get_case(view, note["case_id"])
            if case is not None:
                cases[case.doc_id] = case
    return {"quiet": quiet, "days": days, "follow_ups": follow_ups,
            # Only for running cases: after closing, the debrief's question belongs in intervisie.
            "asked": [(d, cases[d["case_id"]]) for d in debrief.coaching_asked(debriefs, all_notes)
                      if d["case_id"] in cases and workflow.is_open(cases[d["case_id"]])],
            "names": case_repo.volunteer_names(view), "cases": cases, "today": today.isoformat()}


def duos_at_work(view) -> set[int]:
    """The ids of the cases whose duo can go quiet (`notes.may_go_quiet`), looked for per part of
    the cases (`parted`): after a change only that part's cases are looked at again, not the
    running cases of five years."""
    return set().union(*view.parted("coaching.duos_at_work", case_repo.CASES,
                                    lambda cases: [case.doc_id for case in cases if notes.may_go_quiet(case)]))


def _add_asking(found: dict, doc) -> None:
    if doc.get("coaching_needed"):
        found[doc.doc_id] = doc.get("case_id")


@register("coaching/_today.html", order=25)
def coaching_panel(view) -> dict:
    # Kept per day and version of the tables it reads: Vandaag is opened many times a day.
    today = clock.today()
    return view.derived(f"coaching.today.{today}", lambda v: worklists(v, today))
