"""Rapportages: the quarterly and annual report (page and PDF), the benchmark export and the
feedback report per network partner. Every figure comes from `figures.report`.

Other areas: `sources.report_for(view, period, today)` gives the `figures.report.Report`;
`partners.cases_of(partner, cases)` the cases a partner referred.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here so the package's pure modules can be imported without Flask views.
    from ..answers import register_filters
    from .. import on_demand

    register_filters(app)
    on_demand.add(app, "buurtbemiddeling.reporting.views:bp")
