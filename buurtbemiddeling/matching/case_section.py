"""The matching area's section on the case page: the proposal under way, or the best few duos
while none is chosen. Apart from the views (Koppelen, answers, the handover sheet and its PDF):
a case page under CGI is a fresh process that pays for every module it imports."""
from __future__ import annotations

from flask import current_app

from ..cases import sections, workflow
from ..settings import lists
from . import proposals

SECTION_DUOS = 3


def radius() -> int:
    """The postcode radius of the conflict-of-interest rule (app setting)."""
    return int(current_app.config.get("MATCHING_POSTCODE_RADIUS", 6))


def settings(view) -> dict:
    """What a ranking takes from the app's settings and the programme's lists."""
    return {"weights": current_app.config.get("MATCHING_WEIGHTS"), "radius": radius(),
            "conflict_labels": lists.labels(view, "conflict_types")}


@sections.register("matching/_case_section.html", order=45)
def case_section(view, case) -> dict:
    blocked = proposals.can_propose(case)
    open_one = proposals.open_proposal(view, case.doc_id)
    wanted = not blocked and not open_one and len(case.get("duo") or []) < 2
    ranking = None
    if wanted:
        from . import facts  # the ranking's rules: only for a case that still needs a duo

        ranking = facts.rank_for_case(view, case, **settings(view))
    return {"running": workflow.is_open(case), "blocked": blocked, "open": open_one, "ranking": ranking,
            "duos": ranking.duos[:SECTION_DUOS] if ranking else [],
            "has_duo": len(case.get("duo") or []) == 2, "statuses": proposals.STATUSES}
