"""Planning's panel on Vandaag: the coordinator's priorities for this week."""

from common.clock import today

from ..admin.dashboard import register
from . import work


@register("planning/_today.html", order=30)
def week_panel(view) -> dict:
    # Kept per day and version of the projects and tasks: the same rows render once (admin/fragments.py).
    day = today()
    return view.derived(f"planning.today.{day}", lambda v: {"priorities": work.priorities_of(v, day)})
