"""The case page is made of sections, like Vandaag is made of panels.

An area adds a section (the matching issue: duo suggestions, debriefs) without touching
the case page: `@register("matching/_case_suggestions.html", order=45)` on a function
`(view, case) -> dict`; the template gets `section` (that dict) and `case`.
Built-in orders: 10 progress and next step, 20 parties and facts, 30 intake, 40 duo,
60 closing, 80 timeline.
"""
from ..admin.sections import Sections

SECTIONS = Sections("buurtbemiddeling.cases.page", "buurtbemiddeling.matching.case_section",
                    "buurtbemiddeling.quality.case_section", "buurtbemiddeling.budget.case_section",
                    "buurtbemiddeling.messages.case_section")
register = SECTIONS.register
render_context = SECTIONS.render_context
