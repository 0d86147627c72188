"""The portal for volunteers (their own cases, proposals, protocols, activities and claims)
and network partners (stage and outcome of the cases they referred), under /portaal/."""
from flask import Flask


def init_app(app: Flask) -> None:
    from .. import on_demand

    on_demand.add(app, "buurtbemiddeling.portal.views:bp")
