"""Login sessions: started with an id the server keeps (`users.open_session`), ended on the
server by logout, after idle time, at the absolute limit, or when the account's epoch moved on
(deactivated, password or role changed, "Overal uitloggen"). A copied cookie of an ended session
opens nothing: `load_user` checks its id against the account."""
from __future__ import annotations

import time

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_login import login_user, logout_user

from ..extensions import login_manager
from ..store import get_store
from . import users
from .users import User

TIMED_OUT = {
    "idle": "U bent automatisch uitgelogd omdat u een tijd niets heeft gedaan. Log opnieuw in.",
    "absolute": "U bent automatisch uitgelogd omdat u lang was ingelogd. Log opnieuw in.",
}


def start(user: User, action: str | None = None) -> None:
    """A new session for ``user``, audited as ``action`` in the same commit (login, setup)."""
    session.clear()  # a fresh session on login prevents session fixation
    session.permanent = True
    store = get_store()
    with store.transaction():
        session_id = users.open_session(store, user.id)
        if action:
            store.audit(user.id, action, f"user:{user.id}")
    login_user(user)
    now = int(time.time())
    session.update({"login_at": now, "seen_at": now, "epoch": user.epoch, "sid": session_id})


def end(action: str = "logout", **details) -> None:
    """End this session on the server and in the browser; audited as `action`."""
    user_id, store = session.get("_user_id"), get_store()
    if user_id is not None:
        with store.transaction():
            users.end_session(store, str(user_id), session.get("sid"))
            store.audit(str(user_id), action, None, **details)
    logout_user()
    session.clear()


def expiry_reason(login_at: int | None, seen_at: int | None, now: int, idle: int, absolute: int) -> str | None:
    """Pure rule: why a session has ended ('idle' or 'absolute'), or None while it is valid."""
    if login_at is None or seen_at is None:
        return "absolute"  # a session from before these rules: start over
    if absolute and now - login_at >= absolute:
        return "absolute"
    if idle and now - seen_at >= idle:
        return "idle"
    return None


def _guard():
    if "_user_id" not in session:
        return None
    now = int(time.time())
    config = current_app.config
    reason = expiry_reason(session.get("login_at"), session.get("seen_at"), now,
                           int(config["SESSION_IDLE_TIMEOUT"]), int(config["SESSION_ABSOLUTE_TIMEOUT"]))
    if reason is None:
        if now - session["seen_at"] >= 30:  # do not rewrite the cookie on every asset request
            session["seen_at"] = now
        return None
    end("logout.timeout", reason=reason)
    if (not request.path.startswith("/beheer/") or request.endpoint in ("admin.asset", "admin.htmx_js")
            or (request.endpoint or "").startswith("auth.")):
        return None  # the public site, assets and the login pages carry on as for any visitor
    flash(TIMED_OUT[reason])
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if getattr(request, "htmx", False):
        response = Response(status=204)
        response.headers["HX-Redirect"] = target  # a partial swap would put the login page inside the page
        return response
    return redirect(target)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the session's account, if the session is still open on the server."""
    user = users.get_user(get_store(), user_id)
    # A logout, a deactivated account or a changed password or role ends sessions on the server.
    if (user is None or not user.is_active or session.get("epoch", 0) != user.epoch
            or users.session_hash(session.get("sid")) not in user.sessions):
        return None
    return user


def _hsts(response: Response) -> Response:
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    app.before_request(_guard)
    app.after_request(_hsts)
