"""Instellingen → E-mail: the mail configuration (never the password), a test mail, and the
outbox with each message's state and the server's answer; retry and cancel."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from common import clock
from forms.fields import is_email

from .. import mail
from ..auth.guard import coordinator_required
from ..store import get_store

bp = Blueprint("messages", __name__, url_prefix="/beheer/instellingen")


def _outbox_context() -> dict:
    view = get_store().read()
    docs = mail.outbox(view)
    return {"docs": docs, "state": mail.state, "states": mail.STATES, "mask": mail.mask, "stamp": clock.datetime_text, "purge_days": mail.PURGE_AFTER_DAYS,
            "busy": any(mail.state(d) == "wacht" for d in docs) and mail.enabled(current_app.config)}


def _page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    if request.htmx and request.args.get("deel") == "wachtrij":
        return render_template("messages/_outbox.html", **_outbox_context())
    return render_template("messages/mail.html", settings=mail.settings(current_app.config),
                           enabled=mail.enabled(current_app.config), errors=errors or {},
                           values=values or {"to": current_user.email}, **_outbox_context()), status


@bp.get("/e-mail")
@coordinator_required
def mail_settings():
    return _page()


@bp.post("/e-mail/testmail")
@coordinator_required
def test_mail():
    to = (request.form.get("to") or "").strip()
    if not is_email(to):
        return _page({"to": "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."}, {"to": to}, 422)
    organisation = current_app.config["ORGANISATION"]
    store = get_store()
    with store.transaction() as tx:
        mail.queue(tx, [mail.Mail(to, f"Testmail van {organisation}",
                                  f"Deze testmail is verstuurd door {current_user.name or current_user.email} "
                                  f"via Instellingen → E-mail. Komt hij aan, dan werkt de e-mail van {organisation}.",
                                  kind="test")], record="test")
        store.audit(current_user.id, "mail.test", "outbox", to=mail.mask(to))
    if mail.enabled(current_app.config):
        flash(f"De testmail naar {to} staat klaar en gaat meteen weg. Hieronder ziet u of de mailserver hem aannam.")
    else:
        flash("De testmail staat in de wachtrij, maar er is geen mailserver ingesteld: hij wordt niet verstuurd "
              "tot MAIL_SERVER is ingesteld.")
    return redirect(url_for("messages.mail_settings", _anchor="wachtrij"), code=303)


@bp.post("/e-mail/<int:mail_id>")
@coordinator_required
def change_mail(mail_id: int):
    action = request.form.get("action")
    store = get_store()
    with store.transaction() as tx:
        done = mail.retry(tx, mail_id) if action == "retry" else mail.cancel(tx, mail_id) if action == "cancel" else None
        if done:
            store.audit(current_user.id, f"mail.{action}", f"outbox:{mail_id}")
    if done is None:
        flash("Kies ‘Opnieuw proberen’ of ‘Annuleren’.")
    elif not done:
        flash("Dit bericht is al verstuurd (of wordt op dit moment verstuurd); er is niets veranderd.")
    else:
        flash("Het bericht wordt opnieuw geprobeerd." if action == "retry" else
              "Het bericht is geannuleerd en wordt niet verstuurd.")
    return redirect(url_for("messages.mail_settings", _anchor="wachtrij"), code=303)
