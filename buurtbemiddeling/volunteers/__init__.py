"""Volunteers: recruitment, selection, training, events and appreciation (claims live in the budget)."""
from flask import Flask

from . import choices, dashboard, views, views_programme  # noqa: F401  (lists, panels and routes register on import)


def init_app(app: Flask) -> None:
    views.init_app(app)
