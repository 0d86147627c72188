"""Quality pages: the figures per quarter and year, signals per volunteer, and on a case
the nabespreking (debrief) and nazorg forms. Views only; the rules live beside them.
"""
from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from common import clock, intake_term

from ..auth.guard import coordinator_required
from ..cases import repo as case_repo
from ..cases import workflow
from ..coaching import notes as coaching_notes

from ..store import get_store
from . import debrief, figures, nazorg, signals
from .case_section import duo_names as _duo_names

bp = Blueprint("quality", __name__, url_prefix="/beheer/kwaliteit")
case_bp = Blueprint("quality_case", __name__, url_prefix="/beheer/zaken")


def _by() -> str:
    return current_user.name or current_user.email


def _case_or_404(view, case_id: int):
    case = case_repo.get_case(view, case_id)
    if case is None:
        abort(404)
    return case




# -- the quality page ----------------------------------------------------------------------

@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    today = clock.today()
    years = view.derived(f"quality.years.{today}", lambda v: figures.years(v.table(case_repo.CASES), today))
    raw = request.args.get("jaar", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else today.year
    days = intake_term.current(view)
    # Five years of cases and every nazorg call: computed once per day, year and version of the data.
    rows = view.derived(f"quality.figures.{year}.{today}.{days}",
                        lambda v: figures.compute(v.table(case_repo.CASES), v.table(nazorg.NAZORG),
                                                  year=year, today=today, working_days=days))
    protocol = view.derived(f"quality.adherence.{year}",
                            lambda v: figures.adherence(v.table(debrief.DEBRIEFS), year=year))
    return render_template("quality/index.html", rows=rows, year=year, years=years, working_days=days,
                           overview=_signal_overview(view, today)[:10], adherence=protocol)


def _signal_overview(view, today) -> list[dict]:
    return signals.overview(view.table(signals.SIGNALS).all(), case_repo.volunteer_names(view), today=today)


@bp.get("/signalen")
@coordinator_required
def signal_list():
    return _render_signals()


def _render_signals(errors: dict | None = None, values: dict | None = None, status: int = 200):
    store = get_store()
    view = store.read()
    store.audit(current_user.id, "view", "volunteer_signals")
    return render_template("quality/signals.html", overview=_signal_overview(view, clock.today()),
                           volunteer_choices=[(v.doc_id, v.get("name", "")) for v in case_repo.active_volunteers(view)],
                           kinds=signals.KINDS, sources=signals.SOURCES,
                           errors=errors or {}, values=values or {"date": clock.today().isoformat()}), status


@bp.post("/signalen")
@coordinator_required
def add_signal():
    store = get_store()
    view = store.read()
    signal, errors = signals.check(request.form, today=clock.today(),
                                   volunteer_ids=[v.doc_id for v in view.table(case_repo.VOLUNTEERS).all()])
    if errors:
        if request.form.get("from_volunteer"):
            return _render_volunteer(int(request.form["from_volunteer"]), errors, dict(request.form), 422)
        return _render_signals(errors, dict(request.form), 422)
    signals.add(store, signal, by=_by(), at=clock.now())
    flash("Het signaal is bewaard.")
    return redirect(url_for("quality.volunteer", volunteer_id=signal["volunteer_id"]), code=303)


def _render_volunteer(volunteer_id: int, errors: dict | None = None, values: dict | None = None, status: int = 200):
    store = get_store()
    view = store.read()
    volunteer = view.table(case_repo.VOLUNTEERS).get(doc_id=volunteer_id)
    if volunteer is None:
        abort(404)
    store.audit(current_user.id, "view", f"volunteer:{volunteer_id}", page="kwaliteit")
    found = signals.of_volunteer(view, volunteer_id)
    today = clock.today()
    their_debriefs = debrief.of_volunteer(view, volunteer_id)[:10]
    notes = coaching_notes.notes_for(view, volunteer_id=volunteer_id)
    # Only the cases the page links to, not a lookup of five years of cases.
    cases = {case_id: case_repo.get_case(view, case_id)
             for case_id in {d.get("case_id") for d in their_debriefs} | {n.get("case_id") for n in notes} if case_id}
    return render_template(
        "quality/volunteer.html", volunteer=volunteer, signals=found, trend=signals.trend(found, today=today),
        kinds=signals.KINDS, sources=signals.SOURCES, notes=notes,
        note_kinds=coaching_notes.KINDS, debriefs=their_debriefs, talks=debrief.TALKS, cases=cases,
        errors=errors or {}, values=values or {"date": today.isoformat()},
    ), status


@bp.get("/vrijwilliger/<int:volunteer_id>")
@coordinator_required
def volunteer(volunteer_id: int):
    return _render_volunteer(volunteer_id)


# -- on a case: debrief and nazorg -------------------------------------------------------------

@case_bp.route("/<int:case_id>/nabespreking", methods=["GET", "POST"])
@coordinator_required
def add_debrief(case_id: int):
    store = get_store()
    view = store.read()
    case = _case_or_404(view, case_id)
    items = debrief.checklist_items(view)
    errors: dict = {}
    values: dict = {"date": clock.today().isoformat(), "talk": case.get("step") if case.get("step") in debrief.TALKS else ""}
    if request.method == "POST":
        doc, errors = debrief.check(request.form, items, today=clock.today(),
                                    not_before=workflow.reported_date(case), duo=case.get("duo") or [])
        if not errors:
            with store.transaction():
                debrief.add(store, case_id, doc, by=_by(), at=clock.now())
                store.audit(current_user.id, "update", f"case:{case_id}", what="debrief")
            flash("De nabespreking is bewaard." + (" Zij staat op de coachinglijst." if doc["coaching_needed"] else ""))
            return redirect(url_for("cases.detail", case_id=case_id, _anchor="kwaliteit"), code=303)
        values = {**request.form.to_dict(), "checked": request.form.getlist("checked")}
    store.audit(current_user.id, "view", f"case:{case_id}", page="nabespreking")
    return render_template("quality/debrief.html", case=case, items=items, talks=debrief.TALKS, errors=errors,
                           values=values, duo=_duo_names(view, case),
                           from_protocols=debrief.from_protocols(items)), 422 if errors else 200


@case_bp.route("/<int:case_id>/nazorg", methods=["GET", "POST"])
@coordinator_required
def add_nazorg(case_id: int):
    store = get_store()
    view = store.read()
    case = _case_or_404(view, case_id)
    parties = case.get("parties") or []
    errors: dict = {}
    values: dict = {"contacted_on": clock.today().isoformat(), "by_whom": " en ".join(n for n in _duo_names(view, case) if n)}
    if request.method == "POST":
        record, errors = nazorg.check(request.form, party_count=len(parties), today=clock.today(),
                                      not_before=workflow.reported_date(case))
        if not errors:
            with store.transaction():
                nazorg.save(store, case_id, record, by=_by(), at=clock.now())
                store.audit(current_user.id, "update", f"case:{case_id}", what="nazorg")
            letter = chr(ord("A") + record["party"])
            flash(f"De nazorg bij partij {letter} is bewaard.")
            return redirect(url_for("quality_case.add_nazorg", case_id=case_id), code=303)
        values = request.form.to_dict()
    store.audit(current_user.id, "view", f"case:{case_id}", page="nazorg")
    return render_template("quality/nazorg.html", case=case, records=nazorg.of_case(view, case_id), holds=nazorg.HOLDS,
                           satisfaction_choices=[(str(k), v) for k, v in nazorg.SATISFACTION.items()] + [("", "Niet gevraagd of geen antwoord")],
                           errors=errors, values=values,
                           done=nazorg.done(case, nazorg.of_case(view, case_id).values())), 422 if errors else 200
