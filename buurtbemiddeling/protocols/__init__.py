"""Protocols: the volunteers' way of working, in versions, published, read and acknowledged.

Other areas use `published_checklist(view)` (the debrief's checklist) and
`documents.unread_for(view, user_id)` (the volunteer portal).
"""
from flask import Flask

from .. import on_demand
from .checklist import published_checklist  # noqa: F401


def init_app(app: Flask) -> None:
    on_demand.add(app, "buurtbemiddeling.protocols.views:bp")
