"""Coaching: notes per volunteer and per case, and check-ins on duos who have gone quiet."""
from flask import Flask

from .. import on_demand


def init_app(app: Flask) -> None:
    on_demand.add(app, "buurtbemiddeling.coaching.views:bp")
