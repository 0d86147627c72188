"""The budget area: the year's lines and realisation, expenses with receipts, expense claims."""
from __future__ import annotations


from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from common import clock
from common.clock import today

from .. import pdf, uploads, xlsx
from ..auth.guard import coordinator_required
from ..admin.paging import page_of
from ..answers import get_or_404, invalid, saved
from ..cases import repo as case_repo
from ..store import get_store
from . import ledger

bp = Blueprint("budget", __name__, url_prefix="/beheer/budget")
CLAIMS_PAGE_SIZE = 25  # claims per page of the list (a phone scrolls through each row as a card's worth)
uploads.allow_large_bodies(bp, {"budget.new_expense", "budget.edit_expense", "budget.add_claim"})


def _now() -> str:
    return clock.stamp()


def _who() -> str:
    return current_user.name or current_user.email


def _receipt(errors: dict) -> dict | None:
    """The uploaded receipt (optional) once the fields are right; a refused file becomes a form error."""
    if errors:
        return None
    try:
        return uploads.save(request.files.get("receipt"), required=False)
    except uploads.UploadError as exc:
        errors["receipt"] = str(exc)
        return None


def _send_receipt(table: str, doc_id: int, kind: str):
    doc = get_or_404(get_store().read(), table, doc_id)
    get_store().audit(current_user.id, "download", f"{kind}:{doc_id}")
    return uploads.send(doc.get("receipt"))


def _check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.get("/")
@bp.get("/<int:year>")
@coordinator_required
def index(year: int | None = None):
    year = _check_year(year or today().year)
    view = get_store().read()
    return render_template("budget/year.html", year=year, real=ledger.realisation_of(view, year),
                           years=ledger.years_in_use(view, today().year),
                           expenses=sorted((e for e in view.table(ledger.EXPENSES).all() if ledger.year_of(e) == year),
                                           key=lambda e: (e["date"], e.doc_id), reverse=True),
                           waiting=len(ledger.claims_list(view, "ingediend")),
                           lines=ledger.LINES, warn_percent=ledger.WARN_PERCENT)


@bp.route("/<int:year>/begroting", methods=["GET", "POST"])
@coordinator_required
def set_budget(year: int):
    year = _check_year(year)
    store = get_store()
    if request.method == "GET":
        return render_template("budget/lines_form.html", year=year, lines=ledger.LINES,
                               values=ledger.budget_form_values(store.read(), year), errors={})
    amounts, errors = ledger.check_budget(request.form)
    if errors:
        return invalid("budget/lines_form.html", year=year, lines=ledger.LINES, values=request.form, errors=errors)
    with store.transaction() as tx:
        ledger.set_budget(tx, year, amounts)
        store.audit(current_user.id, "update", f"budget:{year}")
    return saved(f"De begroting voor {year} is opgeslagen.", url_for(".index", year=year))


@bp.route("/uitgaven/nieuw", methods=["GET", "POST"])
@coordinator_required
def new_expense():
    context = {"lines": ledger.LINES}
    if request.method == "GET":
        line = request.args.get("post", "")
        return render_template("budget/expense_form.html", values={"date": today().isoformat(), "line": line},
                               errors={}, **context)
    doc, errors = ledger.check_expense(request.form, by=_who(), today=today())
    receipt = _receipt(errors)
    if errors:
        return invalid("budget/expense_form.html", values=request.form, errors=errors, **context)
    store = get_store()
    with store.transaction() as tx:
        expense_id = tx.table(ledger.EXPENSES).insert({**doc, "receipt": receipt, "created_at": _now()})
        store.audit(current_user.id, "create", f"expense:{expense_id}", amount_cents=doc["amount_cents"])
    year = int(doc["date"][:4])
    return saved("De uitgave is geboekt.", url_for(".index", year=year))


