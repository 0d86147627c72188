"""The admin shell: layout, navigation, the Vandaag page and assets."""
from __future__ import annotations

from pathlib import Path

import js_lib_htmx
from flask import Blueprint, Flask, Response, render_template, request, send_from_directory
from flask_login import current_user

from ..auth.views import coordinator_required
from ..store import get_store
from . import areas, dashboard

bp = Blueprint("admin", __name__, url_prefix="/beheer")
HTMX_DIR = Path(js_lib_htmx.__file__).parent / "static" / "htmx"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@bp.get("/")
@coordinator_required
def today():
    return render_template("admin/today.html", panels=dashboard.render_context(get_store().read()))


def _placeholder(area: areas.Area):
    @coordinator_required
    def view():
        return render_template("admin/placeholder.html", area=area)

    view.__name__ = f"area_{area.slug}"
    return view


@bp.get("/assets/htmx.min.js")
def htmx_js():
    return send_from_directory(HTMX_DIR, "htmx.min.js", max_age=86400)


@bp.get("/assets/<path:filename>")
def asset(filename: str):
    return send_from_directory(STATIC_DIR, filename, max_age=3600)


def admin_response_headers(response: Response) -> Response:
    if request.path.startswith(bp.url_prefix):
        # Partial and full answers share URLs; caches must keep them apart.
        response.vary.add("HX-Request")
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"  # residents' data never lingers in a cache
    return response


for _area in areas.unbuilt():
    bp.add_url_rule(f"/{_area.slug}", f"area_{_area.slug}", _placeholder(_area))


def init_app(app: Flask) -> None:
    app.after_request(admin_response_headers)
    @app.context_processor
    def navigation():
        return {"admin_areas": areas.AREAS, "htmx_request": bool(getattr(request, "htmx", False))}

    app.register_blueprint(bp)
