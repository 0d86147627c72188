"""The Vandaag page is made of panels that each area registers.

`@register("yourarea/_today.html", order=10)` on a function `view -> dict`; the template
gets `panel` (that dict). A panel is rendered again only when a value of that dict or an input of
its template changed (fragments.py): give kept values (`view.derived` per day and version), not
new objects made on every request.
"""
from .sections import Sections

PANELS = Sections(*(f"buurtbemiddeling.{area}.dashboard" for area in (
    "reports", "cases", "coaching", "messages", "planning", "volunteers", "network", "protocols", "budget", "auth")))
register = PANELS.register
render_context = PANELS.render_context
