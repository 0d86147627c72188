"""The coordinator's volunteer area: applications, selection, profiles and steps.

Trainings, events, the expense claims tab and the pool overview are in views_programme.py (same blueprint).
Views read and write; the rules live in pipeline, selection, qualifications and profile.
"""
from __future__ import annotations

from datetime import date

import forms as forms_pkg
from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from common import clock
from common.clock import today

from .. import uploads, xlsx
from ..admin import imports
from ..admin.paging import page_of
from ..auth import invitations, users
from ..auth.guard import coordinator_required
from ..budget import ledger
from ..reports.intake import new_record
from ..settings import lists
from ..store import get_store
from . import application_form, appreciation, pipeline, pool, pool_export, profile, qualifications, selection
from .checks import past_date
from .pipeline import APPLICATIONS, VOLUNTEERS
from common import tables

POOL_PAGE_SIZE = 25  # as the case list: on a phone each volunteer is a card of eight lines
APPLICATIONS_PAGE_SIZE = 25  # with finished ones shown, every application since the programme began
WAITING_SHOWN = 15  # the longest waits; the rest one click away

bp = Blueprint("volunteers", __name__, url_prefix="/beheer/vrijwilligers", template_folder=str(forms_pkg.TEMPLATE_DIR))
# A wijk is stored as its list value; pages show its label (a free-text wijk from the public form as typed).
bp.context_processor(lambda: {"wijk_label": lists.labeller(get_store().read(), "wijken")})
UPLOAD_ENDPOINTS = {"volunteers.agreement_upload", "volunteers.record_add"}
uploads.allow_large_bodies(bp, UPLOAD_ENDPOINTS)
imports.register(bp, imports.Importer(
    what="vrijwilligers", title="Vrijwilligerspool importeren uit een spreadsheet", back=("volunteers.index", "Vrijwilligers"),
    rules="buurtbemiddeling.volunteers.importing",
    shown=(("Naam", "name"), ("Stap", "step"), ("Gestart op", "start_date"), ("Trainingen", "trainings")),
))


def actor() -> str:
    return current_user.name or current_user.email


def conflict_types(view, volunteer=None) -> list[tuple[str, str]]:
    """The conflict types a volunteer's experience is asked for: a retired one only where
    `volunteer` has experience with it (so saving the profile keeps it)."""
    if "conflict_types" in lists.registered():
        return lists.choices_for(view, "conflict_types", (volunteer or {}).get("experience") or {})
    return [(value, text["nl"]) for value, text in forms_pkg.DEFAULT_CONFLICT_TYPES]


def get_or_404(view, table: str, doc_id: int):
    doc = view.table(table).get(doc_id=doc_id)
    if doc is None:
        abort(404)
    return doc


def audit_view(kind: str, doc_id: int) -> None:
    get_store().audit(current_user.id, "view", f"{kind}:{doc_id}")


def audit_download(kind: str, doc_id: int) -> None:
    get_store().audit(current_user.id, "download", f"{kind}:{doc_id}")


def common() -> dict:
    return {"LABELS": pipeline.LABELS, "today": today()}


# -- overview --------------------------------------------------------------------

@bp.get("/pool.<any(csv, xlsx):kind>")
@coordinator_required
def pool_file(kind: str):
    """The pool in the import's own columns: to move it to another install, or to keep a copy."""
    view = get_store().read()
    body, mimetype = (pool_export.export_xlsx(view), xlsx.MIMETYPE) if kind == "xlsx" else (pool_export.export_csv(view), "text/csv")
    get_store().audit(current_user.id, "export", "volunteers", format=kind)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="vrijwilligerspool-{clock.today().isoformat()}.{kind}"'})


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    step = request.args.get("stap", "")
    volunteers, waiting, counts = _overview(view, today())
    shown = [v for v in volunteers if v.get("step") == step] if step in pipeline.STEPS else volunteers
    # A regional pool has hundreds of volunteers: one page of them at a time.
    rows, page, pages = page_of(shown, POOL_PAGE_SIZE, request.args.get("pagina"))
    all_waiting = request.args.get("wacht") == "alle"
    return render_template("volunteers/index.html", volunteers=rows, total=len(shown), page=page, pages=pages,
                           step=step, waiting=waiting if all_waiting else waiting[:WAITING_SHOWN],
                           waiting_total=len(waiting), counts=counts,
                           mediations=appreciation.mediation_counts_of(view),
                           basis={v.doc_id: qualifications.has_basistraining(view, v.doc_id) for v in rows},
                           **common())


