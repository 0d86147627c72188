"""A case's letters (a PDF to print, or a mail with the recipient's consent) and its referrer's
feedback settings. The rules live in letters.py, feedback.py and templates.py."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

import sitebuilder

from common import clock

from .. import mail, pdf
from ..auth.guard import coordinator_required
from ..cases import repo
from ..cases.records import party_letter
from ..cases.workflow import Change, WorkflowError
from ..store import get_store
from common.markdown import render_markdown
from . import feedback, letters, templates

bp = Blueprint("case_messages", __name__, url_prefix="/beheer/zaken")


def _case(view, case_id: int):
    case = repo.get_case(view, case_id)
    if case is None:
        abort(404)
    return case


@bp.post("/<int:case_id>/brief")
@coordinator_required
def letter(case_id: int):
    store = get_store()
    view = store.read()
    case = _case(view, case_id)
    key, _, party = (request.form.get("letter") or "").partition(":")
    action = request.form.get("action")
    try:
        composed = letters.compose(view, case, key, party, request.form.get("appointment"),
                                   coordinator=current_user.name or current_user.email, today=clock.today(),
                                   volunteer_names=repo.volunteer_names(view))
        who = f"partij {party_letter(composed.party)}"
        address = letters.mail_address(case, composed.party)
        if action == "mail" and address is None:
            raise letters.LetterError(f"Van {who} is geen e-mailadres bekend. Maak een pdf.", "letter")
        if action == "mail" and request.form.get("consent") != "ja":
            raise letters.LetterError("Vink aan dat de ontvanger de brief per e-mail wil ontvangen, of maak een pdf.",
                                      "consent")
    except (letters.LetterError, templates.TemplateError) as exc:
        from ..cases.views import render_case  # imported here: the case views import this area

        return render_case(case_id, errors={"letter": {exc.field: exc.message}},
                           values={"letter": dict(request.form)}, status=422)
    label = composed.template.label
    if action == "mail":
        with store.transaction():
            repo.record(store, case_id, lambda tx, _case: {**letters.queue_mail(tx, case_id, composed, address),
                                                          "consent": True}, current_user)
            store.audit(current_user.id, "letter.mail", f"case:{case_id}", letter=key, party=composed.party)
        queued = "gaat nu per e-mail" if mail.enabled(current_app.config) else \
            "staat in de wachtrij, maar er is geen mailserver ingesteld: hij gaat pas weg als de mail werkt"
        flash(f"De {label.lower()} aan {who} {queued} ({mail.mask(address)}).")
        return redirect(url_for("cases.detail", case_id=case_id, _anchor="brieven"), code=303)
    site = sitebuilder.site_config()
    html = render_template("messages/letter_pdf.html", subject=composed.subject, body=render_markdown(composed.markdown()),
                           address=letters.address_lines(composed.fields), site=site,
                           date=letters.long_date(clock.today()), number=case.get("number"))
    content = pdf.html_to_pdf(html)
    with store.transaction():
        repo.record(store, case_id, lambda tx, _case: {
            "kind": "letter", "letter": key, "party": composed.party, "channel": "pdf",
            "note": f"{label} voor {who} als pdf gemaakt (om af te drukken)."}, current_user)
        store.audit(current_user.id, "letter.pdf", f"case:{case_id}", letter=key, party=composed.party)
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{key}-{case.get("number")}-{party_letter(composed.party)}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:case_id>/terugkoppeling")
@coordinator_required
def feedback_setting(case_id: int):
    action = request.form.get("action")
    changes = {
        "off": ({"feedback_off": True}, "Geen terugkoppeling aan de verwijzer voor deze zaak."),
        "on": ({"feedback_off": False}, "De verwijzer krijgt weer terugkoppeling (stap en uitkomst)."),
        "consent": (None, "De bewoner gaf toestemming voor terugkoppeling aan de verwijzer (vastgelegd door de coördinator)."),
        "called": ({"feedback_call": None}, "Verwijzer gebeld met de terugkoppeling."),
    }
    if action not in changes:
        abort(400)
    updates, note = changes[action]

    def compute(case):
        if not feedback.is_referred(case):
            raise WorkflowError("Deze zaak heeft geen verwijzer.")
        found = updates if updates is not None else {"referrer": {**(case.get("referrer") or {}), "feedback_consent": True}}
        return Change(found, {"kind": "feedback", "note": note})

    store = get_store()
    try:
        with store.transaction():
            repo.change(store, case_id, compute, current_user)
            store.audit(current_user.id, "update", f"case:{case_id}", feedback=action)
    except repo.NotFound:
        abort(404)
    except WorkflowError as exc:
        flash(exc.message)
        return redirect(url_for("cases.detail", case_id=case_id, _anchor="brieven"), code=303)
    flash(note)
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="brieven"), code=303)
