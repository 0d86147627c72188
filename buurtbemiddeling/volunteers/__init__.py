"""Volunteers: recruitment, selection, training, events and appreciation (claims live in the budget)."""
from flask import Flask

from .. import on_demand


def init_app(app: Flask) -> None:
    on_demand.add(app, "buurtbemiddeling.volunteers.views:bp")
