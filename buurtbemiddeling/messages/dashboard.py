"""Vandaag: mail that does not reach anyone, and referrers waiting for a phone call."""
from __future__ import annotations

from flask import current_app

from .. import mail
from ..admin.dashboard import register


@register("messages/_today.html", order=5)
def mail_panel(view) -> dict | None:
    configured = mail.enabled(current_app.config)
    found = mail.attention(view)
    if configured and not found["late"] and not found["failed"]:
        return None
    return {"configured": configured, **found}
