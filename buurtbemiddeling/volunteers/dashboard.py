"""The volunteers' panels on Vandaag: qualifications, thank-yous and applicants waiting."""
from __future__ import annotations

from datetime import date

from ..admin.dashboard import register
from . import appreciation, pipeline, qualifications

SHOW = 8


@register("volunteers/_today_waiting.html", order=40)
def waiting_panel(view) -> dict:
    rows = pipeline.waiting_list(view.table(pipeline.APPLICATIONS).all(), view.table(pipeline.VOLUNTEERS).all(), date.today())
    return {"waiting": rows[:SHOW], "total": len(rows)}


@register("volunteers/_today_qualifications.html", order=45)
def qualifications_panel(view) -> dict:
    rows = qualifications.needing_attention(view, view.table(pipeline.VOLUNTEERS).all(), date.today())
    return {"rows": rows[:SHOW], "total": len(rows), "states": qualifications.STATES}


@register("volunteers/_today_thanks.html", order=50)
def thanks_panel(view) -> dict:
    # Per version of the cases table: counting five years of duos on every visit of Vandaag is waste.
    mediations = view.derived("volunteers.mediation_counts", ("cases",), lambda v: appreciation.mediation_counts(v.table("cases")))
    rows = appreciation.thank_you_list(view.table(pipeline.VOLUNTEERS).all(), mediations, date.today())
    return {"rows": rows[:SHOW], "total": len(rows)}
