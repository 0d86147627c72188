"""Protocols: the volunteers' way of working, in versions, published, read and acknowledged.

Other areas use `checklist.published_checklist(view)` (the debrief's checklist) and
`documents.unread_for(view, user_id)` (the volunteer portal).

Nothing is imported here: the package is loaded by every process, its rules only where used.
"""
from flask import Flask

from .. import on_demand


def init_app(app: Flask) -> None:
    on_demand.add(app, "buurtbemiddeling.protocols.views:bp")
