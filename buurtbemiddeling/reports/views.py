"""The public form posts, and the coordinator's inbox of reports."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, redirect, render_template, request
from flask_login import current_user

import sitebuilder
from forms import FORMS

from ..auth.views import coordinator_required
from ..extensions import csrf
from ..store import get_store
from . import intake

public = Blueprint("public_forms", __name__)
bp = Blueprint("reports", __name__, url_prefix="/beheer/meldingen")


def _submit(form_name: str):
    form = FORMS[form_name]
    lang = form.lang_of(request.form)
    result = form.validate(request.form, lang=lang)
    if not result.ok:
        # The form page configures htmx to swap 422 answers in place.
        render = sitebuilder.render_form if request.htmx else sitebuilder.render_form_page
        return render(form_name, lang, result), 422
    intake.store_submission(get_store(), form_name, result.cleaned, lang=lang)
    if request.htmx:
        return sitebuilder.render_thanks_fragment(form_name, lang)
    return redirect(form.thanks_url(lang), code=303)


@public.post("/melding")
def submit_report():
    return _submit("report")


@public.after_request
def vary_on_htmx(response):
    response.vary.add("HX-Request")
    return response


@bp.get("/")
@coordinator_required
def inbox():
    view = get_store().read()
    return render_template("reports/inbox.html", reports=intake.all_reports(view), display_name=intake.display_name)


@bp.get("/<int:report_id>")
@coordinator_required
def detail(report_id: int):
    store = get_store()
    report = intake.get_report(store.read(), report_id)
    if report is None:
        abort(404)
    store.audit(current_user.id, "view", f"report:{report_id}")
    form = FORMS.get(report["form"])
    return render_template("reports/detail.html", report=report, form=form, display_name=intake.display_name)


def init_app(app: Flask) -> None:
    csrf.exempt(public)  # anonymous static pages cannot carry a session token; spam checks guard these posts
    app.register_blueprint(public)
    app.register_blueprint(bp)
