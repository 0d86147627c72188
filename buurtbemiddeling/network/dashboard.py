"""The network's panel on Vandaag: agreements whose review date is near or past."""

from common.clock import today

from ..admin.dashboard import register
from . import partners


@register("network/_today.html", order=60)
def agreements_panel(view) -> dict:
    return {"agreements": partners.attention(view, today())}
