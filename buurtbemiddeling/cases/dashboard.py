"""The cases' panel on Vandaag: what needs the coordinator today, each one click from its case."""
from __future__ import annotations

import datetime as dt

from common import clock, intake_term, tables

from ..admin.dashboard import register
from ..settings import numbers
from . import appointments, intake, repo, workflow


def worklists(view, today: dt.date) -> dict:
    """Pure of Flask: the day's lists computed from a read view."""
    # Every list below is of open or waiting cases; their last activity counts their events.
    cases = repo.with_activity(view, repo.running_cases(view))
    days = intake_term.current(view)
    inactive_days = numbers.get(view, "inactive_days")
    deadlines = intake_deadlines(view, days)
    waiting = [c for c in cases if c.doc_id in deadlines]
    deadline = {c.doc_id: deadlines[c.doc_id] for c in waiting}
    overdue = {c.doc_id for c in waiting if intake_term.is_past(deadline[c.doc_id], today)}
    # Overdue first, then the nearest deadline.
    waiting.sort(key=lambda c: (c.doc_id not in overdue, deadline[c.doc_id] or today, c.doc_id))
    quiet_since = (today - dt.timedelta(days=inactive_days)).isoformat()
    # Nazorg waits weeks on purpose; its due date puts it on the list instead.
    inactive = sorted((c for c in cases if workflow.is_open(c) and c.doc_id not in deadlines
                       and c.get("step") != "nazorg" and (c.get("last_activity_at") or "") < quiet_since),
                      key=lambda c: c.get("last_activity_at") or "")
    soon = (today + dt.timedelta(days=7)).isoformat()
    nazorg = sorted((c for c in cases if c.get("step") == "nazorg" and (c.get("nazorg_due") or "") <= soon),
                    key=lambda c: c.get("nazorg_due") or "")
    # Reminders that have come first, then the nearest "tot" date, then the longest waiting.
    on_hold = sorted((c for c in cases if c.get("step") == "in-de-wacht"),
                     key=lambda c: (not workflow.hold_reminder_due(c, today), c.get("held_until") or "9999",
                                    c.get("step_changed_at") or c.get("last_activity_at") or ""))
    counts = {key: 0 for key in workflow.STEPS} | repo.step_counts(view)
    return {
        "waiting": waiting, "inactive": inactive, "nazorg": nazorg, "on_hold": on_hold,
        "counts": counts, "steps": workflow.STEPS, "today": today.isoformat(),
        "deadline": deadline, "overdue": overdue,
        "inactive_days": inactive_days,
        "hold_due": {c.doc_id for c in on_hold if workflow.hold_reminder_due(c, today)},
    }


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
    cases = {a["case_id"]: repo.get_case(view, a["case_id"]) for a in items}
    return {"appointments": [a for a in items if cases.get(a["case_id"])], "cases": cases, "kinds": appointments.KINDS,
            "names": repo.volunteer_names(view), "today": today.isoformat()}
