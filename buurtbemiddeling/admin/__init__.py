"""The admin shell: what every page of the admin has (headers, the navigation) is set here; the
Vandaag page and the assets (views.py) load when asked for."""
from flask import Flask, Response, request
from flask_login import current_user

from .. import on_demand
from . import areas

PREFIX = "/beheer"


def admin_response_headers(response: Response) -> Response:
    if request.path.startswith(PREFIX):
        # Partial and full answers share URLs; caches must keep them apart.
        response.vary.add("HX-Request")
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"  # residents' data never lingers in a cache
    return response


def navigation() -> dict:
    return {"admin_areas": areas.AREAS, "htmx_request": bool(getattr(request, "htmx", False))}


def init_app(app: Flask) -> None:
    app.after_request(admin_response_headers)
    app.context_processor(navigation)
    on_demand.add(app, "buurtbemiddeling.admin.views:bp")
