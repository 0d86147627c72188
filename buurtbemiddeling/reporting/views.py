"""Rapportages: the report page and PDF for a period, its narrative, the benchmark export and
the feedback report per network partner. The figures come from `figures.report`."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from common import intake_term
from figures import period as periods
from common.clock import today
from common import clock

from ..auth.guard import coordinator_required
from ..cases import repo as case_repo
from ..network import partners as network, sections as network_sections
from ..answers import saved
from ..quality import nazorg
from ..store import get_store
from .. import pdf
from . import benchmark, charts, narrative, partners, sources

bp = Blueprint("reporting", __name__, url_prefix="/beheer/rapportages")


def _period() -> periods.Period:
    try:
        return periods.parse(request.values, today=today())
    except periods.PeriodError:
        abort(404)  # only the chooser on the index page explains; a download needs a valid period


def _chooser(view, error: str = "") -> dict:
    return {"years": sources.years_with_data(view, today()), "values": request.args, "period_error": error}


def _report_context(view, period: periods.Period) -> dict:
    report = sources.report_for(view, period, today())
    labels = sources.labels(view)
    text = narrative.get(view, period.key)
    return {"report": report, "period": period, "labels": labels, "charts": charts.report_charts(report, labels),
            "narrative": text, "organisation": current_app.config["ORGANISATION"], "today": today(),
            "query": period.query(), "partner_rows": _partner_rows(view, period),
            "intake_days": intake_term.current(view)}


def _partner_rows(view, period: periods.Period) -> list[tuple]:
    return [(partner, partners.feedback(sources.referred_cases(view, partner), period))
            for partner in sorted(view.table(network.PARTNERS).all(), key=lambda p: (p.get("name") or "").lower())]


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    try:
        period = periods.parse(request.args, today=today())
    except periods.PeriodError as exc:
        period = periods.year(today().year)
        return render_template("reporting/index.html", **_report_context(view, period),
                               **_chooser(view, str(exc))), 422
    return render_template("reporting/index.html", **_report_context(view, period), **_chooser(view))


def _pdf_response(html: str, filename: str) -> Response:
    response = Response(pdf.html_to_pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/pdf")
@coordinator_required
def report_pdf():
    period = _period()
    view = get_store().read()
    html = render_template("reporting/pdf.html", **_report_context(view, period))
    get_store().audit(current_user.id, "export", f"report:{period.key}")
    return _pdf_response(html, f"{period.title.lower()}-{period.key}.pdf")


@bp.route("/toelichting", methods=["GET", "POST"])
@coordinator_required
def edit_narrative():
    period = _period()
    store = get_store()
    if request.method == "GET":
        doc = narrative.get(store.read(), period.key)
        return render_template("reporting/narrative_form.html", period=period, query=period.query(),
                               text=doc["text"] if doc else "", errors={})
    text, errors = narrative.check(request.form.get("text"))
    if errors:
        return render_template("reporting/narrative_form.html", period=period, query=period.query(), text=text,
                               errors=errors), 422
    with store.transaction():
        narrative.save(store, period.key, text, by=current_user.name or current_user.email, at=clock.now())
        store.audit(current_user.id, "update", f"report-narrative:{period.key}")
    return saved("De toelichting is bewaard.", url_for("reporting.index", **period.query()) + "#toelichting")


@bp.get("/benchmark.csv")
@coordinator_required
def benchmark_csv():
    period = _period()
    view = get_store().read()
    rules = sources.rules(view)
    text = benchmark.export(case_repo.with_activity(view, case_repo.all_cases(view)), period, events=view.table(case_repo.EVENTS).all(),
                            nazorg=view.table(nazorg.NAZORG).all(), today=today(), deadline=rules.deadline)
    get_store().audit(current_user.id, "export", f"benchmark:{period.key}")
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="benchmark-{period.key}.csv"'
    return response


def _partner_context(partner_id: int) -> dict:
    view = get_store().read()
    partner = view.table(network.PARTNERS).get(doc_id=partner_id)
    if partner is None:
        abort(404)
    period = _period() if request.args else None
    found = sources.referred_cases(view, partner)
    return {"partner": partner, "feedback": partners.feedback(found, period), "period": period,
            "query": period.query() if period else {}, "labels": sources.labels(view),
            "types": network.TYPES, "organisation": current_app.config["ORGANISATION"], "today": today()}


@bp.get("/partners/<int:partner_id>")
@coordinator_required
def partner_feedback(partner_id: int):
    context = _partner_context(partner_id)
    get_store().audit(current_user.id, "view", f"partner-feedback:{partner_id}")
    return render_template("reporting/partner.html", **context)


@bp.get("/partners/<int:partner_id>/pdf")
@coordinator_required
def partner_feedback_pdf(partner_id: int):
    context = _partner_context(partner_id)
    get_store().audit(current_user.id, "export", f"partner-feedback:{partner_id}")
    key = context["period"].key if context["period"] else "alle"
    return _pdf_response(render_template("reporting/partner_pdf.html", **context), f"terugkoppeling-{partner_id}-{key}.pdf")


@network_sections.register("reporting/_partner_cases.html", order=10)
def partner_cases_section(view, partner) -> dict:
    found = sources.referred_cases(view, partner)
    this_year = periods.year(today().year)
    return {"all": partners.feedback(found), "year": partners.feedback(found, this_year), "this_year": this_year,
            "labels": sources.labels(view)}
