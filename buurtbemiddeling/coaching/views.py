"""Coaching pages: the check-in list, follow-ups, and coaching notes. Views only."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from common import clock

from ..auth.guard import coordinator_required
from ..cases import repo as case_repo
from ..cases import workflow
from ..store import get_store
from . import dashboard, notes

bp = Blueprint("coaching", __name__, url_prefix="/beheer/coaching")


def _by() -> str:
    return current_user.name or current_user.email


def _back(default: str) -> str:
    """Where to return after a post: a page of the admin, never elsewhere."""
    target = request.form.get("next") or ""
    return target if target.startswith("/beheer/") and not target.startswith("//") else default


def _choices(view) -> dict:
    volunteers = case_repo.active_volunteers(view)
    cases = sorted((c for c in case_repo.all_cases(view) if workflow.is_open(c)), key=lambda c: c.get("number", ""))
    return {"volunteer_choices": [(v.doc_id, v.get("name", "")) for v in volunteers],
            "case_choices": [(c.doc_id, f"{c['number']} · {(c.get('parties') or [{}])[0].get('name', '')}") for c in cases]}


def _render(errors: dict | None = None, values: dict | None = None, status: int = 200):
    store = get_store()
    view = store.read()
    store.audit(current_user.id, "view", "coaching_notes")
    recent = notes.notes_for(view)[:30]
    return render_template("coaching/index.html", lists=dashboard.worklists(view, clock.today()), recent=recent,
                           kinds=notes.KINDS, errors=errors or {}, values=values or {"date": clock.today().isoformat()},
                           **_choices(view)), status


@bp.get("/")
@coordinator_required
def index():
    return _render()


@bp.post("/notitie")
@coordinator_required
def add_note():
    store = get_store()
    view = store.read()
    all_cases = case_repo.all_cases(view)
    note, errors = notes.check_note(request.form, today=clock.today(),
                                    volunteer_ids=[v.doc_id for v in view.table(case_repo.VOLUNTEERS).all()],
                                    case_ids=[c.doc_id for c in all_cases])
    if errors:
        return _render(errors, dict(request.form), 422)
    with store.transaction():
        notes.add_note(store, note, by=_by(), at=clock.now())
        store.audit(current_user.id, "create", f"volunteer:{note.get('volunteer_id')}" if note.get("volunteer_id")
                    else f"case:{note.get('case_id')}", what="coaching_note")
    flash("De coachingsnotitie is bewaard.")
    return redirect(_back(url_for("coaching.index")), code=303)


@bp.post("/checkin/<int:case_id>")
@coordinator_required
def checkin(case_id: int):
    """One click: the check-in is a phone contact with the duo on the case's timeline."""
    store = get_store()
    entry = {**notes.CHECKIN, "date": clock.today().isoformat()}
    summary = " ".join((request.form.get("summary") or "").split())[:500]
    if summary:
        entry["summary"] = f"Check-in: {summary}"
    try:
        with store.transaction():
            case_repo.add_entry(store, case_id, entry, current_user)
            store.audit(current_user.id, "update", f"case:{case_id}", what="checkin")
    except case_repo.NotFound:
        abort(404)
    number = case_repo.get_case(store.read(), case_id)["number"]
    flash(f"Check-in bij het duo van zaak {number} vastgelegd.")
    return redirect(_back(url_for("coaching.index")), code=303)


@bp.post("/notitie/<int:note_id>/afgerond")
@coordinator_required
def follow_up_done(note_id: int):
    if not notes.mark_follow_up_done(get_store(), note_id, by=_by(), at=clock.now()):
        abort(404)
    flash("De vervolgactie is afgevinkt.")
    return redirect(_back(url_for("coaching.index")), code=303)
