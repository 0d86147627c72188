"""First-run setup, login and logout."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import login_manager
from ..store import get_store
from . import users

bp = Blueprint("auth", __name__, url_prefix="/beheer")


@login_manager.user_loader
def load_user(user_id: str):
    return users.get_user(get_store(), user_id)


def coordinator_required(view):
    """Only the coordinator role may use this view."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_coordinator:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/eerste-keer", methods=["GET", "POST"])
def setup():
    store = get_store()
    if users.has_users(store):
        return redirect(url_for("auth.login"))
    error = None
    form = {"name": "", "email": ""}
    if request.method == "POST":
        form = {"name": request.form.get("name", ""), "email": request.form.get("email", "")}
        password = request.form.get("password", "")
        if password != request.form.get("password_repeat", ""):
            error = "De twee wachtwoorden zijn niet gelijk."
        else:
            try:
                user = users.create_user(store, form["email"], password, "coordinator", form["name"], only_if_first=True)
            except users.AccountError as exc:
                error = str(exc)
            else:
                session.clear()
                login_user(user)
                flash("Uw account is aangemaakt. Welkom!")
                return redirect(url_for("admin.today"))
    status = 422 if error else 200
    return render_template("auth/setup.html", form=form, error=error, min_length=users.MIN_PASSWORD_LENGTH), status


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    store = get_store()
    if not users.has_users(store):
        return redirect(url_for("auth.setup"))
    error = None
    email = request.form.get("email", "")
    if request.method == "POST":
        user = users.authenticate(store, email, request.form.get("password", ""))
        if user is None or not user.is_active:
            error = "Het e-mailadres of het wachtwoord klopt niet."
            store.audit(None, "login.failed", None, email=users.normalise_email(email)[:254])
        else:
            session.clear()  # a fresh session on login prevents session fixation
            session.permanent = True
            login_user(user)
            store.audit(user.id, "login", f"user:{user.id}")
            return redirect(_safe_next(request.args.get("next")) or url_for("admin.today"))
    return render_template("auth/login.html", email=email, error=error), 422 if error else 200


@bp.post("/uitloggen")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("U bent uitgelogd.")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str | None:
    """Only follow redirects within this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
