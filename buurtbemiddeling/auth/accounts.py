"""The coordinator's account management: create accounts, send a link to set a password,
reset a password, switch off a lost second step, deactivate and reactivate."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import mail
from ..messages.links import external_url
from ..network import partners as network
from ..store import get_store
from ..volunteers.pipeline import ENDED
from . import invitations, twofactor, users
from .guard import coordinator_required
from .views import when
from common import tables

bp = Blueprint("accounts", __name__, url_prefix="/beheer/accounts")
bp.context_processor(lambda: {"when": when})
VOLUNTEERS = tables.VOLUNTEERS


def _volunteer_choices(view) -> list:
    """Volunteers who could get an account: not ended, not linked to an account yet."""
    linked = {d.get("volunteer_id") for d in view.table(users.TABLE).all()}
    docs = [v for v in view.table(VOLUNTEERS).all() if v.get("step") not in ENDED and v.doc_id not in linked]
    return sorted(docs, key=lambda v: (v.get("name") or "").lower())


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    docs = users.all_users(view)
    volunteers = {v.doc_id: v for v in view.table(VOLUNTEERS).all()}
    rows = [(doc, invitations.account_state(view, doc), volunteers.get(doc.get("volunteer_id"))) for doc in docs]
    return render_template("auth/accounts.html", rows=rows, states=invitations.STATES,
                           role_labels=users.ROLE_LABELS)


@bp.route("/nieuw", methods=["GET", "POST"])
@coordinator_required
def new():
    store = get_store()
    view = store.read()
    choices = _volunteer_choices(view)
    partners = sorted(network.active(view.table(network.PARTNERS).all()), key=lambda p: (p.get("name") or "").lower())
    form = {"name": "", "email": "", "role": "volunteer", "volunteer_id": "", "partner_id": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {key: request.form.get(key, "").strip() for key in form}
        volunteer = None
        if form["role"] not in users.ROLES:
            errors["role"] = "Kies een rol."
        elif form["role"] == "volunteer":
            chosen = {str(v.doc_id): v for v in choices}
            volunteer = chosen.get(form["volunteer_id"])
            if volunteer is None and (choices or form["volunteer_id"]):
                errors["volunteer_id"] = "Kies bij welke vrijwilliger dit account hoort."
            elif volunteer is not None:
                # Blank name or e-mail: take them from the volunteer's record.
                form["name"] = form["name"] or volunteer.get("name", "")
                form["email"] = form["email"] or volunteer.get("email", "")
        partner = {str(p.doc_id): p for p in partners}.get(form["partner_id"])
        if form["role"] == "partner" and partner is None and (partners or form["partner_id"]):
            errors["partner_id"] = "Kies de organisatie van deze netwerkpartner."
        if not errors:
            try:
                user = users.create_account(store, form["email"], form["role"], form["name"],
                                            volunteer_id=volunteer.doc_id if volunteer else None,
                                            partner_id=partner.doc_id if partner else None, by=current_user.id)
            except users.AccountError as exc:
                errors[exc.field or "email"] = str(exc)
            else:
                return _send_link(user.id, "invite")
    return render_template("auth/account_new.html", form=form, errors=errors, choices=choices, partners=partners,
                           role_labels=users.ROLE_LABELS), 422 if errors else 200


@bp.post("/vrijwilliger/<int:volunteer_id>/uitnodigen")
@coordinator_required
def invite_volunteer(volunteer_id: int):
    """From a volunteer's own page: an account with their name and e-mail, and the invitation link."""
    store = get_store()
    view = store.read()
    volunteer = view.table(VOLUNTEERS).get(doc_id=volunteer_id)
    if volunteer is None:
        abort(404)
    back = url_for("volunteers.volunteer", volunteer_id=volunteer_id, _anchor="portaal")
    existing = users.account_of_volunteer(view, volunteer_id)
    if existing is not None:
        flash("Deze vrijwilliger heeft al een account; opnieuw uitnodigen kan hieronder of onder Instellingen → Accounts.")
        return redirect(back, code=303)
    if volunteer.get("step") in ENDED:
        flash("Deze vrijwilliger is gestopt en krijgt geen toegang tot het portaal.")
        return redirect(back, code=303)
    try:
        user = users.create_account(store, volunteer.get("email") or "", "volunteer", volunteer.get("name") or "",
                                    volunteer_id=volunteer_id, by=current_user.id)
    except users.AccountError as exc:
        flash(f"Uitnodigen lukte niet: {exc} Pas het profiel van de vrijwilliger aan en probeer het opnieuw.")
        return redirect(back, code=303)
    return _send_link(user.id, "invite")


