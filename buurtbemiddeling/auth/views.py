"""First-run setup, login (with throttling and the optional second step), logout and the
invitation link. The decorators that guard every other view: guard.py."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_login import login_required, logout_user

from common import clock

from ..store import get_store
from . import invitations, recovery, sessions, setup_code, throttle, twofactor, users
from .guard import home_url

bp = Blueprint("auth", __name__, url_prefix="/beheer")
SECOND_STEP_SECONDS = 5 * 60  # how long a correct password waits for its code
WRONG_LOGIN = "Het e-mailadres of het wachtwoord klopt niet."


def when(iso: str | None, *, date_only: bool = False) -> str:
    """A stored moment for a page: 05-03-2026 14:30 (Amsterdam time), or only its date."""
    return clock.date_text(iso) if date_only else clock.datetime_text(iso)


@bp.route("/eerste-keer", methods=["GET", "POST"])
def setup():
    store = get_store()
    if users.has_users(store):
        return redirect(url_for("auth.login"))
    error = None
    form = {"name": "", "email": "", "code": ""}
    code_required = current_app.config["SETUP_CODE_REQUIRED"]
    if code_required:
        setup_code.ensure(current_app.instance_path)
    if request.method == "POST":
        form = {"name": request.form.get("name", ""), "email": request.form.get("email", ""),
                "code": request.form.get("code", "")[:40]}
        password = request.form.get("password", "")
        if code_required and not setup_code.matches(current_app.instance_path, form["code"]):
            error = ("De eenmalige code klopt niet. U vindt haar in het bestand setup-code in de "
                     "instancemap, of met: .venv/bin/flask --app app doctor")
        elif password != request.form.get("password_repeat", ""):
            error = "De twee wachtwoorden zijn niet gelijk."
        else:
            try:
                user = users.create_user(store, form["email"], password, "coordinator", form["name"], only_if_first=True)
            except users.AccountError as exc:
                error = str(exc)
            else:
                setup_code.used(current_app.instance_path)
                sessions.start(user)
                flash("Uw account is aangemaakt. Welkom!")
                return redirect(url_for("admin.today"))
    status = 422 if error else 200
    return render_template("auth/setup.html", form=form, error=error, min_length=users.MIN_PASSWORD_LENGTH,
                           code_required=code_required), status


def _limits() -> throttle.Limits:
    return throttle.Limits.from_config(current_app.config)


def _attempt(store, email: str) -> tuple[int, str | None]:
    return throttle.attempt(store, email, request.remote_addr, _limits())


def _finish_login(store, user: users.User, next_url: str | None):
    throttle.take_back(store, user.email, request.remote_addr, forget_account=True)
    sessions.start(user, "login")
    return redirect(_safe_next(next_url) or home_url(user))


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    store = get_store()
    if not users.has_users(store):
        session.pop("_flashes", None)  # "Log in om deze pagina te zien." means nothing before there is an account
        return redirect(url_for("auth.setup"))
    error, status = None, 200
    email = request.form.get("email", "")[:254]
    if request.method == "POST":
        wait, kind = _attempt(store, email)  # counted before the password is checked
        if wait:
            error, status = throttle.message(wait, kind), 429
            store.audit(None, "login.throttled", None, email=users.normalise_email(email), lock=kind)
        else:
            user = users.authenticate(store, email, request.form.get("password", ""))
            if user is None or not user.is_active:
                error, status = WRONG_LOGIN, 422
                store.audit(None, "login.failed", None, email=users.normalise_email(email))
            elif user.totp_enabled:
                throttle.take_back(store, email, request.remote_addr)
                session.clear()
                session["second_step"] = {"user": user.id, "epoch": user.epoch, "at": int(time.time())}
                return redirect(url_for("auth.login_code", next=_safe_next(request.args.get("next"))))
            else:
                return _finish_login(store, user, request.args.get("next"))
    return render_template("auth/login.html", email=email, error=error), status


@bp.route("/inloggen/code", methods=["GET", "POST"])
def login_code():
    store = get_store()
    pending = session.get("second_step") or {}
    user = users.get_user(store, str(pending.get("user", "")))
    if (user is None or not user.is_active or user.epoch != pending.get("epoch")
            or time.time() - pending.get("at", 0) > SECOND_STEP_SECONDS):
        session.pop("second_step", None)
        flash("Log opnieuw in met uw e-mailadres en wachtwoord.")
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        wait, kind = _attempt(store, user.email)  # counted before the code is checked
        if wait:
            error, status = throttle.message(wait, kind), 429
        elif twofactor.verify_login(store, user.id, request.form.get("code", ""), current_app.config["TOTP_KEY_FILE"]):
            return _finish_login(store, user, request.args.get("next"))
        elif recovery.looks_like_one(request.form.get("code", "")) and recovery.use(store, user.id,
                                                                                    request.form["code"]):
            response = _finish_login(store, user, request.args.get("next"))  # a fresh session: flash after
            left = recovery.remaining(users.get_doc(store.read(), user.id))
            flash(f"U bent ingelogd met een herstelcode; die werkt niet nog eens. Er zijn er nog {left}. "
                  "Maak nieuwe onder Mijn account als uw telefoon kwijt is.")
            return response
        else:
            store.audit(None, "login.failed", f"user:{user.id}", step="code")
            error, status = ("De code klopt niet. Typ de zes cijfers die uw app nu laat zien, of een "
                             "herstelcode; elke code werkt maar één keer."), 422
    return render_template("auth/login_code.html", error=error), status


@bp.post("/uitloggen")
@login_required
def logout():
    sessions.end()
    flash("U bent uitgelogd.")
    return redirect(url_for("auth.login"))


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def invitation(token: str):
    store = get_store()
    found = invitations.find(store.read(), token)
    if found is None:
        response = current_app.make_response((render_template(
            "admin/error.html", title="Link werkt niet", message=invitations.LINK_INVALID), 404))
    else:
        account = users.get_doc(store.read(), found.user_id)
        error = None
        if request.method == "POST":
            password = request.form.get("password", "")
            if password != request.form.get("password_repeat", ""):
                error = "De twee wachtwoorden zijn niet gelijk."
            else:
                try:
                    invitations.redeem(store, token, password)
                except users.AccountError as exc:
                    error = str(exc)
                else:
                    logout_user()
                    session.clear()
                    flash("Uw wachtwoord is ingesteld. Log nu in met uw e-mailadres en het nieuwe wachtwoord.")
                    return redirect(url_for("auth.login"))
        response = current_app.make_response((render_template(
            "auth/invitation.html", account=account, invitation=found, error=error,
            min_length=users.MIN_PASSWORD_LENGTH), 422 if error else 200))
    # The link is a key: keep it out of caches and out of Referer headers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _safe_next(target: str | None) -> str | None:
    """Only follow redirects within this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
