"""Matching: which duo of volunteers fits a case, proposing it, and the handover sheet.

Other areas: `score.rank` (pure), `facts.rank_for_case(view, case, ...)`,
`proposals.record_answer(store, proposal_id, volunteer_id, "ja"|"nee", user=..., via="portaal")`
for the volunteer portal, `handover.sheet(...)`.
"""
from flask import Flask

from .. import on_demand


def init_app(app: Flask) -> None:
    app.config.setdefault("MATCHING_POSTCODE_RADIUS", 6)
    on_demand.add(app, "buurtbemiddeling.matching.views:bp")
