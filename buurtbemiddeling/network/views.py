"""The network area: partners, their contact people, the contact log and agreements."""
from __future__ import annotations


from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from common.clock import today
from common import clock

from .. import uploads
from ..auth.guard import coordinator_required
from ..answers import get_or_404, invalid, saved
from ..store import get_store
from . import partners as rules
from . import sections

bp = Blueprint("network", __name__, url_prefix="/beheer/netwerk")
uploads.allow_large_bodies(bp, {"network.new_agreement", "network.edit_agreement"})


def _now() -> str:
    return clock.stamp()


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    type_filter = request.args.get("soort", "")
    if type_filter not in rules.TYPES:
        type_filter = ""
    archived = request.args.get("archief") == "1"
    return render_template("network/index.html",
                           rows=rules.partner_rows(view, today(), type_filter=type_filter, archived=archived),
                           archived=archived, archived_count=len(rules.partner_rows(view, today(), archived=True)),
                           agreements=[row for row in rules.agreement_rows(view, today())
                                       if not rules.is_archived(row.partner)],
                           type_filter=type_filter, types=rules.TYPES)


@bp.route("/nieuw", methods=["GET", "POST"])
@coordinator_required
def new_partner():
    if request.method == "GET":
        return render_template("network/partner_form.html", values={"type": ""}, errors={}, partner=None,
                               types=rules.TYPES)
    doc, errors = rules.check_partner(request.form)
    if errors:
        return invalid("network/partner_form.html", values=request.form, errors=errors, partner=None, types=rules.TYPES)
    store = get_store()
    with store.transaction() as tx:
        partner_id = tx.table(rules.PARTNERS).insert({**doc, "created_at": _now()})
        store.audit(current_user.id, "create", f"partner:{partner_id}")
    return saved(f"{doc['name']} staat in het netwerk.", url_for(".partner", partner_id=partner_id))


@bp.route("/<int:partner_id>/bewerken", methods=["GET", "POST"])
@coordinator_required
def edit_partner(partner_id: int):
    store = get_store()
    partner = get_or_404(store.read(), rules.PARTNERS, partner_id)
    if request.method == "GET":
        return render_template("network/partner_form.html", values=partner, errors={}, partner=partner, types=rules.TYPES)
    doc, errors = rules.check_partner(request.form)
    if errors:
        return invalid("network/partner_form.html", values=request.form, errors=errors, partner=partner, types=rules.TYPES)
    with store.transaction() as tx:
        tx.table(rules.PARTNERS).update(doc, doc_ids=[partner_id])
        store.audit(current_user.id, "update", f"partner:{partner_id}")
    return saved("De gegevens zijn bijgewerkt.", url_for(".partner", partner_id=partner_id))


@bp.post("/<int:partner_id>/<any(archiveren, terugzetten):action>")
@coordinator_required
def archive(partner_id: int, action: str):
    """Archive a partner (off the active lists, kept in history) or restore it."""
    store = get_store()
    with store.transaction() as tx:
        partner = get_or_404(tx, rules.PARTNERS, partner_id)
        try:
            changes = (rules.archive(partner, by=current_user.name or current_user.email, at=_now())
                       if action == "archiveren" else rules.restore(partner))
        except ValueError as exc:
            return saved(str(exc), url_for(".partner", partner_id=partner_id))
        tx.table(rules.PARTNERS).update(changes, doc_ids=[partner_id])
        store.audit(current_user.id, "archive" if action == "archiveren" else "restore", f"partner:{partner_id}")
    message = (f"{partner['name']} is gearchiveerd: niet meer in de lijsten, wel in de geschiedenis."
               if action == "archiveren" else f"{partner['name']} is teruggezet in het netwerk.")
    return saved(message, url_for(".partner", partner_id=partner_id))