def _overview(view, day) -> tuple[list, list, dict]:
    """The pool by name, who waits for what and the counts per step, once per day and version."""
    def build(v) -> tuple[list, list, dict]:
        volunteers = sorted(v.table(VOLUNTEERS), key=lambda doc: doc.get("name", ""))
        applications = v.table(APPLICATIONS).all()
        return (volunteers, pipeline.waiting_list(applications, volunteers, day),
                pipeline.counts_per_step(applications, volunteers))

    return view.derived(f"volunteers.overview.{day}", build)


# -- applications ----------------------------------------------------------------

@bp.get("/aanmeldingen")
@coordinator_required
def applications():
    view = get_store().read()
    docs = sorted(view.table(APPLICATIONS).all(), key=lambda d: (d.get("received_at", ""), d.doc_id), reverse=True)
    open_only = request.args.get("alle") != "1"
    if open_only:
        docs = [d for d in docs if pipeline.step_of(d) in pipeline.APPLICATION_STEPS]
    rows, page, pages = page_of(docs, APPLICATIONS_PAGE_SIZE, request.args.get("pagina"))
    return render_template("volunteers/applications.html", applications=rows, open_only=open_only, page=page, pages=pages,
                           days=lambda d: pipeline.days_between(pipeline.since(d), today()),
                           channels=lists.labels(view, "recruitment_channels"), **common())


@bp.route("/aanmeldingen/nieuw", methods=["GET", "POST"])
@coordinator_required
def application_new():
    store = get_store()
    form = application_form.admin_form(store.read())
    result = None
    if request.method == "POST":
        result = form.validate(request.form, lang="nl")
        if result.ok:
            record = new_record("application", application_form.values_from(result.cleaned), source="beheer")
            record["flags"] = []
            with store.transaction() as tx:
                new_id = tx.table(APPLICATIONS).insert(record)
                store.audit(current_user.id, "create", f"application:{new_id}")
            flash("De aanmelding is opgeslagen.")
            return redirect(url_for("volunteers.application", application_id=new_id), code=303)
    return render_template("volunteers/application_new.html", form=form, result=result), 422 if result else 200


def _application_page(application, *, error: str | None = None, status: int = 200, values: dict | None = None):
    view = get_store().read()
    volunteer = view.table(VOLUNTEERS).get(doc_id=application["volunteer_id"]) if application.get("volunteer_id") else None
    form = forms_pkg.FORMS.get(application.get("form", "application")) or application_form.admin_form(view)
    return render_template("volunteers/application.html", application=application, form=form, volunteer=volunteer,
                           error=error, values=values or {}, next_steps=pipeline.next_steps(application),
                           stop_reasons=lists.choices(view, "stop_reasons"),
                           channels=lists.labels(view, "recruitment_channels"),
                           days=pipeline.days_between(pipeline.since(application), today()),
                           selection=selection, **common()), status


@bp.get("/aanmeldingen/<int:application_id>")
@coordinator_required
def application(application_id: int):
    doc = get_or_404(get_store().read(), APPLICATIONS, application_id)
    audit_view("application", application_id)
    return _application_page(doc)


def _reason(view) -> tuple[str, str]:
    """The free reason, prefixed with the chosen stop reason's label when there is one."""
    code = request.form.get("reason_code", "")
    if code and not lists.valid_for(view, "stop_reasons", code):
        raise pipeline.StepError("Kies een reden van stoppen uit de lijst.")
    text = request.form.get("reason", "").strip()[:1000]
    label = lists.label(view, "stop_reasons", code) if code else ""
    return code, " — ".join(part for part in (label, text) if part)


def _move(doc, to: str, view, *, basis: bool = False, unqualified: tuple | list = ()):
    code, reason = _reason(view)
    move = pipeline.check_move(doc, to, by=actor(), reason=reason, at=clock.now(),
                               has_basistraining=basis, selection_decision=selection.latest_decision(doc),
                               unqualified=unqualified, override_reason=request.form.get("override_reason", ""))
    if code:
        move.entry["reason_code"] = code
    return move


@bp.post("/aanmeldingen/<int:application_id>/stap")
@coordinator_required
def application_step(application_id: int):
    store = get_store()
    doc = get_or_404(store.read(), APPLICATIONS, application_id)
    try:
        move = _move(doc, request.form.get("to", ""), store.read())
    except pipeline.StepError as exc:
        return _application_page(doc, error=str(exc), status=422, values=request.form)
    return _apply_application_move(store, application_id, doc, move)


