"""The network's panel on Vandaag: agreements whose review date is near or past."""

from common.clock import today

from ..admin.dashboard import register
from . import partners


@register("network/_today.html", order=60)
def agreements_panel(view) -> dict:
    # Kept per day and version of the tables it reads: the same rows render once (admin/fragments.py).
    day = today()
    return view.derived(f"network.today.{day}", lambda v: {"agreements": partners.attention(v, day)})
