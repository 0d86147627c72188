"""Instellingen: the configurable lists and numbers the other areas use.

`lists` and `numbers` are pure (no Flask), so the site builder may import them too;
the views are imported only when the app registers them.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import views

    views.init_app(app)
