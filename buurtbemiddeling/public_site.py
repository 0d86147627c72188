"""Serve the built static site (public/) from the app, for development and simple hosts."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import HTTPException
from werkzeug.security import safe_join

bp = Blueprint("public_site", __name__)


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def page(path: str):
    _refuse_get_on_post_routes(path)
    root = Path(current_app.config["PUBLIC_DIR"])
    target = safe_join(str(root), path)
    if target is None or _private(path):
        return _not_found(root, path)
    target_path = Path(target)
    if target_path.is_dir():
        if path and not path.endswith("/"):
            return redirect(f"/{path}/", code=308)
        path = f"{path}index.html" if path else "index.html"
        target_path = target_path / "index.html"
    if not target_path.is_file():
        return _not_found(root, path)
    return send_from_directory(root, path, max_age=300)


def _not_found(root: Path, path: str):
    """The 404 page in the address's language: /en/... gets en/404.html, others the default's."""
    folder, _, rest = path.partition("/")
    candidates = [f"{folder}/404.html"] if rest else []
    page = next((c for c in candidates + ["404.html"] if (root / c).is_file()), None)
    if page is None:
        abort(404)
    return send_from_directory(root, page), 404


def _private(path: str) -> bool:
    """Dot files (.htaccess, .htpasswd) and scripts are the web server's, never pages to hand out."""
    return any(part.startswith(".") for part in path.split("/")) or path.endswith(".cgi")


def _refuse_get_on_post_routes(path: str) -> None:
    """This catch-all must not turn a GET on a POST-only route into a 404 page: answer 405."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(f"/{path}", method="POST")
    except HTTPException:
        return
    abort(405)


def init_app(app: Flask) -> None:
    if app.config["SERVE_PUBLIC"]:
        app.register_blueprint(bp)
