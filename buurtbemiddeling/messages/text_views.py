"""Instellingen → Teksten: the feedback mails and standard letters, edited as Markdown with
merge fields and a live preview (htmx). The rules live in templates.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

import sitebuilder

from common import clock

from ..auth.guard import coordinator_required
from ..store import get_store
from common.markdown import render_markdown
from . import templates

bp = Blueprint("message_texts", __name__, url_prefix="/beheer/instellingen/teksten")

# What the preview fills in: made-up values, so no resident's data is needed to write a text.
SAMPLE = {
    "zaaknummer": "2026-014", "naam": "J. de Boer", "adres": "Kastanjelaan 7", "postcode_plaats": "7412 CD Lindenhoven",
    "afspraak_datum": "12 maart 2026", "afspraak_tijd": "19:30–20:30", "afspraak_plaats": "bij u thuis",
    "bemiddelaars": "Sanne en Ahmed", "advies": "Neem contact op met het Juridisch Loket: 0900-8020.",
    "verwijzer": "Wijkagent Pieters", "organisatie": "Politie Lindenhoven", "verwijsdatum": "03-02-2026",
    "stap": "afgesloten", "uitkomst": "opgelost",
}


def _template(key: str) -> templates.Template:
    if key not in templates.TEMPLATES:
        abort(404)
    return templates.TEMPLATES[key]


def _sample(template: templates.Template) -> dict:
    site = sitebuilder.site_config()
    return {**SAMPLE, "datum": "3 maart 2026", "coordinator": current_user.name or "De coördinator",
            "programma": site["name"], "telefoon": site["phone"], "email": site["email"],
            "adres_programma": f"{site['address']}, {site['postcode']} {site['city']}"}


def _preview(template: templates.Template, subject: str, body: str) -> dict:
    try:
        templates.check(template, subject, body)
    except templates.TemplateError as exc:
        return {"error": exc.message}
    values = _sample(template)
    return {"subject": templates.fill(template, subject, values),
            "html": render_markdown(templates.fill(template, body, values, markdown=True))}


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    changed = {d.get("key") for d in view.table(templates.TABLE).all()}
    return render_template("messages/texts.html", feedback=templates.FEEDBACK, letters=templates.LETTERS, changed=changed)


def _edit_page(template, subject: str, body: str, error: dict | None = None, status: int = 200):
    return render_template("messages/text_edit.html", template=template, subject=subject, body=body, error=error or {},
                           fields=[(name, templates.FIELDS[name]) for name in template.fields],
                           preview=_preview(template, subject, body)), status


@bp.get("/<key>")
@coordinator_required
def edit(key: str):
    template = _template(key)
    subject, body = templates.current(get_store().read(), key)
    return _edit_page(template, subject, body)


@bp.post("/<key>")
@coordinator_required
def save(key: str):
    template = _template(key)
    subject, body = request.form.get("subject", ""), request.form.get("body", "")
    store = get_store()
    try:
        with store.transaction() as tx:
            templates.save(tx, key, subject, body, by=current_user.id, at=clock.stamp())
            store.audit(current_user.id, "settings.text", f"text:{key}")
    except templates.TemplateError as exc:
        return _edit_page(template, subject, body, {exc.field: exc.message}, 422)
    flash(f"De tekst ‘{template.label}’ is bewaard.")
    return redirect(url_for("message_texts.index"), code=303)


@bp.post("/<key>/standaard")
@coordinator_required
def reset(key: str):
    template = _template(key)
    store = get_store()
    with store.transaction() as tx:
        templates.reset(tx, key)
        store.audit(current_user.id, "settings.text.reset", f"text:{key}")
    flash(f"‘{template.label}’ heeft weer de standaardtekst.")
    return redirect(url_for("message_texts.edit", key=key), code=303)


@bp.post("/<key>/voorbeeld")
@coordinator_required
def preview(key: str):
    template = _template(key)
    return render_template("messages/_text_preview.html",
                           preview=_preview(template, request.form.get("subject", ""), request.form.get("body", "")))