@bp.route("/uitgaven/<int:expense_id>/wijzigen", methods=["GET", "POST"])
@coordinator_required
def edit_expense(expense_id: int):
    """Correct a booked expense; a new receipt replaces the old one, no new file keeps it."""
    store = get_store()
    expense = get_or_404(store.read(), ledger.EXPENSES, expense_id)
    context = {"lines": ledger.LINES, "expense": expense}
    if request.method == "GET":
        return render_template("budget/expense_form.html", values={**expense, "amount": expense["amount_cents"]},
                               errors={}, **context)
    doc, errors = ledger.check_expense(request.form, by=expense.get("by") or _who(), today=today())
    receipt = _receipt(errors)
    if errors:
        return invalid("budget/expense_form.html", values=request.form, errors=errors, **context)
    changes = ledger.expense_changes(expense, doc)
    with store.transaction() as tx:
        tx.table(ledger.EXPENSES).update({**doc, "receipt": receipt or expense.get("receipt"),
                                          "updated_at": _now(), "updated_by": _who()}, doc_ids=[expense_id])
        store.audit(current_user.id, "update", f"expense:{expense_id}", changes=changes, receipt_replaced=bool(receipt))
    if receipt:
        uploads.delete(expense.get("receipt"))
    return saved("De uitgave is gewijzigd.", url_for(".index", year=int(doc["date"][:4]), _anchor="uitgaven"))


@bp.post("/uitgaven/<int:expense_id>/verwijderen")
@coordinator_required
def delete_expense(expense_id: int):
    store = get_store()
    expense = get_or_404(store.read(), ledger.EXPENSES, expense_id)
    with store.transaction() as tx:
        tx.table(ledger.EXPENSES).remove(doc_ids=[expense_id])
        store.audit(current_user.id, "delete", f"expense:{expense_id}", amount_cents=expense["amount_cents"],
                    description=expense.get("description"))
    uploads.delete(expense.get("receipt"))
    return saved(f"De uitgave ‘{expense.get('description')}’ is verwijderd.", url_for(".index", year=ledger.year_of(expense)))


@bp.get("/uitgaven/<int:expense_id>/bon")
@coordinator_required
def receipt(expense_id: int):
    return _send_receipt(ledger.EXPENSES, expense_id, "budget_expense")


@bp.get("/<int:year>/jaaroverzicht")
@coordinator_required
def year_overview(year: int):
    year = _check_year(year)
    view = get_store().read()
    return render_template("budget/overview.html", year=year, overview=ledger.year_overview_of(view, year),
                           lines=ledger.LINES, months=ledger.MONTHS, volunteers=ledger.volunteer_names(view))