def _apply_application_move(store, application_id: int, doc, *moves: pipeline.Move):
    """Apply one move, or a chain (an interview that also settles the step), in one transaction."""
    with store.transaction() as tx:
        update = {"step": moves[-1].step, "steps": [*doc.get("steps", []), *(m.entry for m in moves)]}
        volunteer_id = None
        for index, move in enumerate(moves):
            if move.becomes_volunteer:
                before = {**doc, "steps": [*doc.get("steps", []), *(m.entry for m in moves[:index])]}
                volunteer_id = tx.table(VOLUNTEERS).insert(pipeline.volunteer_from_application(before, application_id, move))
                update["volunteer_id"] = volunteer_id
        tx.table(APPLICATIONS).update(update, doc_ids=[application_id])
        for move in moves:
            store.audit(current_user.id, "step", f"application:{application_id}", to=move.step)
    if volunteer_id:
        flash(f"{doc['values'].get('name', 'De aanmelder')} is aangenomen en staat nu bij de vrijwilligers.")
        return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer_id), code=303)
    flash(f"Stap gewijzigd naar ‘{pipeline.LABELS[moves[-1].step]}’.")
    return redirect(url_for("volunteers.application", application_id=application_id), code=303)


@bp.route("/aanmeldingen/<int:application_id>/gesprek", methods=["GET", "POST"])
@coordinator_required
def interview(application_id: int):
    store = get_store()
    view = store.read()
    doc = get_or_404(view, APPLICATIONS, application_id)
    criteria = lists.choices(view, "selection_criteria")
    errors, values = {}, {"held_on": today().isoformat(), "kind": request.args.get("soort", "selectiegesprek")}
    if request.method == "POST":
        checked = selection.check_interview(request.form, criteria, by=actor(), today=today())
        values, errors = request.form, checked.errors
        if checked.ok:
            with store.transaction() as tx:
                tx.table(APPLICATIONS).update({"interviews": [*doc.get("interviews", []), checked.interview]},
                                              doc_ids=[application_id])
                store.audit(current_user.id, "interview", f"application:{application_id}", decision=checked.interview["decision"])
            return _after_interview(store, application_id, checked.interview)
    else:
        audit_view("application", application_id)
    return render_template("volunteers/interview.html", application=doc, criteria=criteria, values=values,
                           errors=errors, selection=selection, **common()), 422 if errors else 200


def _after_interview(store, application_id: int, interview: dict):
    """An interview settles the step: held means in that step; a clear decision moves on at once."""
    doc = store.read().table(APPLICATIONS).get(doc_id=application_id)
    at = clock.now()
    moves, current = [], dict(doc)
    for to in pipeline.interview_steps(pipeline.step_of(doc), interview["kind"], interview["decision"]):
        move = pipeline.check_move(current, to, by=actor(), reason=interview["reason"] if to in pipeline.ENDED + ("aangenomen",) else "",
                                   at=at, selection_decision=interview["decision"])
        moves.append(move)
        current["step"] = move.step
    if moves:
        return _apply_application_move(store, application_id, doc, *moves)
    flash("Het gesprek is vastgelegd.")
    return redirect(url_for("volunteers.application", application_id=application_id), code=303)


# -- volunteers ------------------------------------------------------------------

def _volunteer_page(volunteer, *, error: str | None = None, status: int = 200, values: dict | None = None,
                    errors: dict | None = None, offer_override: bool = False):
    view = get_store().read()
    vid = volunteer.doc_id
    trainings = {t.doc_id: t for t in qualifications.catalogue(view)}
    application = view.table(APPLICATIONS).get(doc_id=volunteer["application_id"]) if volunteer.get("application_id") else None
    events = [e for e in view.table(tables.EVENTS).all() if vid in e.get("invitees", [])]
    account = users.account_of_volunteer(view, vid)
    return render_template(
        "volunteers/volunteer.html", volunteer=volunteer, error=error, values=values or {}, errors=errors or {},
        account=account, account_state=invitations.account_state(view, account) if account else None,
        account_states=invitations.STATES, ended=pipeline.ENDED,
        offer_override=offer_override,
        next_steps=pipeline.next_steps(volunteer), stop_reasons=lists.choices(view, "stop_reasons"),
        records=qualifications.records_of(view, vid), trainings=trainings,
        open_trainings=qualifications.catalogue(view, include_retired=False),
        standing=qualifications.required_standing(view, vid, today()),
        basis_hours=qualifications.basistraining_hours(view, vid), basis_min=qualifications.BASIS_MIN_HOURS,
        years=appreciation.years_of_service(volunteer.get("start_date"), today()),
        anniversary=appreciation.anniversary_near(volunteer.get("start_date"), today()),
        mediations=appreciation.mediations_done(view, vid), last_contact=appreciation.last_contact(volunteer),
        contact_kinds=appreciation.CONTACT_KINDS, conflict_labels=dict(conflict_types(view, volunteer)),
        application=application, events=sorted(events, key=lambda e: e["date"], reverse=True)[:10],
        claims=ledger.claims_of(view, vid), claim_statuses=ledger.CLAIM_STATUSES,
        states=qualifications.STATES, genders=pool.GENDERS,
        availability_labels={value: text["nl"] for value, text in application_form.AVAILABILITY}, **common(),
    ), status


