"""The cases' panel on Vandaag: what needs the coordinator today, each one click from its case."""
from __future__ import annotations

import datetime as dt

from common import clock, intake_term, tables

from ..admin.dashboard import register
from ..settings import numbers
from . import appointments, intake, repo, workflow


def worklists(view, today: dt.date) -> dict:
    """Pure of Flask: the day's lists computed from a read view. Which cases are on which list is
    kept per part of the cases (`day_lists`) and the intake deadlines per part and term, so after
    another worker's change only its part is looked at again; only the few hundred cases on the
    lists are read. What does not hang on the timeline is kept apart (`_as_stored`), so after a
    note only the lists of cases without activity and on hold are made again: they show the cases
    with their activity (`repo.with_activity`); the intakes and nazorg show none."""
    days = intake_term.current(view)
    inactive_days = numbers.get(view, "inactive_days")
    stored = view.derived(f"cases.today.as_stored.{today}.{days}", lambda v: _as_stored(v, today, days))
    quiet_since = (today - dt.timedelta(days=inactive_days)).isoformat()
    found = repo.activity(view)
    parts = day_lists(view)
    # Nazorg waits weeks on purpose; its due date puts it on the list instead.
    quiet = [doc_id for part in parts for doc_id, last in part["quiet"]
             if max(last, found.get(doc_id, ("", 0))[0]) < quiet_since]
    table = view.table(repo.CASES)
    inactive = sorted(repo.with_activity(view, table.by_ids(quiet), _SHOWN),
                      key=lambda c: c.get("last_activity_at") or "")
    # Reminders that have come first, then the nearest "tot" date, then the longest waiting.
    on_hold = sorted(repo.with_activity(view, table.by_ids(doc_id for part in parts for doc_id in part["on_hold"]),
                                        _SHOWN),
                     key=lambda c: (not workflow.hold_reminder_due(c, today), c.get("held_until") or "9999",
                                    c.get("step_changed_at") or c.get("last_activity_at") or ""))
    return {
        **stored, "inactive": inactive, "on_hold": on_hold, "inactive_days": inactive_days,
        "hold_due": {c.doc_id for c in on_hold if workflow.hold_reminder_due(c, today)},
    }


# The cases on the lists as shown, per id (repo.with_activity's ``kept``): the same objects while
# a case and its activity are unchanged, so a list another worker's note does not change keeps
# its HTML. Holds the few hundred cases that were on the lists.
_SHOWN: dict = {}


def _as_stored(view, today: dt.date, days: int) -> dict:
    """The lists that show the cases as stored: the intakes waiting (overdue first, then the
    nearest deadline), nazorg due within a week, and the count per step."""
    deadline = intake_deadlines(view, days)
    overdue = {doc_id for doc_id, due in deadline.items() if intake_term.is_past(due, today)}
    waiting = sorted(deadline, key=lambda doc_id: (doc_id not in overdue, deadline[doc_id] or today, doc_id))
    soon = (today + dt.timedelta(days=7)).isoformat()
    table = view.table(repo.CASES)
    nazorg = table.by_ids(doc_id for part in day_lists(view) for due, doc_id in part["nazorg"] if due <= soon)
    nazorg.sort(key=lambda c: c.get("nazorg_due") or "")
    return {"waiting": table.by_ids(waiting), "nazorg": nazorg, "deadline": deadline, "overdue": overdue,
            "counts": {key: 0 for key in workflow.STEPS} | repo.step_counts(view), "steps": workflow.STEPS,
            "today": today.isoformat()}


def day_lists(view) -> list[dict]:
    """Per part of the cases (`parted`), in id order, which running cases may be on the day's lists
    whatever the day: "quiet" (id, stored last activity) of the open cases that are neither
    waiting for their intake nor in nazorg (without activity once their last one is old enough),
    "nazorg" (due date, id) and "on_hold" ids."""
    def build(cases) -> dict:
        lists = {"quiet": [], "nazorg": [], "on_hold": []}
        for case in cases:
            step = case.get("step")
            if step == "nazorg":
                lists["nazorg"].append((case.get("nazorg_due") or "", case.doc_id))
            elif step == "in-de-wacht":
                lists["on_hold"].append(case.doc_id)
            elif workflow.is_open(case) and not intake_term.waiting_for_intake(case):
                lists["quiet"].append((case.doc_id, case.get("last_activity_at") or ""))
        return lists

    return view.parted("cases.day_lists", tables.CASES, build)


def intake_deadlines(view, days: int) -> dict:
    """{id: intake deadline} of the cases waiting for their intake, worked out per part of the
    table (`parted`, per term): after a change only that part's cases are looked at again; a
    few hundred deadlines of five years' cases cost more than the rest of the lists."""
    parts = view.parted(f"cases.intake_deadlines.{days}", tables.CASES, lambda cases: {
        case.doc_id: intake_term.deadline(case, days) for case in cases if intake_term.waiting_for_intake(case)})
    return {doc_id: due for part in parts for doc_id, due in part.items()}


@register("cases/_today.html", order=20)
def cases_panel(view) -> dict:
    # Kept per day, settings and version of the cases: Vandaag is opened many times a day.
    today = clock.today()
    settings = (intake_term.current(view), numbers.get(view, "inactive_days"))
    return view.derived(f"cases.today.{today}.{settings}", lambda v: worklists(v, today))


@register("cases/_today_appointments.html", order=15)
def appointments_panel(view) -> dict:
    """Planned appointments of today and tomorrow, in time order."""
    today = clock.today()
    items = appointments.between(appointments.all_of(view), today, today + dt.timedelta(days=1))
    # The stored cases themselves (by_ids shares them; get copies): the same objects while their
    # part is unchanged, so the panel's HTML is kept (admin/fragments.py).
    cases = {case.doc_id: case for case in view.table(repo.CASES).by_ids(dict.fromkeys(a["case_id"] for a in items))}
    return {"appointments": [a for a in items if cases.get(a["case_id"])], "cases": cases, "kinds": appointments.KINDS,
            "names": repo.volunteer_names(view), "today": today.isoformat()}
