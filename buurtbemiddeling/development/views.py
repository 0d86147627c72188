"""The coordinator's own development log: entries of five kinds and the yearly summary."""
from __future__ import annotations


from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from common.clock import today
from common import clock

from ..auth.guard import coordinator_required
from ..answers import get_or_404, saved
from ..store import get_store
from . import log

bp = Blueprint("development", __name__, url_prefix="/beheer/planning/ontwikkeling")


def _own(view, entry_id: int):
    """An entry of the logged-in coordinator; someone else's log is not ours to see."""
    entry = get_or_404(view, log.TABLE, entry_id)
    if entry.get("user_id") != current_user.id:
        abort(404)
    return entry


def _kind(key: str) -> log.Kind:
    if key not in log.KINDS:
        abort(404)
    return log.KINDS[key]


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    shown = request.args.get("soort", "")
    if shown not in log.KINDS:
        shown = ""
    entries = log.entries_of(view, current_user.id, shown)
    summary = log.year_summary(log.entries_of(view, current_user.id), today().year)
    return render_template("development/index.html", entries=entries, kinds=log.KINDS, shown=shown,
                           open_goals=summary.open_goals, year=today().year, hours=summary.minutes,
                           today_iso=today().isoformat())


def _form(kind, entry, values, errors, status=200):
    return render_template("development/entry_form.html", kind=kind, entry=entry, values=values, errors=errors), status


def _store(kind: log.Kind, entry=None):
    doc, errors = log.check_entry(kind.key, request.form)
    if errors:
        return _form(kind, entry, request.form, errors, 422)
    store = get_store()
    with store.transaction() as tx:
        table = tx.table(log.TABLE)
        if entry is None:
            entry_id = table.insert({**doc, "user_id": current_user.id,
                                     "created_at": clock.stamp()})
        else:
            entry_id = entry.doc_id
            table.update(doc, doc_ids=[entry_id])
    return saved(f"{kind.label} ‘{doc['title']}’ is opgeslagen.", url_for(".entry", entry_id=entry_id))


@bp.route("/nieuw/<kind_key>", methods=["GET", "POST"])
@coordinator_required
def new_entry(kind_key: str):
    kind = _kind(kind_key)
    if request.method == "POST":
        return _store(kind)
    first_status = next(iter(kind.statuses)) if kind.statuses else ""
    first_extra = next(iter(kind.extra)) if kind.extra else ""
    return _form(kind, None, {"date": today().isoformat(), "status": first_status, kind.extra_key: first_extra}, {})


@bp.get("/<int:entry_id>")
@coordinator_required
def entry(entry_id: int):
    doc = _own(get_store().read(), entry_id)
    return render_template("development/entry.html", entry=doc, kind=log.KINDS[doc["kind"]])


@bp.route("/<int:entry_id>/bewerken", methods=["GET", "POST"])
@coordinator_required
def edit_entry(entry_id: int):
    doc = _own(get_store().read(), entry_id)
    kind = log.KINDS[doc["kind"]]
    if request.method == "POST":
        return _store(kind, doc)
    return _form(kind, doc, log.form_values(doc), {})


@bp.post("/<int:entry_id>/verwijderen")
@coordinator_required
def delete_entry(entry_id: int):
    store = get_store()
    doc = _own(store.read(), entry_id)
    with store.transaction() as tx:
        tx.table(log.TABLE).remove(doc_ids=[entry_id])
    return saved(f"‘{doc['title']}’ is verwijderd.", url_for(".index"))


@bp.get("/jaar")
@bp.get("/jaar/<int:year>")
@coordinator_required
def summary(year: int | None = None):
    year = year or today().year
    if not 2000 <= year <= 2100:
        abort(404)
    entries = log.entries_of(get_store().read(), current_user.id)
    return render_template("development/summary.html", summary=log.year_summary(entries, year),
                           years=log.years_of(entries, today().year), year=year)
