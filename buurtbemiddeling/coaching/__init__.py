"""Coaching: notes per volunteer and per case, and check-ins on duos who have gone quiet."""
from flask import Flask

from . import dashboard, views  # noqa: F401  (the panel and the check-in setting register on import)


def init_app(app: Flask) -> None:
    views.init_app(app)
