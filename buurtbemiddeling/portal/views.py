"""The portal for volunteers and network partners, under /portaal/. Views only: who may see
what lives in access.py, and every rule of a change (a contact, a debrief, an answer, a
claim) is the one the coordinator's pages use.

A record that is not the user's answers 404, the same as one that does not exist, so an
id in the URL tells nothing about other people's cases.
"""
from __future__ import annotations


from flask import Blueprint, Flask, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from common import clock

from ..auth import users
from ..auth.guard import role_required
from ..auth.views import when
from ..budget import ledger
from ..cases import appointments, records, workflow
from ..cases import repo as case_repo
from ..matching import eligibility, handover, proposals
from ..matching.case_section import radius as matching_radius
from ..matching.proposals import ProposalError
from ..protocols import documents as protocol_docs
from ..pdf import html_to_pdf
from ..quality import debrief
from ..reporting import sources as report_sources
from ..settings import lists
from ..store import get_store
from ..volunteers import events
from . import access

bp = Blueprint("portal", __name__, url_prefix="/portaal")
volunteer_only = role_required("volunteer")
# The duo talks with the parties; calls with the referrer are the coordinator's.
CONTACT_WITH = {k: v for k, v in records.CONTACT_WITH.items() if k != "verwijzer"}


@bp.context_processor
def helpers():
    return {"when": when, "step_label": workflow.label, "minutes_label": records.minutes_label,
            "contact_with": records.CONTACT_WITH, "channels": records.CHANNELS, "outcomes": records.CONTACT_OUTCOMES}


def _vid() -> int | None:
    return access.volunteer_of(current_user)


def _my_case_or_404(view, case_id: int):
    case = access.case_for(view, case_id, _vid())
    if case is None:
        abort(404)
    return case


def _sheet(view, case) -> dict:
    return handover.sheet_of(view, case, lists.labels(view, "conflict_types"))


def _by() -> str:
    return current_user.name or current_user.email


# -- home ---------------------------------------------------------------------------------

@bp.get("/")
@login_required
def home():
    if current_user.is_coordinator:
        return redirect(url_for("admin.today"))
    view = get_store().read()
    if current_user.role == "partner":
        return _partner_home(view)
    vid = _vid()
    labels = lists.labels(view, "conflict_types")
    waiting = [(p, access.proposal_brief(view, p, labels)) for p in access.my_proposals(view, vid)]
    upcoming, _ = access.my_events(view, vid, clock.today())
    token = events.volunteer_token(view, vid) if vid is not None else None
    cases = access.my_cases(view, vid)
    rows = access.case_rows(view, vid, clock.today(), wijken=lists.labels(view, "wijken"), conflict_labels=labels)
    return render_template("portal/home.html", linked=vid is not None, cases=rows,
                           proposals=waiting, answers=proposals.ANSWERS,
                           unread=protocol_docs.unread_for(view, current_user.id), upcoming=upcoming[:3],
                           appointments=[a for a in access.my_appointments(view, vid)
                                         if a["date"] >= clock.today().isoformat()],
                           kinds=appointments.KINDS, case_numbers={c.doc_id: c["number"] for c in cases},
                           feed_url=url_for("portal.calendar_feed", token=token, _external=True) if token else None)


def _partner_home(view):
    doc = users.get_doc(view, current_user.id)
    partner = access.partner_of(view, doc)
    feedback = access.partner_feedback(view, partner) if partner else None
    if partner:
        get_store().audit(current_user.id, "view", f"partner-feedback:{partner.doc_id}", via="portaal")
    return render_template("portal/partner.html", partner=partner, feedback=feedback, period=None,
                           labels=report_sources.labels(view))


# -- one case -----------------------------------------------------------------------------

