"""The coordinator's case pages: the list, one case with its steps and timeline, import and export.

Views only read the request, call the rules (workflow, records, csv_io) and the store
(repo), and render. Every page showing a case is audited.
"""
from __future__ import annotations

from contextlib import contextmanager

from flask import (Blueprint, Flask, Response, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_login import current_user

import forms

from common import clock
from figures import cases as case_rules

from ..admin.options import options
from ..auth.guard import coordinator_required
from ..matching.case_section import radius as matching_radius
from ..filetypes import download_name
from ..reports import intake as report_intake
from ..reports import phone_wording
from ..settings import lists
from ..messages import advice
from ..messages import feedback as referrer_feedback
from ..store import get_store
from .. import uploads
from ..admin import imports
from ..security import admin_error
from . import appointments, documents, intake, page, records, repo, search, sections, usage, workflow
from .workflow import WorkflowError

bp = Blueprint("cases", __name__, url_prefix="/beheer/zaken")
# The reported date on any page (case list, facts, portal): figures.cases is its one home.
# Phone reports and "make a case of this report" live under Meldingen, where the coordinator is.
intake_bp = Blueprint("case_intake", __name__, url_prefix="/beheer/meldingen")

REPORT_FORM = "report"


def _audit_view(case_id: int) -> None:
    get_store().audit(current_user.id, "view", f"case:{case_id}")


def _case_or_404(view, case_id: int):
    case = repo.get_case(view, case_id)
    if case is None:
        abort(404)
    return case


# -- the list ------------------------------------------------------------------------

@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    filters = search.Filters.from_args(request.args)
    _, found = repo.find(view, filters)
    found.items = repo.with_activity(view, found.items)
    return render_template(
        "cases/index.html", filters=filters, page=found, years=repo.years(view),
        steps=workflow.STEPS, groups=search.STEP_GROUPS, sorts=search.SORTS,
        volunteer_options=options(view, "cases.volunteers", repo.volunteer_choices, filters.volunteer),
        volunteer_names=repo.volunteer_names(view),
        next_action=workflow.next_action, today=clock.today(), **page.list_context(view),
    )


def _export(kind: str):
    from .. import xlsx
    from . import csv_io  # with the exports only: it loads the spreadsheet columns and reading

    view = get_store().read()
    filters = search.Filters.from_args(request.args)
    found, _ = repo.find(view, filters)
    found = repo.with_activity(view, found)
    get_store().audit(current_user.id, "export", "cases", count=len(found), filters=filters.query(), format=kind)
    name = f"zaken-{filters.file_label()}-{clock.now().strftime('%Y%m%d-%H%M')}.{kind}"
    if kind == "xlsx":
        body, mimetype = csv_io.export_xlsx(view, found), xlsx.MIMETYPE
    else:
        body, mimetype = csv_io.export_csv(view, found), "text/csv"  # Werkzeug adds "; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/export.csv")
@coordinator_required
def export():
    return _export("csv")


@bp.get("/export.xlsx")
@coordinator_required
def export_xlsx():
    return _export("xlsx")


# -- import ---------------------------------------------------------------------------

uploads.allow_large_bodies(bp, {"cases.add_document"}, limit=lambda: documents.MAX_BYTES)


@bp.errorhandler(413)
def document_too_large(error):
    """A document over the limit, refused before the view ran: the case page says so at the form."""
    if request.endpoint == "cases.add_document" and request.view_args:
        return _render_case(request.view_args["case_id"], errors={"document": {"file": uploads.too_large_message()}},
                            status=413)
    return admin_error(error)


imports.register(bp, imports.Importer(
    what="zaken", title="Zaken importeren uit een spreadsheet", back=("cases.index", "Alle zaken"),
    rules="buurtbemiddeling.cases.importing",
    shown=(("Partij A", "a_name"), ("Adres B", "b_street"), ("Stap", "step"), ("Aangemeld", "reported")),
))


# -- one case --------------------------------------------------------------------------

def _render_case(case_id: int, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    """The case page; after a failed post, `errors`/`values` are keyed by form name. The view's
    audit entry is written while the page is made, and on disk before the page is answered."""
    view = get_store().read()
    case = _case_or_404(view, case_id)
    with get_store().audit_while(current_user.id, "view", f"case:{case_id}"):
        shown = render_template(
            "cases/detail.html", case=case, sections=sections.render_context(view, case),
            errors=errors or {}, values=values or {}, step_label=workflow.label,
            duo_options=lambda chosen: options(view, "volunteers.active", repo.active_choices, chosen),
            **page.list_context(view, case),
        )
    return shown, status



render_case = _render_case  # other areas' case actions show the page again with their errors

@bp.get("/<int:case_id>")
@coordinator_required
def detail(case_id: int):
    return _render_case(case_id)


@contextmanager
def _audited(case_id: int):
    """The case change made in this block and its audit entry, in one commit; the block may add
    details to the entry through the dict it is given."""
    store = get_store()
    details: dict = {}
    with store.transaction():
        yield details
        store.audit(current_user.id, "update", f"case:{case_id}", what=request.endpoint, **details)


def _done(case_id: int, message: str, anchor: str = ""):
    if not request.htmx:  # htmx swaps in the changed section itself; a flash would linger to the next page
        flash(message)
    return redirect(url_for("cases.detail", case_id=case_id, _anchor=anchor or None), code=303)


def _change(case_id: int, form: str, compute, message, anchor: str = "", also=None, overrides=()):
    """Run a workflow change; on a broken rule show the page again with the message and what was typed.
    `overrides` (filled by `compute`) are eligibility overrides, audited in the change's commit."""
    store = get_store()
    before: dict = {}

    def remembered(case):
        before.update(case)
        return compute(case)

    try:
        # The change, the referrer's feedback and the audit entries: all or nothing.
        with _audited(case_id), store.transaction() as tx:
            case = repo.change(store, case_id, remembered, current_user, also)
            told = referrer_feedback.after_change(tx, case_id, before, case, user=current_user, at=clock.now())
            for override in overrides:
                store.audit(current_user.id, "eligibility.override", f"case:{case_id}", **override)
    except repo.NotFound:
        abort(404)
    except WorkflowError as exc:
        return _render_case(case_id, errors={form: {exc.field or "form": exc.message}},
                            values={form: _form_values()}, status=422)
    text = message(case) if callable(message) else message
    return _done(case_id, f"{text} {told}" if told else text, anchor)


def _form_values() -> dict:
    return {key: (request.form.getlist(key) if len(request.form.getlist(key)) > 1 or key in ("checklist", "duo")
                  else request.form.get(key)) for key in request.form if key != "csrf_token"}


@bp.post("/<int:case_id>/stap")
@coordinator_required
def step(case_id: int):
    """Move the case on; a planned appointment of the step it leaves is answered first:
    held (marked so, in the same transaction) or not (marked so, and the case stays)."""
    target = request.form.get("to", "")
    store = get_store()
    view = store.read()
    form = "close" if target == "afgesloten" else f"step-{target}"
    case = _case_or_404(view, case_id)
    opts = page.options(view, case)
    waiting = appointments.pending(case, page.appointments_of(view, case))
    answer = request.form.get("took_place")
    if waiting is not None and answer == "nee":
        with _audited(case_id):
            _set_appointment(store, case_id, waiting.doc_id, appointments.NOT_HELD)
        return _done(case_id, f"{appointments.label(waiting['kind'])} ging niet door. Plan een nieuwe afspraak.",
                     "afspraken")

    def compute(case):
        appointments.took_place(waiting, answer)
        return workflow.transition(case, target, request.form, today=clock.today(), options=opts)

    held = (lambda tx: appointments.set_status(tx, waiting.doc_id, appointments.HELD)) if waiting else None
    return _change(case_id, form, compute, lambda case: f"De zaak staat nu in ‘{workflow.label(case['step'])}’.",
                   also=held)


# -- appointments ------------------------------------------------------------------------

def _set_appointment(store, case_id: int, appointment_id: int, status: str) -> None:
    def write(tx, case):
        found = tx.table(appointments.APPOINTMENTS).get(doc_id=appointment_id)
        if found is None or found.get("case_id") != case_id:
            raise repo.NotFound(appointment_id)
        appointments.set_status(tx, appointment_id, status)
        return {"kind": "appointment", "note": f"{appointments.STATUSES[status]}: {appointments.summary(found)}"}

    repo.record(store, case_id, write, current_user)


@bp.post("/<int:case_id>/afspraken")
@coordinator_required
def plan_appointment(case_id: int):
    store = get_store()
    case = _case_or_404(store.read(), case_id)
    doc, errors = appointments.check(request.form, duo=case.get("duo") or [], today=clock.today())
    if not workflow.is_open(case):
        errors["kind"] = "Deze zaak loopt niet meer; er valt niets te plannen."
    if errors:
        values = {**_form_values(), "volunteers": request.form.getlist("volunteers")}
        return _render_case(case_id, errors={"appointment": errors}, values={"appointment": values}, status=422)

    def write(tx, case):
        appointments.add(tx, case_id, doc, clock.now())
        return {"kind": "appointment", "note": f"Gepland: {appointments.summary(doc)}"}

    with _audited(case_id):
        repo.record(store, case_id, write, current_user)
    return _done(case_id, f"De afspraak is gepland: {appointments.summary(doc)}.", "afspraken")


@bp.post("/<int:case_id>/afspraken/<int:appointment_id>")
@coordinator_required
def appointment_status(case_id: int, appointment_id: int):
    status = request.form.get("status", "")
    if status not in appointments.STATUSES or status == appointments.PLANNED:
        abort(400)
    try:
        with _audited(case_id):
            _set_appointment(get_store(), case_id, appointment_id, status)
    except repo.NotFound:
        abort(404)
    return _done(case_id, f"De afspraak staat nu op ‘{appointments.STATUSES[status].lower()}’.", "afspraken")


@bp.post("/<int:case_id>/wacht")
@coordinator_required
def hold(case_id: int):
    return _change(case_id, "hold", lambda case: workflow.hold(case, request.form, today=clock.today()), "De zaak staat in de wacht.")


@bp.post("/<int:case_id>/heropenen")
@coordinator_required
def reopen(case_id: int):
    return _change(case_id, "reopen", lambda case: workflow.reopen(case, request.form),
                   lambda case: f"De zaak is heropend en staat weer in ‘{workflow.label(case['step'])}’.")


@bp.post("/<int:case_id>/correctie")
@coordinator_required
def correct(case_id: int):
    return _change(case_id, "correct", lambda case: workflow.correct(case, request.form),
                   lambda case: f"De stap is gecorrigeerd naar ‘{workflow.label(case['step'])}’.")


@bp.post("/<int:case_id>/intake")
@coordinator_required
def intake_decision(case_id: int):
    data = {"checklist": request.form.getlist("checklist"), "decision": request.form.get("decision", ""),
            "reason": request.form.get("reason", ""), "advice": request.form.get("advice", "")}
    if request.form.get("action") == "checklist":
        def save(case):
            if case.get("step") != "intake":
                raise WorkflowError("De checklist vult u in tijdens de intake.", "checklist")
            return workflow.Change({"intake": workflow.save_checklist(case, data["checklist"])})
        return _change(case_id, "intake", save, "De checklist is bewaard.", "intake")
    view = get_store().read()
    case = _case_or_404(view, case_id)
    opts = page.options(view, case)
    data["advice_by"] = request.form.get("advice_by", "")
    try:
        how = advice.check(case, data)
    except WorkflowError as exc:
        return _render_case(case_id, errors={"intake": {exc.field: exc.message}}, values={"intake": _form_values()},
                            status=422)
    result: dict = {}
    send = advice.writer(case_id, how, user=current_user, coordinator=current_user.name or current_user.email,
                         today=clock.today(), at=clock.now(), result=result)
    return _change(case_id, "intake", lambda case: workflow.decide(case, data, today=clock.today(), options=opts),
                   lambda case: f"De zaak is ongeschikt. {result.get('told', '')}".strip()
                   if case["step"] == "ongeschikt" else "De zaak is geschikt. Kies nu twee bemiddelaars.", "intake",
                   also=send)


@bp.post("/<int:case_id>/duo")
@coordinator_required
def set_duo(case_id: int):
    store = get_store()
    view = store.read()
    active = {v.doc_id: v.get("name", "") for v in repo.active_volunteers(view)}
    chosen = [int(v) for v in request.form.getlist("duo") if v.isdigit()]
    overrides = []
    from ..matching import eligibility  # its rules (score, facts) only where a duo is chosen

    def compute(case):
        if not workflow.is_open(case):
            raise WorkflowError("Het duo van een afgesloten zaak verandert niet meer.", "duo")
        if len(set(chosen)) != len(chosen):
            raise WorkflowError("Kies twee verschillende bemiddelaars.", "duo")
        if len(chosen) > 2:
            raise WorkflowError("Een duo bestaat uit twee bemiddelaars.", "duo")
        # Who stays on the case is not judged again; who joins is.
        verdict = eligibility.judge(store.read(), case, chosen, radius=matching_radius(), keep=case.get("duo") or ())
        override = eligibility.allow(verdict, request.form.get("override_reason"))
        names = ", ".join(active.get(v, str(v)) for v in chosen) or "niemand"
        event = {"kind": "duo", "duo": chosen, "note": f"Duo: {names}"}
        if override:
            overrides.append({"volunteers": chosen, **override})
            event.update(override=override, note=f"Duo: {names}. {eligibility.override_note(override)}")
        return workflow.Change({"duo": chosen}, event)

    return _change(case_id, "duo", compute, "Het duo is bewaard.", "duo", overrides=overrides)


@bp.route("/<int:case_id>/gegevens", methods=["GET", "POST"])
@coordinator_required
def edit(case_id: int):
    store = get_store()
    view = store.read()
    case = _case_or_404(view, case_id)
    party_count = len(case.get("parties") or []) + 1  # one empty party: group mediation
    partners = page.partner_names(view)
    errors: dict = {}
    if request.method == "POST":
        party_count = max(2, int(request.form.get("party_count", party_count) or party_count))
        party_count = min(party_count, 12)
        cleaned, errors = records.parse_details(
            request.form, valid=lambda key, value: lists.valid_for(view, key, value, usage.values_of(case, key)),
            today=clock.today(), party_count=party_count, partners=partners)
        if not errors:
            reported = cleaned.pop("reported_date")
            old = (case.get("reported_at") or "")
            cleaned["reported_at"] = old if old[:10] == reported.isoformat() else clock.stamp(clock.on(reported, 9))
            with _audited(case_id) as details:
                changed = repo.change(store, case_id, lambda current: records.details_change(current, cleaned, partners),
                                      current_user)
                details["partner"] = changed["referrer"].get("partner_id")
            return _done(case_id, "De gegevens zijn bewaard.")
        values = {key: (request.form.getlist(key) if key == "conflict_types" else request.form.get(key, ""))
                  for key in request.form}
        values.setdefault("conflict_types", [])
    else:
        values = records.details_form_values(case)
    _audit_view(case_id)
    return render_template("cases/edit.html", case=case, values=values, errors=errors, party_count=party_count,
                           party_fields=records.PARTY_FIELDS, tenures=records.TENURES, letter=records.party_letter,
                           partners=page.partner_choices(view, case.get("referrer")), partner_field=records.PARTNER_FIELD,
                           suggested_partner=page.suggested_partner(view, case.get("referrer")),
                           **page.list_context(view, case)), 422 if errors else 200


# -- the timeline ---------------------------------------------------------------------------

def _add_entry(case_id: int, form: str, parse):
    store = get_store()
    case = _case_or_404(store.read(), case_id)
    entry, errors = parse(case)
    if errors:
        return _render_case(case_id, errors={form: errors}, values={form: _form_values()}, status=422)
    with _audited(case_id):
        repo.add_entry(store, case_id, entry, current_user)
    return _done(case_id, "Toegevoegd aan de tijdlijn.", "tijdlijn")


@bp.post("/<int:case_id>/contact")
@coordinator_required
def add_contact(case_id: int):
    return _add_entry(case_id, "contact", lambda case: records.parse_contact(
        request.form, today=clock.today(), not_before=workflow.reported_date(case)))


@bp.post("/<int:case_id>/notitie")
@coordinator_required
def add_note(case_id: int):
    return _add_entry(case_id, "note", lambda case: records.parse_note(request.form))


@bp.post("/<int:case_id>/document")
@coordinator_required
def add_document(case_id: int):
    def parse(case):
        title = " ".join((request.form.get("title") or "").split())[:150]
        upload = request.files.get("file")
        errors = {}
        if not title:
            errors["title"] = "Geef het document een titel, bijvoorbeeld ‘Afsprakenformulier’."
        if not upload or not upload.filename:
            errors["file"] = "Kies een bestand."
        if errors:
            return {}, errors
        try:
            meta = documents.save(current_app.config["DATA_DIR"], case_id, upload.filename, upload.stream)
        except documents.DocumentError as exc:
            return {}, {"file": str(exc)}
        return {"kind": "document", "title": title, **meta}, {}

    return _add_entry(case_id, "document", parse)


@bp.get("/<int:case_id>/document/<int:event_id>")
@coordinator_required
def document(case_id: int, event_id: int):
    store = get_store()
    event = store.read().table(repo.EVENTS).get(doc_id=event_id)
    if event is None or event.get("case_id") != case_id or event.get("kind") != "document":
        abort(404)
    try:
        path = documents.path_of(current_app.config["DATA_DIR"], case_id, event["stored_as"])
    except documents.DocumentError:
        abort(404)
    if not path.exists():
        abort(404)
    store.audit(current_user.id, "view", f"case:{case_id}", document=event_id)
    # Named after the stored type, also for documents kept before names followed it.
    return send_file(path, mimetype=event.get("content_type"), as_attachment=True,
                     download_name=download_name(event.get("filename"), path.suffix.lstrip(".")))


# -- reports into cases (under Meldingen) -----------------------------------------------------

def report_form(view):
    """The public report form with the programme's own conflict types."""
    return forms.FORMS[REPORT_FORM].with_choices("conflict_type", lists.choices_i18n(view, "conflict_types"))


@intake_bp.route("/telefonisch", methods=["GET", "POST"])
@coordinator_required
def phone_report():
    store = get_store()
    form = report_form(store.read())
    result = None
    if request.method == "POST":
        result = form.validate(request.form, lang="nl")
        if result.ok:
            with store.transaction():
                report_id = report_intake.store_submission(store, REPORT_FORM, result.cleaned, source="telefoon")
                store.audit(current_user.id, "create", f"report:{report_id}", source="telefoon")
            flash("De telefonische melding is opgeslagen.")
            return redirect(url_for("reports.detail", report_id=report_id), code=303)
    return render_template("cases/phone_report.html", form=form, result=result, wording=phone_wording), 422 if result else 200


@intake_bp.post("/<int:report_id>/zaak")
@coordinator_required
def case_from_report(report_id: int):
    store = get_store()
    wijk = request.form.get("wijk", "")
    view = store.read()
    if wijk and not lists.is_value(view, "wijken", wijk):
        wijk = ""
    report = report_intake.get_report(view, report_id)
    if not wijk:
        wijk = intake.guess_wijk_in(view, ((report or {}).get("values") or {}).get("postcode"), repo.CASES)
    partners = page.partner_names(view)
    try:
        partner_id = records.parse_partner(request.form.get(records.PARTNER_FIELD), partners)
        # One transaction: the case is made with the partner the coordinator confirmed, and audited, or not at all.
        with store.transaction():
            case_id, number = repo.create_from_report(store, report_id, current_user, wijk=wijk)
            if partner_id is not None and not (report or {}).get("case_id"):
                repo.change(store, case_id, lambda case: records.link_partner(case, partner_id, partners), current_user)
            store.audit(current_user.id, "create", f"case:{case_id}", report=report_id, partner=partner_id)
            store.audit(current_user.id, "update", f"case:{case_id}", what=request.endpoint)
    except repo.NotFound:
        abort(404)
    except WorkflowError as exc:
        flash(exc.message)
        return redirect(url_for("reports.detail", report_id=report_id), code=303)
    return _done(case_id, f"Zaak {number} is aangemaakt; de intake loopt.")


@intake_bp.post("/<int:report_id>/afhandelen")
@coordinator_required
def handle_report(report_id: int):
    reason = request.form.get("reason", "")
    if reason not in page.HANDLED_REASONS:
        flash("Kies waarom de melding zonder zaak wordt afgehandeld.")
        return redirect(url_for("reports.detail", report_id=report_id), code=303)
    store = get_store()
    try:
        with store.transaction():
            repo.mark_report_handled(store, report_id, reason, current_user)
            store.audit(current_user.id, "update", f"report:{report_id}", handled=reason)
    except repo.NotFound:
        abort(404)
    flash("De melding is afgehandeld zonder zaak.")
    return redirect(url_for("reports.inbox"), code=303)

