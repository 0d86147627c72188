"""The programme around the volunteers: training catalogue, events and calendar, expense claims, pool figures."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..admin.paging import page_of
from ..auth.guard import coordinator_required
from ..budget import views as budget_views
from ..settings import lists
from ..store import get_store
from . import events, pool, qualifications
from .pipeline import ENDED, VOLUNTEERS
from .views import actor, bp, common, get_or_404, today

PAST_EVENTS_PAGE_SIZE = 25  # activities that took place, newest first; the coming ones are shown whole


def _names(view) -> dict[int, str]:
    return {v.doc_id: v.get("name", "") for v in view.table(VOLUNTEERS).all()}


# -- training catalogue ------------------------------------------------------------

def _catalogue_page(values=None, errors=None, training=None, status=200):
    view = get_store().read()
    counts: dict[int, int] = {}
    for record in view.table(qualifications.RECORDS).all():
        counts[record.get("training_id")] = counts.get(record.get("training_id"), 0) + 1
    return render_template("volunteers/trainings.html", trainings=qualifications.catalogue(view), counts=counts,
                           kinds=qualifications.KINDS, values=values or {}, errors=errors or {}, training=training,
                           basis_min=qualifications.BASIS_MIN_HOURS, **common()), status


@bp.get("/trainingen")
@coordinator_required
def trainings():
    return _catalogue_page()


@bp.post("/trainingen")
@coordinator_required
def training_add():
    doc, errors = qualifications.check_training(request.form)
    if errors:
        return _catalogue_page(request.form, errors, status=422)
    store = get_store()
    with store.transaction() as tx:
        tx.table(qualifications.TRAININGS).insert(doc)
    flash(f"‘{doc['name']}’ staat in de catalogus.")
    return redirect(url_for("volunteers.trainings"), code=303)


@bp.route("/trainingen/<int:training_id>", methods=["GET", "POST"])
@coordinator_required
def training_edit(training_id: int):
    store = get_store()
    training = get_or_404(store.read(), qualifications.TRAININGS, training_id)
    if request.method == "GET":
        values = {**training, "required": "ja" if training.get("required") else "",
                  "retired": "ja" if training.get("retired") else "", "validity_months": training.get("validity_months") or ""}
        return _catalogue_page(values, training=training)
    doc, errors = qualifications.check_training(request.form)
    if errors:
        return _catalogue_page(request.form, errors, training=training, status=422)
    with store.transaction() as tx:
        tx.table(qualifications.TRAININGS).update(doc, doc_ids=[training_id])
    flash(f"‘{doc['name']}’ is opgeslagen.")
    return redirect(url_for("volunteers.trainings"), code=303)


# -- events and calendar ----------------------------------------------------------

@bp.get("/activiteiten")
@coordinator_required
def events_list():
    view = get_store().read()
    docs = view.table(events.EVENTS).all()
    token = events.feed_token(view)
    past, page, pages = page_of(events.past(docs, today()), PAST_EVENTS_PAGE_SIZE, request.args.get("pagina"))
    return render_template("volunteers/events.html", upcoming=events.upcoming(docs, today()), past=past,
                           page=page, pages=pages, kinds=events.KINDS, rate=events.attendance_rate,
                           feed_url=url_for("volunteers.calendar_feed", token=token, _external=True) if token else None,
                           **common())


def _event_form(event=None, values=None, errors=None, status=200):
    view = get_store().read()
    volunteers = sorted((v for v in view.table(VOLUNTEERS).all() if v.get("step") not in ENDED),
                        key=lambda v: v.get("name", ""))
    return render_template("volunteers/event_form.html", event=event, values=values or {}, errors=errors or {},
                           kinds=events.KINDS, volunteers=volunteers, **common()), status


def _read_event_form(view):
    return events.check_event(request.form, set(_names(view)))


@bp.route("/activiteiten/nieuw", methods=["GET", "POST"])
@coordinator_required
def event_new():
    store = get_store()
    if request.method == "GET":
        kind = request.args.get("soort", "intervisie")
        invited = [v.doc_id for v in pool.active_volunteers(store.read())]
        return _event_form(values={"kind": kind, "date": today().isoformat(), "start": "19:30", "end": "21:30", "invitees": invited})
    doc, errors = _read_event_form(store.read())
    if errors:
        return _event_form(values={**request.form, "invitees": doc["invitees"]}, errors=errors, status=422)
    doc.update(attendance=[], uid=events.new_uid())
    with store.transaction() as tx:
        new_id = tx.table(events.EVENTS).insert(doc)
    flash("De activiteit is gepland.")
    return redirect(url_for("volunteers.event", event_id=new_id), code=303)


@bp.route("/activiteiten/<int:event_id>/bewerken", methods=["GET", "POST"])
@coordinator_required
def event_edit(event_id: int):
    store = get_store()
    event = get_or_404(store.read(), events.EVENTS, event_id)
    if request.method == "GET":
        return _event_form(event, values=dict(event))
    doc, errors = _read_event_form(store.read())
    if errors:
        return _event_form(event, values={**request.form, "invitees": doc["invitees"]}, errors=errors, status=422)
    doc["attendance"] = [vid for vid in event.get("attendance", []) if vid in doc["invitees"]]
    with store.transaction() as tx:
        tx.table(events.EVENTS).update(doc, doc_ids=[event_id])
    flash("De activiteit is opgeslagen.")
    return redirect(url_for("volunteers.event", event_id=event_id), code=303)


@bp.get("/activiteiten/<int:event_id>")
@coordinator_required
def event(event_id: int):
    view = get_store().read()
    doc = get_or_404(view, events.EVENTS, event_id)
    return render_template("volunteers/event.html", event=doc, names=_names(view), kinds=events.KINDS,
                           rate=events.attendance_rate(doc), begun=events.has_begun(doc, today()),
                           answers=events.ANSWERS, counts=events.answer_counts(doc), **common())


@bp.post("/activiteiten/<int:event_id>/aanwezigheid")
@coordinator_required
def event_attendance(event_id: int):
    store = get_store()
    doc = get_or_404(store.read(), events.EVENTS, event_id)
    if not events.has_begun(doc, today()):
        flash("Deze activiteit moet nog plaatsvinden; aanwezigheid legt u vast op of na de dag zelf.")
        return redirect(url_for("volunteers.event", event_id=event_id), code=303)
    attended = events.attendance_from(request.form, doc.get("invitees", []))
    notes = request.form.get("notes", doc.get("notes", "")).strip()[:4000]
    with store.transaction() as tx:
        tx.table(events.EVENTS).update({"attendance": attended, "notes": notes}, doc_ids=[event_id])
    flash(f"Aanwezigheid opgeslagen: {len(attended)} van {len(doc.get('invitees', []))} genodigden.")
    return redirect(url_for("volunteers.event", event_id=event_id), code=303)


def _ics(docs, filename: str) -> Response:
    body = events.calendar(docs, current_app.config["ORGANISATION"])
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/activiteiten/<int:event_id>.ics")
@coordinator_required
def event_ics(event_id: int):
    doc = get_or_404(get_store().read(), events.EVENTS, event_id)
    return _ics([doc], f"activiteit-{event_id}.ics")


@bp.post("/activiteiten/agenda")
@coordinator_required
def feed_renew():
    """Make (or replace) the secret feed address; the old one stops working at once."""
    store = get_store()
    with store.transaction() as tx:
        tx.table(events.FEED).truncate()
        tx.table(events.FEED).insert({"token": events.new_token(), "by": actor()})
        store.audit(current_user.id, "update", "calendar_feed")
    flash("Er is een nieuw agenda-adres. Een oud adres werkt niet meer.")
    return redirect(url_for("volunteers.events_list", _anchor="agenda"), code=303)


@bp.get("/agenda/<token>.ics")
def calendar_feed(token: str):
    """The feed a calendar app polls: no login (apps cannot log in), the secret address is the key."""
    view = get_store().read()
    if not events.token_matches(view, token):
        abort(404)
    return _ics(view.table(events.EVENTS).all(), "activiteiten.ics")


# -- expenses ---------------------------------------------------------------------
# Claims live in the budget's `expense_claims`; this tab shows the budget's list, whose
# forms post to the budget views and come back here.

@bp.get("/onkosten")
@coordinator_required
def expenses_list():
    store = get_store()
    shown, volunteer = budget_views.claim_filters()
    store.audit(current_user.id, "view", "expense_claims", status=shown or "alle", volunteer=volunteer)
    return render_template("volunteers/expenses.html", back=url_for("volunteers.expenses_list"),
                           **budget_views.claims_context(store.read(), shown=shown, volunteer=volunteer,
                                                         endpoint="volunteers.expenses_list",
                                                         requested=request.args.get("pagina")), **common())


# -- pool figures -----------------------------------------------------------------

def _pool_page(errors=None, values=None, status=200):
    view = get_store().read()
    shares = pool.population_shares(view)
    texts = {d: "\n".join(f"{k}: {v:g}" for k, v in shares.get(d, {}).items()) for d in pool.DIMENSIONS}
    return render_template("volunteers/pool.html", overview=pool.overview(view), dimensions=pool.DIMENSIONS,
                           genders=pool.GENDERS, texts={**texts, **(values or {})}, errors=errors or {},
                           channel_labels=_channel_labels(view), **common()), status


def _channel_labels(view):
    return {**lists.labels(view, "recruitment_channels"), "onbekend": "Onbekend"}


@bp.get("/pool")
@coordinator_required
def pool_overview():
    return _pool_page()


@bp.post("/pool/bevolking")
@coordinator_required
def population_save():
    dimension = request.form.get("dimension", "")
    rows, problem = pool.check_population(dimension, request.form.get("shares", ""))
    if problem:
        return _pool_page({dimension: problem}, {dimension: request.form.get("shares", "")}, status=422)
    store = get_store()
    with store.transaction() as tx:
        table = tx.table(pool.POPULATION)
        table.remove(doc_ids=[d.doc_id for d in table.all() if d.get("dimension") == dimension])
        table.insert_multiple({"dimension": dimension, "value": value, "share": share} for value, share in rows)
    flash(f"Bevolkingscijfers voor {pool.DIMENSIONS[dimension].lower()} opgeslagen.")
    return redirect(url_for("volunteers.pool_overview"), code=303)
