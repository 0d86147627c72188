"""The public form posts (report, referral, volunteer application) and their start tokens.

Apart from the inbox (views.py): under CGI a post imports only what storing it needs."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, make_response, redirect, request
from werkzeug.routing import BuildError

import sitebuilder
from forms import FORMS, TOKEN_FIELD, TOKEN_URL, Result
from forms.fields import pick

from .. import mail, spam
from ..messages.links import external_url
from ..settings import lists
from ..store import get_store
from common import clock, intake_term

from . import confirmations, intake

public = Blueprint("public_forms", __name__)


def _configured(form_name: str):
    """The form with the programme's own conflict types; retired ones still pass (pages built earlier)."""
    form = FORMS[form_name]
    if any(field.name == "conflict_type" for field in form.fields):
        form = form.with_choices("conflict_type", lists.choices_i18n(get_store().read(), "conflict_types", include_retired=True))
    return form


def _submit(form_name: str):
    """Spam guards, validation, then store first and mail second (see spam.py, mail.py)."""
    form = _configured(form_name)
    lang = form.lang_of(request.form)
    config, store, now = current_app.config, get_store(), time.time()
    secret = config["SECRET_KEY"]
    verdict = spam.post_verdict(request.form, form_name, secret, now, config.get("FORM_MIN_SECONDS", 3))
    if verdict == spam.HONEYPOT:
        # Answer as if all went well: a robot learns nothing. People never see this field.
        spam.count_rejected(store, form_name, verdict, clock.today())
        return _thanks(form, lang)
    result = form.validate(request.form, lang=lang)
    # Carry the original start time on, so correcting an error is never "too fast".
    token = request.form.get(TOKEN_FIELD) if spam.token_started(secret, form_name, request.form.get(TOKEN_FIELD)) else None
    if verdict == spam.TOO_FAST:
        spam.count_rejected(store, form_name, verdict, clock.today())
        result.notice = pick(_NOTICES[spam.TOO_FAST], lang)
        return _form_again(form, lang, result, token, 422)
    if not result.ok:
        return _form_again(form, lang, result, token, 422)
    key = spam.address_key(secret, request.remote_addr)
    if spam.over_rate_limit(store, key, now, config.get("FORM_RATE_LIMIT", 10), config.get("FORM_RATE_WINDOW", 3600)):
        spam.count_rejected(store, form_name, spam.RATE_LIMIT, clock.today())
        result.notice = pick(_NOTICES[spam.RATE_LIMIT], lang).format(phone=sitebuilder.site_config()["phone"])
        return _form_again(form, lang, result, token, 429)
    _store_with_mails(store, form_name, result.cleaned, lang)  # sent after the response (messages/dispatch.py)
    return _thanks(form, lang)


_NOTICES = {
    spam.TOO_FAST: {
        "nl": "Uw formulier is nog niet verstuurd, omdat het heel snel werd ingevuld. "
              "Controleer uw antwoorden en klik nog een keer op de knop onderaan.",
        "en": "Your form has not been sent yet, because it was filled in very quickly. "
              "Check your answers and press the button at the bottom once more.",
    },
    spam.RATE_LIMIT: {
        "nl": "Uw formulier is nog niet verstuurd. Vanaf uw internetverbinding zijn in korte tijd veel "
              "formulieren verstuurd. Probeer het over een uur opnieuw, of bel ons op {phone}. "
              "Wat u heeft ingevuld, staat hieronder nog.",
        "en": "Your form has not been sent yet. Many forms were sent from your internet connection in a "
              "short time. Please try again in an hour, or call us on {phone}. What you filled in is still below.",
    },
}


def _form_again(form, lang: str, result, token: str | None, status: int):
    # The form page configures htmx to swap 422 and 429 answers in place.
    if request.htmx:
        return sitebuilder.render_form(form.name, lang, result, token=token, form=form), status
    return sitebuilder.render_form_page(form.name, lang, result, token=token, form=form,
                                        intake_days=intake_term.current(get_store().read())), status


def _thanks(form, lang: str):
    if request.htmx:  # the panel replaces the page's text and form, as the thank-you page would
        # It promises the programme's intake term, as the confirmation mail does.
        days = intake_term.current(get_store().read())
        return sitebuilder.render_thanks_fragment(form.name, lang, intake_days=days,
                                                 mail=mail.enabled(current_app.config)), 200, {
            "HX-Retarget": f"#{sitebuilder.CONTENT_ID}", "HX-Reswap": "innerHTML"}
    return redirect(form.thanks_url(lang), code=303)


def _store_with_mails(store, form_name: str, cleaned: dict, lang: str) -> list[int]:
    """The submission and its e-mails in one transaction: both are kept, or neither."""
    site = sitebuilder.site_config()
    with store.transaction() as tx:
        record_id = intake.store_submission(store, form_name, cleaned, lang=lang)
        mails = confirmations.mails_for(
            form_name, record_id, cleaned, lang, intake.flags_for(cleaned), site=site,
            coordinator=current_app.config.get("MAIL_COORDINATOR") or site["email"],
            admin_url=_admin_url(form_name, record_id),
            intake_days=intake_term.current(tx),
        )
        return mail.queue(tx, mails, record=f"{intake.table_for(form_name)}:{record_id}")


def _admin_url(form_name: str, record_id: int) -> str:
    try:
        if intake.table_for(form_name) == intake.APPLICATIONS_TABLE:
            return external_url("volunteers.application", application_id=record_id)
        return external_url("reports.detail", report_id=record_id)
    except BuildError:  # the area is not installed in this app
        return external_url("admin.today")


@public.post("/melding")
def submit_report():
    return _submit("report")


@public.post("/verwijzing")
def submit_referral():
    return _submit("referral")


@public.post("/aanmelden-vrijwilliger")
def submit_application():
    return _submit("application")


@public.get(f"{TOKEN_URL}/<form_name>")
def form_token(form_name: str):
    """The signed start time a form page fetches on load (htmx); see spam.py."""
    if form_name not in FORMS:
        abort(404)
    value = spam.issue_token(current_app.config["SECRET_KEY"], form_name, time.time())
    response = make_response(f'<input type="hidden" name="{TOKEN_FIELD}" value="{value}">')
    response.headers["Cache-Control"] = "no-store"
    return response


@public.errorhandler(413)
def too_large(error):
    """A post over MAX_CONTENT_LENGTH: the fields' maximum lengths keep real ones far below it."""
    form = next((f for f in FORMS.values() if f.action == request.path), FORMS["report"])
    folder = urlsplit(request.referrer or "").path.strip("/").split("/")[0]
    lang = form.lang_of({"lang": folder})  # the page the post came from: /en/..., /tr/...
    result = Result(lang=lang, notice=pick(_TOO_LARGE, lang))
    spam.count_rejected(get_store(), form.name, spam.TOO_LARGE, clock.today())
    return _form_again(form, lang, result, None, 413)


_TOO_LARGE = {
    "nl": "Uw formulier was te groot om te versturen. Maak uw teksten korter en probeer het opnieuw, of bel ons.",
    "en": "Your form was too large to send. Please make your texts shorter and try again, or call us.",
}


@public.after_request
def vary_on_htmx(response):
    response.vary.add("HX-Request")
    return response