@bp.get("/<int:volunteer_id>")
@coordinator_required
def volunteer(volunteer_id: int):
    doc = get_or_404(get_store().read(), VOLUNTEERS, volunteer_id)
    audit_view("volunteer", volunteer_id)
    return _volunteer_page(doc)


def _profile_form(volunteer=None, *, values=None, errors=None, status=200):
    view = get_store().read()
    return render_template("volunteers/volunteer_form.html", volunteer=volunteer, values=values or {}, errors=errors or {},
                           conflict_types=conflict_types(view, volunteer), availability=application_form.AVAILABILITY,
                           days=application_form.DAYS, parts=application_form.PARTS, age_options=[(b, b) for b in pool.AGE_BANDS],
                           genders=pool.GENDERS, steps=pipeline.STEPS, **common()), status


@bp.route("/nieuw", methods=["GET", "POST"])
@coordinator_required
def volunteer_new():
    """A volunteer who is already in the programme, entered by hand (e.g. when moving off a spreadsheet)."""
    if request.method == "GET":
        return _profile_form(values={"max_cases": 2, "step": "actief", "start_date": today().isoformat()})
    store = get_store()
    doc, errors = profile.check_profile(request.form, conflict_types(store.read()), today())
    step = request.form.get("step", "")
    if step not in pipeline.STEPS or step in pipeline.APPLICATION_STEPS:
        errors["step"] = "Kies de stap waarin deze vrijwilliger nu staat."
    if errors:
        return _profile_form(values=request.form, errors=errors, status=422)
    entry = {"step": step, "at": clock.stamp(), "by": actor(), "reason": "Ingevoerd in het beheer"}
    doc.update(step=step, steps=[entry], agreement={"signed_on": "", "document": None}, application_id=None, contacts=[])
    with store.transaction() as tx:
        new_id = tx.table(VOLUNTEERS).insert(doc)
        store.audit(current_user.id, "create", f"volunteer:{new_id}")
    flash("De vrijwilliger is toegevoegd.")
    return redirect(url_for("volunteers.volunteer", volunteer_id=new_id), code=303)


@bp.route("/<int:volunteer_id>/bewerken", methods=["GET", "POST"])
@coordinator_required
def volunteer_edit(volunteer_id: int):
    store = get_store()
    doc = get_or_404(store.read(), VOLUNTEERS, volunteer_id)
    if request.method == "GET":
        audit_view("volunteer", volunteer_id)
        return _profile_form(doc, values=profile.form_values(dict(doc)))
    fields, errors = profile.check_profile(request.form, conflict_types(store.read(), doc), today())
    if errors:
        return _profile_form(doc, values=request.form, errors=errors, status=422)
    with store.transaction() as tx:
        tx.table(VOLUNTEERS).update(fields, doc_ids=[volunteer_id])
        store.audit(current_user.id, "update", f"volunteer:{volunteer_id}")
    flash("Het profiel is opgeslagen.")
    return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer_id), code=303)


@bp.post("/<int:volunteer_id>/stap")
@coordinator_required
def volunteer_step(volunteer_id: int):
    store = get_store()
    view = store.read()
    doc = get_or_404(view, VOLUNTEERS, volunteer_id)
    try:
        move = _move(doc, request.form.get("to", ""), view, basis=qualifications.has_basistraining(view, volunteer_id),
                     unqualified=qualifications.not_in_order(view, volunteer_id, today()))
    except pipeline.StepError as exc:
        return _volunteer_page(doc, error=str(exc), status=422, values=request.form, offer_override=exc.overridable)
    with store.transaction() as tx:
        tx.table(VOLUNTEERS).update({"step": move.step, "steps": [*doc.get("steps", []), move.entry]}, doc_ids=[volunteer_id])
        store.audit(current_user.id, "step", f"volunteer:{volunteer_id}", to=move.step)
        if move.entry.get("override"):
            store.audit(current_user.id, "qualification.override", f"volunteer:{volunteer_id}", to=move.step,
                        **move.entry["override"])
    flash(f"Stap gewijzigd naar ‘{pipeline.LABELS[move.step]}’.")
    return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer_id), code=303)