def _partner_page(partner_id: int, *, status: int = 200, contact=None, log=None, correction=None):
    """The partner page; `contact`/`log` carry (values, errors) of a form that came back,
    `correction` (entry id, values, errors) a log correction that came back."""
    store = get_store()
    view = store.read()
    partner = get_or_404(view, rules.PARTNERS, partner_id)
    store.audit(current_user.id, "view", f"partner:{partner_id}")
    return render_template(
        "network/partner.html", partner=partner, types=rules.TYPES, log_kinds=rules.LOG_KINDS,
        contacts=rules.contacts_of(view, partner_id), log=rules.log_of(view, partner_id),
        agreements=rules.agreement_rows(view, today(), partner_id=partner_id),
        sections=sections.render_context(view, partner),
        contact_form=contact or ({}, {}), log_form=log or ({"date": today().isoformat(), "kind": "overleg"}, {}),
        correction=correction,
    ), status


@bp.get("/<int:partner_id>")
@coordinator_required
def partner(partner_id: int):
    return _partner_page(partner_id)


def _section(partner_id: int, template: str, status: int = 200, **form):
    """One section of the partner page, for htmx."""
    view = get_store().read()
    partner = get_or_404(view, rules.PARTNERS, partner_id)
    return render_template(template, partner=partner, log_kinds=rules.LOG_KINDS,
                           contacts=rules.contacts_of(view, partner_id), log=rules.log_of(view, partner_id),
                           contact_form=form.get("contact", ({}, {})), correction=form.get("correction"),
                           log_form=form.get("log", ({"date": today().isoformat(), "kind": "overleg"}, {}))), status


def _add_to_partner(partner_id: int, doc, errors, *, table: str, form_key: str, template: str, message: str):
    """Store a contact person or a log entry of a partner; a bad one comes back in place (422)."""
    store = get_store()
    get_or_404(store.read(), rules.PARTNERS, partner_id)
    if errors:
        form = {form_key: (request.form, errors)}
        if request.htmx:
            return _section(partner_id, template, 422, **form)
        return _partner_page(partner_id, status=422, **form)
    with store.transaction() as tx:
        record_id = tx.table(table).insert({**doc, "partner_id": partner_id, "created_at": _now()})
        store.audit(current_user.id, "create", f"{table}:{record_id}", partner=partner_id)
    return saved(message, url_for(".partner", partner_id=partner_id), lambda: _section(partner_id, template))


@bp.post("/<int:partner_id>/contactpersonen")
@coordinator_required
def add_contact(partner_id: int):
    doc, errors = rules.check_contact(request.form)
    return _add_to_partner(partner_id, doc, errors, table=rules.CONTACTS, form_key="contact",
                           template="network/_contacts.html", message=f"{doc['name']} is toegevoegd als contactpersoon.")


@bp.post("/<int:partner_id>/contactlog")
@coordinator_required
def add_log_entry(partner_id: int):
    doc, errors = rules.check_log_entry(request.form, by=current_user.name or current_user.email)
    return _add_to_partner(partner_id, doc, errors, table=rules.LOG, form_key="log",
                           template="network/_log.html", message="Het contact is vastgelegd.")


def _partners_record(view, table: str, record_id: int, partner_id: int):
    """A contact person or log entry of this partner; another partner's answers 404 like a missing one."""
    record = get_or_404(view, table, record_id)
    if record.get("partner_id") != partner_id:
        abort(404)
    return record


@bp.post("/<int:partner_id>/contactlog/<int:entry_id>/corrigeren")
@coordinator_required
def correct_log_entry(partner_id: int, entry_id: int):
    """Correct a contact-log entry; the text before stays visible on the entry, and is audited."""
    store = get_store()
    entry = _partners_record(store.read(), rules.LOG, entry_id, partner_id)
    by = current_user.name or current_user.email
    doc, errors = rules.check_log_entry(request.form, by=by)
    if not errors:
        with store.transaction() as tx:
            try:
                changes = rules.correct_log_entry(tx.table(rules.LOG).get(doc_id=entry_id), doc, by=by, at=_now())
            except ValueError as exc:
                errors = {"summary": str(exc)}
            else:
                tx.table(rules.LOG).update(changes, doc_ids=[entry_id])
                store.audit(current_user.id, "correct", f"{rules.LOG}:{entry_id}", partner=partner_id,
                            fields=[key for key in rules.LOG_FIELDS if changes[key] != entry.get(key)])
    if errors:
        correction = (entry_id, request.form, errors)
        if request.htmx:
            return _section(partner_id, "network/_log.html", 422, correction=correction)
        return _partner_page(partner_id, status=422, correction=correction)
    return saved("Het contact is gecorrigeerd; wat er eerst stond blijft zichtbaar.",
                 url_for(".partner", partner_id=partner_id, _anchor=f"contact-{entry_id}"),
                 lambda: _section(partner_id, "network/_log.html"))


