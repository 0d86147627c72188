"""The coordinator's professional development log, shown under Planning."""
from flask import Flask


def init_app(app: Flask) -> None:
    from ..answers import register_filters
    from .. import on_demand

    register_filters(app)
    on_demand.add(app, "buurtbemiddeling.development.views:bp")
