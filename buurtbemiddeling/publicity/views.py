"""Publiciteit in the admin: write, preview, publish and take offline news and stories."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user

from common import clock
from common.clock import today

from ..auth.guard import coordinator_required
from ..answers import get_or_404, invalid, saved
from ..store import get_store
from . import disclosure, items, site_build

bp = Blueprint("publicity", __name__, url_prefix="/beheer/publiciteit")


def _stamp() -> str:
    return clock.stamp()


def _form(doc=None, values=None, errors=None, status: int = 200, hits=None):
    context = {"doc": doc, "values": values if values is not None else (doc or {"kind": "nieuws", "lang": "nl"}),
               "errors": errors or {}, "kinds": items.KINDS, "langs": items.LANGS, "hits": hits or []}
    if errors:
        return invalid("publicity/form.html", **context)
    return render_template("publicity/form.html", **context), status


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    docs = sorted(view.table(items.PUBLICITY).all(), key=lambda d: d.get("updated_at") or "", reverse=True)
    return render_template("publicity/index.html", docs=docs, kinds=items.KINDS, langs=items.LANGS)


@bp.route("/nieuw", methods=["GET", "POST"])
@coordinator_required
def new():
    if request.method == "GET":
        return _form()
    doc, errors = items.check(request.form)
    if errors:
        return _form(values=request.form, errors=errors)
    store = get_store()
    with store.transaction() as tx:
        item_id = tx.table(items.PUBLICITY).insert({**doc, "slug": "", "published": False, "published_on": "",
                                                    "created_at": _stamp(), "updated_at": _stamp(),
                                                    "by": current_user.name or current_user.email})
        store.audit(current_user.id, "create", f"publicity:{item_id}")
    return saved("Het bericht is bewaard. Het staat nog niet op de site.", url_for("publicity.edit", item_id=item_id))


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@coordinator_required
def edit(item_id: int):
    store = get_store()
    current = get_or_404(store.read(), items.PUBLICITY, item_id)
    if request.method == "GET":
        return _form(current)
    doc, errors = items.check(request.form)
    if current.get("published") and current.get("kind") == "verhaal" and not doc["anonymised"]:
        errors["anonymised"] = "Een gepubliceerd succesverhaal moet geanonimiseerd blijven. Haal het eerst offline."
    if errors:
        return _form(current, values=request.form, errors=errors)
    with store.transaction() as tx:
        tx.table(items.PUBLICITY).update({**doc, "updated_at": _stamp()}, doc_ids=[item_id])
        store.audit(current_user.id, "update", f"publicity:{item_id}")
    return saved("Het bericht is bewaard.", url_for("publicity.edit", item_id=item_id))


@bp.post("/<int:item_id>/publiceren")
@coordinator_required
def publish(item_id: int):
    store = get_store()
    reason = " ".join(request.form.get("override_reason", "").split())[:500]
    with store.transaction() as tx:
        table = tx.table(items.PUBLICITY)
        item = get_or_404(tx, items.PUBLICITY, item_id)
        hits = disclosure.check_item(tx, item)
        try:
            changes = items.publish(item, today=today(), taken=[d.get("slug") for d in table.all() if d.doc_id != item_id])
            if hits and len(reason) < items.MIN_OVERRIDE_REASON:
                raise items.PublishError(
                    "In de tekst staan gegevens waaraan iemand te herkennen kan zijn (zie hieronder). Haal ze weg, "
                    "of publiceer toch en schrijf erbij waarom dat mag (bijvoorbeeld: de bewoners gaven toestemming).")
        except items.PublishError as exc:
            return _form(item, values=item, errors={"anonymised": str(exc)}, hits=hits)
        # Only which kinds were let through and why: the details themselves stay in the text alone.
        override = {"override": {"reason": reason, "kinds": sorted({h.kind for h in hits})}} if hits else {}
        table.update({**changes, **override, "updated_at": _stamp()}, doc_ids=[item_id])
        store.audit(current_user.id, "publish", f"publicity:{item_id}", **override)
    return saved("Het bericht is gepubliceerd. Het staat op de site na de volgende bouw van de site.",
                 url_for("publicity.index"))


@bp.post("/site-publiceren")
@coordinator_required
def publish_site():
    outcome = site_build.rebuild(current_app.config)
    get_store().audit(current_user.id, "site.build", None, pages=outcome.pages, failed=bool(outcome.error),
                      left_out=len(outcome.skipped))
    view = get_store().read()
    docs = sorted(view.table(items.PUBLICITY).all(), key=lambda d: d.get("updated_at") or "", reverse=True)
    return render_template("publicity/index.html", docs=docs, kinds=items.KINDS, langs=items.LANGS,
                           outcome=outcome), 422 if outcome.error else 200


def _change(item_id: int, action: str, apply, message: str):
    """Apply one change to an existing item in a transaction, audit it, and go back to the list."""
    store = get_store()
    with store.transaction() as tx:
        get_or_404(tx, items.PUBLICITY, item_id)
        apply(tx.table(items.PUBLICITY))
        store.audit(current_user.id, action, f"publicity:{item_id}")
    return saved(message, url_for("publicity.index"))


@bp.post("/<int:item_id>/offline")
@coordinator_required
def unpublish(item_id: int):
    return _change(item_id, "unpublish",
                   lambda table: table.update({"published": False, "updated_at": _stamp()}, doc_ids=[item_id]),
                   "Het bericht is offline gehaald. Het verdwijnt bij de volgende bouw van de site.")


@bp.post("/<int:item_id>/verwijderen")
@coordinator_required
def delete(item_id: int):
    return _change(item_id, "delete", lambda table: table.remove(doc_ids=[item_id]), "Het bericht is verwijderd.")
