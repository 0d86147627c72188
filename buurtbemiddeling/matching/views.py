"""Koppelen: the proposed duos for a case with their explanation, proposing one, the
volunteers' answers, and the handover sheet (HTML and PDF). Views only; the rules live in
score.py, facts.py, proposals.py and handover.py.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from common import clock

from ..admin.options import options
from .. import csrf
from ..auth.guard import coordinator_required
from ..cases import repo as case_repo
from ..cases import workflow
from ..cases.workflow import WorkflowError, label as step_label
from ..pdf import html_to_pdf
from ..settings import lists
from ..store import get_store
from . import eligibility, facts, handover, proposals
from .case_section import radius, settings as _settings
from .proposals import ProposalError

bp = Blueprint("matching", __name__, url_prefix="/beheer/zaken")


def _case_or_404(view, case_id: int):
    case = case_repo.get_case(view, case_id)
    if case is None:
        abort(404)
    return case


def _render_match(case_id: int, *, errors: dict | None = None, status: int = 200):
    store = get_store()
    view = store.read()
    case = _case_or_404(view, case_id)
    store.audit(current_user.id, "view", f"case:{case_id}", page="koppelen")
    blocked = proposals.can_propose(case)
    values = request.form if request.method == "POST" else {}
    ranking = facts.rank_for_case(view, case, **_settings(view))
    return render_template(
        "matching/match.html", case=case, ranking=ranking, excluded=excluded_table(view, ranking),
        duo_cards=duo_cards(view, ranking, case, not blocked),
        blocked=blocked, open=proposals.open_proposal(view, case_id), history=proposals.proposals_of(view, case_id),
        statuses=proposals.STATUSES, answers=proposals.ANSWERS, step_label=step_label, errors=errors or {},
        volunteer_options={slot: options(view, "volunteers.active", case_repo.active_choices,
                                         values.get(slot, "")) for slot in ("first", "second")},
    ), status


def duo_cards(view, ranking, case, can_propose: bool) -> Markup:
    """The proposed duos' cards (at L ten, each with every factor), rendered once per kept
    ranking like the excluded table. The forms' token is the session's: kept as a mark, and
    each visit's own put in."""
    def build(_) -> tuple:
        cards = render_template("matching/_duo_cards.html", ranking=ranking, case=case, can_propose=can_propose)
        return ranking, csrf.kept_without_token(cards)

    return csrf.with_token(view.derived(f"matching.duo_cards.{id(ranking)}.{can_propose}", build)[1])


def excluded_table(view, ranking) -> Markup:
    """Who may not be on the case, and why: at L some hundreds of rows, rendered once per kept
    ranking rather than on every visit (the value holds the ranking its key names by id)."""
    def build(_) -> tuple:
        return ranking, Markup(render_template("matching/_excluded.html", ranking=ranking))

    return view.derived(f"matching.excluded.{id(ranking)}", build)[1]


@bp.get("/<int:case_id>/koppelen")
@coordinator_required
def match(case_id: int):
    return _render_match(case_id)


def _chosen_ids() -> list[int]:
    """A shown duo comes as `duo=3-7`; a duo of one's own as `first` and `second`."""
    raw = request.form.get("duo") or ""
    parts = raw.split("-") if raw else [request.form.get("first") or "", request.form.get("second") or ""]
    return [int(p) for p in parts if p.isdigit()]


