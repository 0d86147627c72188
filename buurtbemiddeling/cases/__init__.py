"""Cases (zaken): from report to closure along the seven steps, with the daily worklists."""
from flask import Flask

from figures import cases as case_rules

from .. import on_demand


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"reported_on": case_rules.reported_on})  # every area's templates show it
    on_demand.add(app, "buurtbemiddeling.cases.views:bp")
    on_demand.add(app, "buurtbemiddeling.cases.views:intake_bp")
