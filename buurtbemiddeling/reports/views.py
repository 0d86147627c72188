"""The coordinator's inbox of reports (the public form posts: form_posts.py)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from forms import FORMS

from ..admin.paging import page_of
from ..auth.guard import coordinator_required
from ..cases import page as case_page
from .. import spam
from ..settings import lists
from ..store import get_store
from common import clock, intake_term

from . import intake

INBOX_PAGE_SIZE = 50

bp = Blueprint("reports", __name__, url_prefix="/beheer/meldingen")


@bp.get("/")
@coordinator_required
def inbox():
    view = get_store().read()
    kind = request.args.get("soort", "") if request.args.get("soort") in intake.KINDS else ""
    status = request.args.get("status", "") if request.args.get("status") in intake.STATUSES else ""
    # Five years of reports are thousands: new ones first (oldest on top), a page at a time.
    reports = view.derived("reports.inbox_order", intake.inbox_order)
    if kind or status:
        reports = [r for r in reports if (not kind or intake.kind_of(r) == kind) and (not status or r.get("status") == status)]
    rows, page, pages = page_of(reports, INBOX_PAGE_SIZE, request.args.get("pagina"))
    days = intake_term.current(view)
    today = clock.today()
    return render_template("reports/inbox.html", reports=rows, total=len(reports), page=page, pages=pages,
                           display_name=intake.display_name, preferred_language=intake.preferred_language,
                           spam_summary=spam.rejected_summary(get_store(), clock.today()),
                           kinds=intake.KINDS, statuses=intake.STATUSES, kind=kind, status=status, kind_of=intake.kind_of,
                           conflicts=lists.labels(view, "conflict_types"),
                           late={r.doc_id for r in rows if intake_term.report_is_late(r, today, days)},
                           deadline={r.doc_id: intake_term.report_deadline(r, days) for r in rows})


@bp.get("/<int:report_id>")
@coordinator_required
def detail(report_id: int):
    store = get_store()
    report = intake.get_report(store.read(), report_id)
    if report is None:
        abort(404)
    store.audit(current_user.id, "view", f"report:{report_id}")
    form = FORMS.get(report["form"])
    return render_template("reports/detail.html", report=report, form=form, display_name=intake.display_name,
                           preferred_language=intake.preferred_language(report),
                           case_panel=case_page.report_panel(store.read(), report))
