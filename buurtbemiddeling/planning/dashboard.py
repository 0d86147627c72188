"""Planning's panel on Vandaag: the coordinator's priorities for this week."""

from common.clock import today

from ..admin.dashboard import register
from . import work


@register("planning/_today.html", order=30)
def week_panel(view) -> dict:
    return {"priorities": work.priorities_of(view, today())}
