"""The admin shell's own pages: Vandaag and the assets (the layout's hooks: __init__.py)."""
from __future__ import annotations

from pathlib import Path

import js_lib_htmx
from flask import Blueprint, render_template, send_from_directory

from ..auth.guard import coordinator_required
from ..store import get_store
from . import PREFIX, areas, dashboard, fragments

bp = Blueprint("admin", __name__, url_prefix=PREFIX)
HTMX_DIR = Path(js_lib_htmx.__file__).parent / "static" / "htmx"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@bp.get("/")
@coordinator_required
def today():
    # Each panel rendered again only when what it shows may differ (fragments.py).
    return render_template("admin/today.html",
                           panels=fragments.rendered(dashboard.render_context(get_store().read())))


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


for _area in areas.unbuilt():
    bp.add_url_rule(f"/{_area.slug}", f"area_{_area.slug}", _placeholder(_area))
