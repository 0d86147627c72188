"""Sections on a partner's page that other areas add, such as "Zaken van deze partner".

    @sections.register("cases/_partner_cases.html", order=10)
    def partner_cases(view, partner) -> dict | None:   # None: leave the section out
        return {"cases": [...]}

The template gets `section` (the dict) and `partner` (the partner doc, with `doc_id`).
"""
from ..admin.sections import Sections

SECTIONS = Sections("buurtbemiddeling.reporting.views")
register = SECTIONS.register
render_context = SECTIONS.render_context
