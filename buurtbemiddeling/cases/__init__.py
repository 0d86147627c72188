"""Cases (zaken): from report to closure along the seven steps, with the daily worklists."""
from flask import Flask

from .. import on_demand


def reported_on(case):
    """The case's reported date (figures/cases.py), for every area's templates; the figures load
    only for a page that shows one."""
    from figures.cases import reported_on

    return reported_on(case)


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"reported_on": reported_on})
    on_demand.add(app, "buurtbemiddeling.cases.views:bp")
    on_demand.add(app, "buurtbemiddeling.cases.views:intake_bp")
