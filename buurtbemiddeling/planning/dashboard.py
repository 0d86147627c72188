"""Planning's panel on Vandaag: the coordinator's priorities for this week."""
from ..admin.dashboard import register
from . import work
from ..answers import today


@register("planning/_today.html", order=30)
def week_panel(view) -> dict:
    return {"priorities": work.priorities_of(view, today())}