def _back(message: str):
    flash(message)
    return redirect(url_for("accounts.index"))


def _account_or_404(user_id: int):
    doc = users.get_doc(get_store().read(), user_id)
    if doc is None:
        abort(404)
    return doc


def _send_link(user_id: str, purpose: str):
    """Make a link, mail it through the outbox when a mail server is set, and show it to pass on."""
    store = get_store()
    config = current_app.config
    hours = int(config["INVITATION_MAX_AGE_HOURS"])
    doc = users.get_doc(store.read(), user_id)
    with store.transaction() as tx:
        # Link and mail in one transaction: a queued mail always carries a link that exists.
        token = invitations.issue(store, user_id, purpose, max_age=timedelta(hours=hours), by=current_user.id)
        link = external_url("auth.invitation", token=token)
        mail_ids = []
        if mail.enabled(config):
            mail_ids = mail.queue(tx, [invitations.message(
                purpose, name=doc.get("name", ""), email=doc["email"], link=link, hours=hours,
                organisation=config["ORGANISATION"], sender=current_user.name or "De coördinator")],
                record=f"user:{user_id}")
    delivery = "queued" if mail_ids else "none"  # sent right after this response (messages/dispatch.py)
    response = current_app.make_response(render_template(
        "auth/invitation_link.html", account=doc, link=link, purpose=purpose, hours=hours, delivery=delivery,
        role_labels=users.ROLE_LABELS))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:user_id>/uitnodigen")
@coordinator_required
def invite(user_id: int):
    doc = _account_or_404(user_id)
    if not doc.get("active", True):
        return _back("Dit account is gedeactiveerd. Activeer het eerst.")
    if doc.get("password_hash"):
        return _back("Dit account heeft al een wachtwoord. Gebruik ‘Wachtwoord herstellen’.")
    return _send_link(str(user_id), "invite")


@bp.post("/<int:user_id>/wachtwoord-herstellen")
@coordinator_required
def reset_password(user_id: int):
    doc = _account_or_404(user_id)
    if not doc.get("active", True):
        return _back("Dit account is gedeactiveerd. Activeer het eerst.")
    if str(user_id) == current_user.id:
        return _back("Uw eigen wachtwoord wijzigt u onder ‘Mijn account’.")
    users.clear_password(get_store(), str(user_id))
    return _send_link(str(user_id), "reset")


@bp.post("/<int:user_id>/deactiveren")
@coordinator_required
def deactivate(user_id: int):
    doc = _account_or_404(user_id)
    if str(user_id) == current_user.id:
        return _back("U kunt uw eigen account niet deactiveren.")
    try:
        users.set_active(get_store(), str(user_id), False, by=current_user.id)
    except users.AccountError as exc:
        flash(str(exc))
    else:
        flash(f"{doc.get('name') or doc['email']} kan niet meer inloggen.")
    return redirect(url_for("accounts.index"))


@bp.post("/<int:user_id>/activeren")
@coordinator_required
def activate(user_id: int):
    doc = _account_or_404(user_id)
    users.set_active(get_store(), str(user_id), True, by=current_user.id)
    flash(f"{doc.get('name') or doc['email']} kan weer inloggen.")
    return redirect(url_for("accounts.index"))


@bp.post("/<int:user_id>/tweestaps-uit")
@coordinator_required
def disable_twofactor(user_id: int):
    doc = _account_or_404(user_id)
    twofactor.disable(get_store(), str(user_id), by=current_user.id)
    flash(f"Tweestapsverificatie van {doc.get('name') or doc['email']} staat uit; "
          "die persoon kan haar opnieuw aanzetten onder ‘Mijn account’.")
    return redirect(url_for("accounts.index"))
