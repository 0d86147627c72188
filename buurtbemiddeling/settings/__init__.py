"""Instellingen: the configurable lists and numbers the other areas use.

`lists` and `numbers` have no Flask (they read and write the store); the site builder reads
the lists' values through `forms` and the numbers it shows through `common/`. The views are
imported only when the app registers them.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    from .. import on_demand

    on_demand.add(app, "buurtbemiddeling.settings.views:bp")
