"""Reports (meldingen) coming in from the public forms, and the coordinator's inbox."""
from flask import Flask

from .. import csrf, on_demand


def init_app(app: Flask) -> None:
    # Anonymous static pages cannot carry a session token; spam checks guard these posts.
    on_demand.add(app, "buurtbemiddeling.reports.form_posts:public", then=csrf.exempt)
    on_demand.add(app, "buurtbemiddeling.reports.views:bp")