@bp.get("/<int:year>/jaaroverzicht.xlsx")
@coordinator_required
def year_overview_xlsx(year: int):
    """The year overview as a spreadsheet: realisation per line, and spending per line per month (euros as numbers)."""
    year = _check_year(year)
    overview = ledger.year_overview_of(get_store().read(), year)
    real = overview.realisation
    lines = [["Post", "Begroot (euro)", "Besteed (euro)", "Besteed deel (%)"]] + [
        [line.label, line.budget / 100, line.spent / 100, line.percent] for line in real.lines] + [
        ["Totaal", real.budget / 100, real.spent / 100, real.percent]]
    months = [["Post", *ledger.MONTHS, "Totaal"]] + [
        [line.label, *(cents / 100 for cents in per_month), sum(per_month) / 100]
        for line, per_month in zip(real.lines, overview.months)] + [
        ["Totaal", *(cents / 100 for cents in overview.month_totals), sum(overview.month_totals) / 100]]
    body = xlsx.workbook_of([(f"Realisatie {year}", lines), (f"Per maand {year}", months)])
    get_store().audit(current_user.id, "export", f"budget:{year}")
    return Response(body, mimetype=xlsx.MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="budget-jaaroverzicht-{year}.xlsx"'})


@bp.get("/<int:year>/jaaroverzicht.pdf")
@coordinator_required
def year_overview_pdf(year: int):
    """The year overview as a document for the municipality: totals, per line, per month, every expense."""
    year = _check_year(year)
    html = render_template("budget/overview_pdf.html", year=year, overview=ledger.year_overview_of(get_store().read(), year),
                           lines=ledger.LINES, months=ledger.MONTHS, claims_line=ledger.CLAIMS_LINE, today=today(),
                           organisation=current_app.config["ORGANISATION"])
    get_store().audit(current_user.id, "export", f"budget:{year}", format="pdf")
    return Response(pdf.html_to_pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="budget-jaaroverzicht-{year}.pdf"'})


# ---- expense claims ------------------------------------------------------------------------
# The volunteers area shows this same list on its "Onkosten" tab; its forms post here with
# `back` (the page to return to without JavaScript) and `volunteer` (the list's filter).

def _back() -> str:
    """The admin page a form came from, or the claims page; never another site."""
    back = request.values.get("back", "")
    return back if back.startswith("/beheer/") and "//" not in back and "\\" not in back else url_for(".claims")


def case_numbers(view) -> dict[str, int]:
    """Every case's number and id: the coordinator may link a claim to any case."""
    return {case["number"]: case.doc_id for case in case_repo.all_cases(view) if case.get("number")}


def claims_context(view, *, shown: str = "", volunteer: int | None = None, values=None, errors=None,
                   endpoint: str = "budget.claims", requested: str | None = None) -> dict:
    """What `budget/_claims.html` needs; the volunteers area renders it too (`endpoint`: the page
    the list's page links go to; `requested`: its `pagina`)."""
    names = ledger.volunteer_names(view)
    if volunteer not in names:
        volunteer = None
    # Every claim since the programme began: one page at a time, submitted ones first.
    claims, page, pages = page_of(ledger.claims_list(view, shown, volunteer), CLAIMS_PAGE_SIZE, requested)
    return {"claims": claims, "page": page, "pages": pages, "list_endpoint": endpoint,
            "shown": shown, "volunteer": volunteer,
            "case_number": {case_id: number for number, case_id in case_numbers(view).items()},
            "statuses": ledger.CLAIM_STATUSES, "volunteers": names, "errors": errors or {}, "decide_errors": {},
            "values": values or {"date": today().isoformat(), "volunteer_id": volunteer or ""}, "year": today().year}


def claim_filters() -> tuple[str, int | None]:
    shown = request.values.get("status", "")
    volunteer = request.values.get("vrijwilliger", "")
    return (shown if shown in ledger.CLAIM_STATUSES else ""), (int(volunteer) if volunteer.isdigit() else None)


def _claims_page(status: int = 200, values=None, errors=None):
    store = get_store()
    shown, volunteer = claim_filters()
    store.audit(current_user.id, "view", "expense_claims", status=shown or "alle", volunteer=volunteer)
    template = "budget/_claims.html" if request.htmx and request.method == "POST" else "budget/claims.html"
    back = _back()
    endpoint = "volunteers.expenses_list" if back == url_for("volunteers.expenses_list") else "budget.claims"
    return render_template(template, back=back, **claims_context(store.read(), shown=shown, volunteer=volunteer,
                                                                 values=values, errors=errors, endpoint=endpoint,
                                                                 requested=request.values.get("pagina"))), status


@bp.get("/declaraties")
@coordinator_required
def claims():
    return _claims_page()


@bp.post("/declaraties")
@coordinator_required
def add_claim():
    store = get_store()
    view = store.read()
    doc, errors = ledger.check_claim(request.form, ledger.volunteer_names(view), by=_who(), today=today(),
                                     cases=case_numbers(view))
    receipt = _receipt(errors)
    if errors:
        return _claims_page(422, request.form, errors)
    with store.transaction() as tx:
        claim_id = tx.table(ledger.CLAIMS).insert({**doc, "receipt": receipt, "created_at": _now()})
        store.audit(current_user.id, "create", f"expense_claim:{claim_id}", volunteer=doc["volunteer_id"],
                    case=doc["case_id"])
    return saved("De declaratie is ingevoerd en wacht op goedkeuring.", _back(), _claims_page)


@bp.get("/declaraties/<int:claim_id>/bon")
@coordinator_required
def claim_receipt(claim_id: int):
    return _send_receipt(ledger.CLAIMS, claim_id, "expense_claim")


@bp.post("/declaraties/<int:claim_id>/<any(goedkeuren, afwijzen):decision>")
@coordinator_required
def decide_claim(claim_id: int, decision: str):
    store = get_store()
    claim = get_or_404(store.read(), ledger.CLAIMS, claim_id)
    try:
        changes = ledger.decide(claim, decision, by=_who(), at=_now(), reason=request.form.get("reason", ""))
    except ledger.DecisionError as exc:
        context = {**claims_context(store.read()), "decide_errors": {claim_id: str(exc)}}
        return render_template("budget/_claim_row.html" if request.htmx else "budget/claims.html",
                               claim=claim, back=_back(), **context), 422
    with store.transaction() as tx:
        tx.table(ledger.CLAIMS).update(changes, doc_ids=[claim_id])
        store.audit(current_user.id, decision, f"expense_claim:{claim_id}", volunteer=claim.get("volunteer_id"))
    message = "De declaratie is goedgekeurd en telt mee in het budget." if decision == "goedkeuren" else "De declaratie is afgewezen."

    def row():
        view = store.read()
        return render_template("budget/_claim_row.html", claim=view.table(ledger.CLAIMS).get(doc_id=claim_id),
                               back=_back(), **claims_context(view))

    return saved(message, _back(), row)
