"""The reports' panel on Vandaag: new reports waiting to be read, the oldest first, each
marked "Te laat" once past the intake term."""
from common import clock, intake_term

from ..admin.dashboard import register
from ..settings import lists
from . import intake


SHOW = 12


def waiting(view, today) -> dict:
    """New reports, oldest first, which are late; the first SHOW with their deadline and kind (a
    report posted since leaves those the same: the list keeps its HTML, admin/fragments.py)."""
    days = intake_term.current(view)
    found = list(reversed(intake.new_reports(view)))
    shown = found[:SHOW]
    return {"new_reports": found, "shown": shown,
            "deadline": {r.doc_id: intake_term.report_deadline(r, days) for r in shown},
            "late": {r.doc_id for r in found if intake_term.report_is_late(r, today, days)},
            "kinds": {r.doc_id: intake.kind_of(r) for r in shown}, "kind_labels": intake.KINDS,
            "conflicts": lists.labels(view, "conflict_types")}


@register("reports/_today.html", order=10)
def new_reports_panel(view) -> dict:
    # Kept per day and version of the tables it reads: another worker's note or step change
    # keeps it, a new report does not.
    today = clock.today()
    return view.derived(f"reports.today.{today}", lambda v: waiting(v, today))
