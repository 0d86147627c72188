"""Planning: projects and activities with tasks, and the week's priorities on Vandaag."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here so the shared pure helpers (fields) can be imported without Flask views.
    from .. import on_demand
    from ..answers import register_filters

    register_filters(app)
    on_demand.add(app, "buurtbemiddeling.planning.views:bp")