@bp.post("/<int:case_id>/koppelen")
@coordinator_required
def propose(case_id: int):
    store = get_store()
    view = store.read()
    case = _case_or_404(view, case_id)
    ids = _chosen_ids()
    try:
        proposals.check_pair(ids)
        override = eligibility.allow(eligibility.judge(view, case, ids, radius=radius()),
                                     request.form.get("override_reason"))
    except ProposalError as exc:
        return _render_match(case_id, errors={"duo": exc.message}, status=422)
    except eligibility.EligibilityError as exc:
        return _render_match(case_id, errors={"duo": exc.message, "override": exc.overridable}, status=422)
    settings = _settings(view)
    del settings["radius"]
    duo = facts.explain(view, case, ids, **settings)
    texts = [f"{f.who}: {f.text}" if f.who else f.text for f in duo.factors if f.points or not f.who]
    try:
        with store.transaction():
            proposals.propose(store, case_id, duo.ids, {m.id: m.name for m in duo.members}, score=duo.score,
                              reasons=texts, user=current_user, override=override)
            store.audit(current_user.id, "update", f"case:{case_id}", what="proposal")
            if override:
                store.audit(current_user.id, "eligibility.override", f"case:{case_id}", volunteers=duo.ids, **override)
    except ProposalError as exc:
        return _render_match(case_id, errors={"duo": exc.message}, status=422)
    flash(f"{duo.names} zijn voorgesteld. Leg hieronder vast of zij meedoen.")
    return redirect(url_for("matching.match", case_id=case_id, _anchor="voorstel"), code=303)


@bp.post("/<int:case_id>/koppelen/<int:proposal_id>/antwoord")
@coordinator_required
def answer(case_id: int, proposal_id: int):
    store = get_store()
    proposal = store.read().table(proposals.PROPOSALS).get(doc_id=proposal_id)
    if proposal is None or proposal.get("case_id") != case_id:
        abort(404)
    raw = request.form.get("volunteer_id") or ""
    volunteer_id = int(raw) if raw.isdigit() else -1
    try:
        with store.transaction():
            updated = proposals.record_answer(store, proposal_id, volunteer_id, request.form.get("answer") or "",
                                              note=request.form.get("note") or "", user=current_user, radius=radius())
            store.audit(current_user.id, "update", f"case:{case_id}", what="answer", proposal=proposal_id)
    except (ProposalError, WorkflowError) as exc:
        return _render_match(case_id, errors={f"answer-{volunteer_id}": exc.message}, status=422)
    name = updated["names"].get(str(volunteer_id), "")
    if updated["status"] == "gekoppeld":
        flash(f"Het duo {' en '.join(updated['names'].values())} is gekoppeld. Geef hun de overdracht mee.")
        return redirect(url_for("matching.handover_sheet", case_id=case_id), code=303)
    if updated["status"] == "afgewezen":
        flash(f"{name} kan niet meedoen; kies een ander duo.")
    else:
        flash(f"{name} doet mee. Nu wacht het voorstel op de ander.")
    return redirect(url_for("matching.match", case_id=case_id, _anchor="voorstel"), code=303)


# -- the handover sheet ------------------------------------------------------------------

def _sheet(view, case):
    return handover.sheet_of(view, case, lists.labels(view, "conflict_types"))


@bp.route("/<int:case_id>/overdracht", methods=["GET", "POST"])
@coordinator_required
def handover_sheet(case_id: int):
    store = get_store()
    view = store.read()
    case = _case_or_404(view, case_id)
    errors: dict = {}
    saved = handover.get(view, case_id) or {}
    values = {key: saved.get(key, "") for key in ("summary", "safety", "agreements")}
    if request.method == "POST":
        values, errors = handover.check(request.form)
        if not errors:
            with store.transaction():
                handover.save(store, case_id, values, current_user.name or current_user.email, clock.now())
                store.audit(current_user.id, "update", f"case:{case_id}", what="handover")
            flash("De tekst van de overdracht is bewaard.")
            return redirect(url_for("matching.handover_sheet", case_id=case_id), code=303)
    store.audit(current_user.id, "handover", f"case:{case_id}", format="html")
    return render_template("matching/handover.html", case=case, sheet=_sheet(store.read(), case), values=values,
                           errors=errors), 422 if errors else 200


@bp.get("/<int:case_id>/overdracht.pdf")
@coordinator_required
def handover_pdf(case_id: int):
    store = get_store()
    view = store.read()
    case = _case_or_404(view, case_id)
    html = render_template("matching/handover_pdf.html", sheet=_sheet(view, case), printed=clock.now())
    store.audit(current_user.id, "handover", f"case:{case_id}", format="pdf")
    return Response(html_to_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="overdracht-{case["number"]}.pdf"'})
