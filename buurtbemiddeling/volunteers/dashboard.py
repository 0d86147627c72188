"""The volunteers' panels on Vandaag: qualifications, thank-yous and applicants waiting."""
from __future__ import annotations


from common import clock

from ..admin.dashboard import register
from . import appreciation, pipeline, qualifications

SHOW = 8


# The panels go over every applicant and volunteer; their lists are kept per day and per version
# of the tables they read, so opening Vandaag again costs a lookup (see ReadView.derived).

@register("volunteers/_today_waiting.html", order=40)
def waiting_panel(view) -> dict:
    today = clock.today()
    rows = view.derived(f"volunteers.waiting.{today}", lambda v: pipeline.waiting_list(
        v.table(pipeline.APPLICATIONS).all(), v.table(pipeline.VOLUNTEERS).all(), today))
    return {"waiting": rows[:SHOW], "total": len(rows)}


@register("volunteers/_today_qualifications.html", order=45)
def qualifications_panel(view) -> dict:
    today = clock.today()
    rows = view.derived(f"volunteers.attention.{today}",
                        lambda v: qualifications.needing_attention(v, v.table(pipeline.VOLUNTEERS).all(), today))
    return {"rows": rows[:SHOW], "total": len(rows), "states": qualifications.STATES}


@register("volunteers/_today_thanks.html", order=50)
def thanks_panel(view) -> dict:
    today = clock.today()
    # Kept on the mediation counts (the same object while they stay the same), not on the
    # version of the cases: a step or another case's change that moves nobody's count keeps
    # it. The value holds the counts its key names by id, so no other object takes that id.
    counts = appreciation.mediation_counts_of(view)
    rows = view.derived(f"volunteers.thanks.{today}.{id(counts)}",
                        lambda v: (counts, appreciation.thank_you_list(v.table(pipeline.VOLUNTEERS).all(), counts,
                                                                       today)))[1]
    return {"rows": rows[:SHOW], "total": len(rows)}