@bp.post("/<int:partner_id>/contactpersonen/<int:contact_id>/verwijderen")
@coordinator_required
def remove_contact(partner_id: int, contact_id: int):
    store = get_store()
    contact = _partners_record(store.read(), rules.CONTACTS, contact_id, partner_id)
    with store.transaction() as tx:
        tx.table(rules.CONTACTS).remove(doc_ids=[contact_id])
        store.audit(current_user.id, "delete", f"{rules.CONTACTS}:{contact_id}", partner=partner_id)
    return saved(f"{contact.get('name')} is verwijderd.", url_for(".partner", partner_id=partner_id),
                 lambda: _section(partner_id, "network/_contacts.html"))


def _agreement_form(partner, agreement, values, errors, status=200):
    return render_template("network/agreement_form.html", partner=partner, agreement=agreement,
                           values=values, errors=errors), status


def _store_agreement(partner_id: int, agreement=None):
    """Check and save a new or changed agreement; the signed PDF is optional until signed."""
    store = get_store()
    view = store.read()
    partner = get_or_404(view, rules.PARTNERS, partner_id)
    doc, errors = rules.check_agreement(request.form)
    document = None
    if not errors:
        try:
            document = uploads.save(request.files.get("document"), required=False)
        except uploads.UploadError as exc:
            errors["document"] = str(exc)
        else:
            if document and document["type"] != "application/pdf":
                uploads.delete(document)
                document, errors["document"] = None, "Het getekende convenant moet een pdf-bestand zijn."
    if errors:
        return _agreement_form(partner, agreement, request.form, errors, 422)
    if document is None and agreement is not None:
        document = agreement.get("document")  # no new file chosen: keep the one there is
    with store.transaction() as tx:
        table = tx.table(rules.AGREEMENTS)
        if agreement is None:
            agreement_id = table.insert({**doc, "partner_id": partner_id, "document": document, "created_at": _now()})
        else:
            agreement_id = agreement.doc_id
            table.update({**doc, "document": document}, doc_ids=[agreement_id])
        store.audit(current_user.id, "create" if agreement is None else "update", f"agreement:{agreement_id}",
                    partner=partner_id)
    if agreement is not None and agreement.get("document") and agreement.get("document") is not document:
        uploads.delete(agreement["document"])  # replaced by the newly signed version
    return saved(f"Convenant ‘{doc['subject']}’ is opgeslagen.", url_for(".partner", partner_id=partner_id))


@bp.route("/<int:partner_id>/convenanten/nieuw", methods=["GET", "POST"])
@coordinator_required
def new_agreement(partner_id: int):
    if request.method == "POST":
        return _store_agreement(partner_id)
    partner = get_or_404(get_store().read(), rules.PARTNERS, partner_id)
    return _agreement_form(partner, None, {"parties": f"{current_app.config['ORGANISATION']}, {partner['name']}"}, {})


@bp.route("/convenanten/<int:agreement_id>/bewerken", methods=["GET", "POST"])
@coordinator_required
def edit_agreement(agreement_id: int):
    view = get_store().read()
    agreement = get_or_404(view, rules.AGREEMENTS, agreement_id)
    if request.method == "POST":
        return _store_agreement(agreement["partner_id"], agreement)
    partner = get_or_404(view, rules.PARTNERS, agreement["partner_id"])
    return _agreement_form(partner, agreement, rules.agreement_form_values(agreement), {})


@bp.get("/convenanten/<int:agreement_id>/document")
@coordinator_required
def agreement_document(agreement_id: int):
    agreement = get_or_404(get_store().read(), rules.AGREEMENTS, agreement_id)
    return uploads.send(agreement.get("document"))