def _render_case(case_id: int, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    store = get_store()
    view = store.read()
    case = _my_case_or_404(view, case_id)
    store.audit(current_user.id, "view", f"case:{case_id}", via="portaal")
    sheet = _sheet(view, case)
    return render_template("portal/case.html", case=case, sheet=sheet, contacts=access.my_contacts(view, case_id),
                           debriefs=debrief.of_case(view, case_id), talks=debrief.TALKS, with_choices=CONTACT_WITH,
                           errors=errors or {}, values=values or {"date": clock.today().isoformat()},
                           running=workflow.is_open(case)), status


@bp.get("/zaken/<int:case_id>")
@volunteer_only
def case(case_id: int):
    return _render_case(case_id)


@bp.get("/zaken/<int:case_id>/overdracht.pdf")
@volunteer_only
def handover_pdf(case_id: int):
    store = get_store()
    view = store.read()
    case = _my_case_or_404(view, case_id)
    sheet = _sheet(view, case)
    store.audit(current_user.id, "handover", f"case:{case_id}", format="pdf", via="portaal")
    return Response(html_to_pdf(render_template("matching/handover_pdf.html", sheet=sheet, printed=clock.now())),
                    mimetype="application/pdf", headers={
                        "Content-Disposition": f'attachment; filename="overdracht-{case["number"]}.pdf"',
                        "Cache-Control": "no-store"})


@bp.post("/zaken/<int:case_id>/contact")
@volunteer_only
def add_contact(case_id: int):
    store = get_store()
    case = _my_case_or_404(store.read(), case_id)
    entry, errors = records.parse_contact(request.form, today=clock.today(), not_before=workflow.reported_date(case))
    if entry.get("with") == "verwijzer":
        errors["with"] = "Kies met wie u contact had."
    if not workflow.is_open(case):
        errors["date"] = "Deze zaak is afgesloten; neem contact op met de coördinator."
    if errors:
        return _render_case(case_id, errors={"contact": errors}, values=request.form.to_dict(), status=422)
    repo_entry = {**entry, "via": access.PORTAL, "volunteer_id": _vid()}
    with store.transaction():
        case_repo.add_entry(store, case_id, repo_entry, current_user)
        store.audit(current_user.id, "update", f"case:{case_id}", what="contact", via="portaal")
    flash("Het contact staat op de zaak. De coördinator ziet het op de tijdlijn.")
    return redirect(url_for("portal.case", case_id=case_id, _anchor="contacten"), code=303)


@bp.route("/zaken/<int:case_id>/nabespreking", methods=["GET", "POST"])
@volunteer_only
def add_debrief(case_id: int):
    store = get_store()
    view = store.read()
    case = _my_case_or_404(view, case_id)
    items = debrief.checklist_items(view)
    errors: dict = {}
    values: dict = {"date": clock.today().isoformat(),
                    "talk": case.get("step") if case.get("step") in debrief.TALKS else ""}
    if request.method == "POST":
        doc, errors = debrief.check(request.form, items, today=clock.today(),
                                    not_before=workflow.reported_date(case), duo=case.get("duo") or [])
        if not errors:
            with store.transaction():
                debrief.add(store, case_id, {**doc, "via": access.PORTAL}, by=_by(), at=clock.now())
                store.audit(current_user.id, "update", f"case:{case_id}", what="debrief", via="portaal")
            flash("De nabespreking is bewaard. Dank u." + (" De coördinator neemt contact op over coaching."
                                                           if doc["coaching_needed"] else ""))
            return redirect(url_for("portal.case", case_id=case_id), code=303)
        values = {**request.form.to_dict(), "checked": request.form.getlist("checked")}
    store.audit(current_user.id, "view", f"case:{case_id}", page="nabespreking", via="portaal")
    return render_template("portal/debrief.html", case=case, items=items, talks=debrief.TALKS, errors=errors,
                           values=values), 422 if errors else 200


# -- a proposed duo -------------------------------------------------------------------------

@bp.post("/voorstellen/<int:proposal_id>")
@volunteer_only
def answer(proposal_id: int):
    store = get_store()
    vid = _vid()
    if access.proposal_for(store.read(), proposal_id, vid) is None:
        abort(404)
    try:
        with store.transaction():
            updated = proposals.record_answer(store, proposal_id, vid, request.form.get("answer") or "",
                                              note=request.form.get("note") or "", user=current_user, via="portaal",
                                              radius=matching_radius())
            store.audit(current_user.id, "answer", f"proposal:{proposal_id}", answer=request.form.get("answer"),
                        via="portaal")
    except eligibility.EligibilityError as exc:  # nothing was written; the refusal itself is recorded
        store.audit(current_user.id, "eligibility.refused", f"proposal:{proposal_id}", reasons=exc.verdict.lines())
        flash(exc.verdict.own_words(vid))
        return redirect(url_for("portal.home"), code=303)
    except (ProposalError, workflow.WorkflowError) as exc:
        flash(exc.message)
        return redirect(url_for("portal.home"), code=303)
    if updated["status"] == "gekoppeld":
        flash("Dank u. Het duo is compleet: de zaak staat nu bij uw zaken, met de overdracht.")
    elif request.form.get("answer") == "nee":
        flash("Dank u voor uw antwoord. De coördinator zoekt een ander duo.")
    else:
        flash("Dank u. Nu wacht het voorstel op uw duo-partner.")
    return redirect(url_for("portal.home"), code=303)


# -- protocols, activities and claims ---------------------------------------------------------

@bp.get("/protocollen")
@volunteer_only
def protocols():
    view = get_store().read()
    rows = [(p, v, protocol_docs.acknowledged_at(view, p.doc_id, v["number"], current_user.id))
            for p, v in protocol_docs.published(view)]
    return render_template("portal/protocols.html", rows=rows)


def _activities_page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    """`errors`/`values`: {event id: message / typed answer} of an answer that came back."""
    view = get_store().read()
    today = clock.today()
    upcoming, past = access.my_events(view, _vid(), today)
    return render_template("portal/activities.html", upcoming=upcoming, past=past, vid=_vid(),
                           answers=events.ANSWERS, answer_of=events.answer_of, errors=errors or {},
                           values=values or {}, trainings=access.my_trainings(view, _vid(), today)), status


@bp.get("/activiteiten")
@volunteer_only
def activities():
    return _activities_page()


@bp.post("/activiteiten/<int:event_id>/antwoord")
@volunteer_only
def answer_event(event_id: int):
    """The volunteer answers an invitation: komt / komt niet, with an optional reason."""
    vid = _vid()
    store = get_store()
    event = store.read().table(events.EVENTS).get(doc_id=event_id)
    if event is None or vid is None or vid not in (event.get("invitees") or []):
        abort(404)  # not invited: the same as an event that does not exist
    answer, error = events.check_answer(request.form, event, vid, clock.today())
    if error:
        return _activities_page({event_id: error}, {event_id: request.form.to_dict()}, 422)
    with store.transaction() as tx:
        current = tx.table(events.EVENTS).get(doc_id=event_id)
        answers = {**(current.get("answers") or {}), str(vid): {**answer, "at": clock.stamp()}}
        tx.table(events.EVENTS).update({"answers": answers}, doc_ids=[event_id])
        store.audit(current_user.id, "answer", f"event:{event_id}", answer=answer["answer"], via="portaal")
    flash("Dank u, de coördinator ziet uw antwoord." if answer["answer"] == "komt-niet"
          else "Dank u, u staat genoteerd: u komt.")
    return redirect(url_for("portal.activities", _anchor=f"activiteit-{event_id}"), code=303)


def _my_case_numbers(view) -> dict[str, int]:
    """The numbers of the volunteer's own cases: the only ones a claim of theirs may name."""
    return {c["number"]: c.doc_id for c in access.my_cases(view, _vid())}


def _claims_page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    view = get_store().read()
    numbers = _my_case_numbers(view)
    return render_template("portal/claims.html", claims=access.my_claims(view, _vid()), statuses=ledger.CLAIM_STATUSES,
                           errors=errors or {}, values=values or {"date": clock.today().isoformat()},
                           linked=_vid() is not None, my_cases=[(n, f"Zaak {n}") for n in numbers],
                           case_number={case_id: n for n, case_id in numbers.items()}), status


@bp.get("/declaraties")
@volunteer_only
def claims():
    return _claims_page()


@bp.post("/declaraties")
@volunteer_only
def add_claim():
    vid = _vid()
    if vid is None:
        abort(403)
    store = get_store()
    # The volunteer is always the claimant: a posted volunteer_id is ignored.
    form = {**request.form.to_dict(), "volunteer_id": str(vid)}
    doc, errors = ledger.check_claim(form, {vid: current_user.name}, by=_by(), today=clock.today(),
                                     cases=_my_case_numbers(store.read()))
    if errors:
        return _claims_page(errors, request.form.to_dict(), 422)
    with store.transaction() as tx:
        claim_id = tx.table(ledger.CLAIMS).insert({**doc, "via": access.PORTAL,
                                                   "created_at": clock.stamp()})
        store.audit(current_user.id, "create", f"expense_claim:{claim_id}", volunteer=vid, case=doc["case_id"],
                    via="portaal")
    flash("Uw declaratie is ingediend. De coördinator beoordeelt haar.")
    return redirect(url_for("portal.claims"), code=303)


# -- the volunteer's own calendar ------------------------------------------------------------

@bp.post("/agenda")
@volunteer_only
def feed_renew():
    """Make (or replace) the volunteer's secret calendar address; an old one stops working."""
    vid = _vid()
    if vid is None:
        abort(403)
    store = get_store()
    with store.transaction() as tx:
        events.renew_volunteer_token(tx, vid)
        store.audit(current_user.id, "update", f"volunteer_feed:{vid}", via="portaal")
    flash("Uw agenda-adres staat hieronder. Een eerder adres werkt niet meer.")
    return redirect(url_for("portal.home", _anchor="agenda"), code=303)


@bp.get("/agenda/<token>.ics")
def calendar_feed(token: str):
    """A volunteer's feed for a calendar app (which cannot log in): the secret address is the
    key. Their activities and appointments; of an appointment only kind, case number, place."""
    view = get_store().read()
    vid = events.volunteer_of_token(view, token)
    if vid is None:
        abort(404)
    mine = [e for e in view.table(events.EVENTS).all() if vid in (e.get("invitees") or [])]
    body = events.calendar(mine, current_app.config["ORGANISATION"], items=access.my_calendar_items(view, vid),
                           name="mijn afspraken en activiteiten")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'attachment; filename="mijn-agenda.ics"', "Cache-Control": "no-store"})
