"""Messages that reach people: the outbox made visible (Instellingen → E-mail), mail sent right
after the response, feedback to referrers, and the standard letters to the parties.

The rules are pure and live beside their views: `feedback` (who may be told what),
`templates` (the texts and the merge fields each may hold), `letters` (which letter to whom).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    from .. import on_demand
    from . import dispatch

    dispatch.init_app(app)
    for module in ("outbox_views", "text_views", "case_views"):
        on_demand.add(app, f"buurtbemiddeling.messages.{module}:bp")