@bp.post("/<int:volunteer_id>/overeenkomst")
@coordinator_required
def agreement_upload(volunteer_id: int):
    store = get_store()
    doc = get_or_404(store.read(), VOLUNTEERS, volunteer_id)
    errors: dict[str, str] = {}
    signed_on = past_date(request.form.get("signed_on"), errors, "signed_on", today(),
                          missing="Vul de datum van ondertekening in.", future="De datum van ondertekening ligt in de toekomst.")
    if errors:
        return _volunteer_page(doc, errors=errors, values=request.form, status=422)
    try:
        meta = uploads.save(request.files.get("document"), required=False)
    except uploads.UploadError as exc:
        return _volunteer_page(doc, errors={"document": str(exc)}, values=request.form, status=422)
    old = (doc.get("agreement") or {}).get("document")
    agreement = {"signed_on": signed_on, "document": meta or old}
    with store.transaction() as tx:
        tx.table(VOLUNTEERS).update({"agreement": agreement}, doc_ids=[volunteer_id])
        store.audit(current_user.id, "update", f"volunteer:{volunteer_id}", what="agreement")
    if meta and old:
        uploads.delete(old)
    flash("De vrijwilligersovereenkomst is vastgelegd.")
    return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer_id, _anchor="overeenkomst"), code=303)


@bp.get("/<int:volunteer_id>/overeenkomst")
@coordinator_required
def agreement_download(volunteer_id: int):
    doc = get_or_404(get_store().read(), VOLUNTEERS, volunteer_id)
    audit_download("volunteer", volunteer_id)
    return uploads.send((doc.get("agreement") or {}).get("document"))


@bp.post("/<int:volunteer_id>/trainingen")
@coordinator_required
def record_add(volunteer_id: int):
    store = get_store()
    view = store.read()
    doc = get_or_404(view, VOLUNTEERS, volunteer_id)
    trainings = {t.doc_id: t for t in qualifications.catalogue(view, include_retired=False)}
    record, errors = qualifications.check_record(request.form, trainings, volunteer_id=volunteer_id, by=actor(), today=today())
    if not errors:
        try:
            record["certificate"] = uploads.save(request.files.get("certificate"), required=False)
        except uploads.UploadError as exc:
            errors["certificate"] = str(exc)
    if errors:
        return _volunteer_page(doc, errors=errors, values=request.form, status=422)
    with store.transaction() as tx:
        tx.table(qualifications.RECORDS).insert(record)
        store.audit(current_user.id, "update", f"volunteer:{volunteer_id}", what="training")
    flash(f"{trainings[record['training_id']]['name']} is vastgelegd.")
    return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer_id, _anchor="trainingen"), code=303)


@bp.get("/<int:volunteer_id>/trainingen/<int:record_id>/certificaat")
@coordinator_required
def certificate(volunteer_id: int, record_id: int):
    record = get_or_404(get_store().read(), qualifications.RECORDS, record_id)
    if record.get("volunteer_id") != volunteer_id:
        abort(404)
    audit_download("volunteer", volunteer_id)
    return uploads.send(record.get("certificate"))


@bp.post("/<int:volunteer_id>/contact")
@coordinator_required
def contact_add(volunteer_id: int):
    store = get_store()
    view = store.read()
    doc = get_or_404(view, VOLUNTEERS, volunteer_id)
    contact, errors = appreciation.check_contact(request.form, by=actor(), today=today())
    if errors:
        return _volunteer_page(doc, errors=errors, values=request.form, status=422)
    update = {"contacts": [*doc.get("contacts", []), contact]}
    if contact["kind"] in appreciation.THANKED_KINDS:
        reached = appreciation.milestone_reached(appreciation.mediations_done(view, volunteer_id))
        if reached:
            update["thanked_for_mediations"] = reached
    with store.transaction() as tx:
        tx.table(VOLUNTEERS).update(update, doc_ids=[volunteer_id])
        store.audit(current_user.id, "update", f"volunteer:{volunteer_id}", what="contact")
    flash("Het contact is vastgelegd.")
    return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer_id, _anchor="waardering"), code=303)


from . import views_programme  # noqa: E402, F401  (its routes join this blueprint; it imports names from here)
