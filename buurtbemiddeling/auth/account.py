"""Everyone's own account: change the password, turn two-step login on or off."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..store import get_store
from . import recovery, sessions, twofactor, users

bp = Blueprint("account", __name__, url_prefix="/beheer/mijn-account")


def _page(status: int = 200, **context):
    doc = users.get_doc(get_store().read(), current_user.id)
    context.setdefault("errors", {})
    return render_template("auth/my_account.html", account=doc, role_labels=users.ROLE_LABELS,
                           min_length=users.MIN_PASSWORD_LENGTH, **context), status


@bp.get("/")
@login_required
def me():
    return _page()


@bp.post("/wachtwoord")
@login_required
def change_password():
    store = get_store()
    new = request.form.get("password", "")
    errors = {}
    if users.authenticate(store, current_user.email, request.form.get("current_password", "")) is None:
        errors["current_password"] = "Uw huidige wachtwoord klopt niet."
    elif new != request.form.get("password_repeat", ""):
        errors["password"] = "De twee nieuwe wachtwoorden zijn niet gelijk."
    else:
        try:
            with store.transaction():  # the new password, its audit entry and this session's new id
                users.set_password(store, current_user.id, new)
                # Every session ended with the new epoch (a forgotten laptop); this one carries on.
                sessions.start(users.get_user(store, current_user.id), "user.password_changed")
        except users.AccountError as exc:
            errors["password"] = str(exc)
    if errors:
        return _page(422, errors=errors)
    flash("Uw wachtwoord is gewijzigd. Andere ingelogde apparaten zijn uitgelogd.")
    return redirect(url_for("account.me"))


@bp.post("/overal-uitloggen")
@login_required
def logout_everywhere():
    user_id = current_user.id
    users.end_all_sessions(get_store(), user_id)
    sessions.end("logout.everywhere")
    flash("U bent uitgelogd op alle apparaten, ook op dit apparaat.")
    return redirect(url_for("auth.login"))


@bp.post("/tweestaps/starten")
@login_required
def start_twofactor():
    twofactor.start_enrolment(get_store(), current_user.id, current_app.config["TOTP_KEY_FILE"])
    return redirect(url_for("account.twofactor_setup"))


@bp.get("/tweestaps")
@login_required
def twofactor_setup():
    return _setup_page()


def _setup_page(error: str | None = None):
    doc = users.get_doc(get_store().read(), current_user.id)
    secret = twofactor.pending_secret(get_store(), current_user.id, current_app.config["TOTP_KEY_FILE"])
    if not secret:
        return redirect(url_for("account.me"))
    uri = twofactor.provisioning_uri(secret, doc["email"], current_app.config["ORGANISATION"])
    return render_template("auth/twofactor_setup.html", qr=twofactor.qr_svg(uri),
                           secret=twofactor.group_secret(secret), error=error), 422 if error else 200


@bp.post("/tweestaps/bevestigen")
@login_required
def confirm_twofactor():
    if twofactor.confirm_enrolment(get_store(), current_user.id, request.form.get("code", ""),
                                   current_app.config["TOTP_KEY_FILE"]):
        flash("Tweestapsverificatie staat aan. Voortaan vraagt het inloggen ook om een code uit uw app.")
        return _recovery_page(recovery.renew(get_store(), current_user.id))
    return _setup_page("De code klopt niet. Typ de zes cijfers die de app nu laat zien voor dit account.")


@bp.post("/tweestaps/herstelcodes")
@login_required
def renew_recovery_codes():
    if not _password_typed_again():
        return _page(422, errors={"recovery_password": "Uw wachtwoord klopt niet; de herstelcodes zijn niet vernieuwd."})
    return _recovery_page(recovery.renew(get_store(), current_user.id))


def _password_typed_again() -> bool:
    """A change to how one logs in asks for the password again, not only a session."""
    return users.authenticate(get_store(), current_user.email, request.form.get("current_password", "")) is not None


def _recovery_page(codes: list[str]):
    # Shown once: only their hashes are kept. no-store so the page never lingers in a cache.
    response = current_app.make_response(render_template("auth/recovery_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/tweestaps/uitzetten")
@login_required
def disable_twofactor():
    if not _password_typed_again():
        return _page(422, errors={"disable_password": "Uw wachtwoord klopt niet; tweestapsverificatie blijft aan."})
    twofactor.disable(get_store(), current_user.id, by=current_user.id)
    flash("Tweestapsverificatie staat uit.")
    return redirect(url_for("account.me"))
