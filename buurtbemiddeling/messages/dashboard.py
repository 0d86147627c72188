"""Vandaag: mail that does not reach anyone, and referrers waiting for a phone call."""
from __future__ import annotations

from flask import current_app

from .. import mail
from ..admin.dashboard import register
from . import feedback


@register("messages/_today.html", order=5)
def mail_panel(view) -> dict | None:
    configured = mail.enabled(current_app.config)
    found = mail.attention(view)
    if configured and not found["late"] and not found["failed"]:
        return None
    return {"configured": configured, **found}


@register("messages/_today_calls.html", order=25)
def calls_panel(view) -> dict | None:
    calls = view.derived("messages.feedback_calls", feedback.calls_due)
    return {"calls": calls, "moments": feedback.MOMENTS} if calls else None
