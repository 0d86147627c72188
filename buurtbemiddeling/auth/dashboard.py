"""A Vandaag panel that appears only while a coordinator account lacks two-step login."""
from ..admin.dashboard import register
from . import users


def coordinators_without_twofactor(view) -> list:
    return [d for d in users.all_users(view)
            if d["role"] == "coordinator" and d.get("active", True) and not d.get("totp_enabled")]


@register("auth/_today.html", order=90)
def twofactor_panel(view) -> dict:
    return {"without_twofactor": coordinators_without_twofactor(view)}
