"""The coaching panel on Vandaag: duos to check in on, follow-ups due, coaching asked for."""
from __future__ import annotations

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
    debriefs = view.table(debrief.DEBRIEFS).all()
    cases = {c.doc_id: c for c in case_repo.all_cases(view)}
    # Only running cases can be quiet: hand over their timelines, not five years of events.
    running = [c for c in cases.values() if workflow.is_open(c)]
    timelines = case_repo.events_by_case(view)
    events = [e for c in running for e in timelines.get(c.doc_id, ())]
    open_ids = {c.doc_id for c in running}
    quiet = notes.quiet_cases(running, events, [d for d in debriefs if d.get("case_id") in open_ids], all_notes,
                              today=today, days=days)
    return {"quiet": quiet, "days": days, "follow_ups": notes.follow_ups_due(all_notes, today=today),
            # Only for running cases: after closing, the debrief's question belongs in intervisie.
            "asked": [(d, cases[d["case_id"]]) for d in debrief.coaching_asked(debriefs, all_notes)
                      if d["case_id"] in cases and workflow.is_open(cases[d["case_id"]])],
            "names": case_repo.volunteer_names(view), "cases": cases, "today": today.isoformat()}


@register("coaching/_today.html", order=25)
def coaching_panel(view) -> dict:
    return worklists(view, case_repo.today())
