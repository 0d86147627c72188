"""The budget per year: lines, expenses with receipts, volunteers' expense claims, realisation."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here so the package's pure modules can be imported without Flask views.
    from ..answers import register_filters
    from .. import on_demand

    register_filters(app)
    on_demand.add(app, "buurtbemiddeling.budget.views:bp")
