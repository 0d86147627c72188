"""Every admin and portal page, PDF and export shows dates as 06-12-2026, moments as
06-12-2026 10:16 in Amsterdam time, and hours with a decimal comma: rendered from the demo
programme, read as a person reads them (visible text, not attributes or input values). A table
cell's date stays on one line ("27-11-" above "2026" in a narrow column was hard to read)."""
from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from app import create_app
from buurtbemiddeling import demo
from buurtbemiddeling.demo.protocols import DEMO_VOLUNTEER_EMAIL
from common import clock
from tests.test_route_inventory import VOLUNTEER, routes, url_of

NOW = "2026-12-06T10:16:00+01:00"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTH_DATE = re.compile(r"(?<!\d{4} )\b\d{1,2} ((jan|feb|mrt|apr|jun|jul|aug|sep|okt|nov|dec)\.|januari|februari|maart|april|mei|juni|"
                        r"juli|augustus|september|oktober|november|december) \d{4}\b")  # not a month label "jan 2026"
POINT_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])")  # 15.0, never the 1.234 of € 1.234,56
# A data-exchange file, not a page: the national benchmark reads ISO dates and codes.
NOT_FOR_READING = {"reporting.benchmark_csv"}
# Table of first ids of the demo's records, for the URL parts that name one.
RECORD_TABLES = {"case_id": "cases", "volunteer_id": "volunteers", "partner_id": "partners", "event_id": "events",
                 "proposal_id": "proposals", "claim_id": "expense_claims", "protocol_id": "protocols",
                 "report_id": "reports", "application_id": "applications", "user_id": "users",
                 "project_id": "projects", "task_id": "tasks", "entry_id": "development_log", "item_id": "publicity"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text the programme writes on a page: no scripts, styles, attributes, values in form
    fields, or what people typed (`class="prose"`: "na 22.00 uur" in agreed afspraken is theirs)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._open: list[bool] = []  # per open element: does it hide its text?

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            hides = tag in ("script", "style", "textarea") or "prose" in (dict(attrs).get("class") or "").split()
            self._open.append(hides)

    def handle_endtag(self, tag):
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        if not any(self._open):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


DATE = re.compile(r"\b\d{2}-\d{2}-\d{4}\b")
KEPT_ON_ONE_LINE = {"nowrap", "num", "visually-hidden"}  # admin.css: white-space: nowrap


class DatesInTables(HTMLParser):
    """The table cells of a page whose value is a date (their text starts with one: "27-11-2026",
    "06-12-2026 10:16", "01-09-2026 door ...") that no element keeps on one line. A sentence in a
    cell that mentions a date is prose, and wraps as prose."""

    def __init__(self):
        super().__init__()
        self.loose: list[str] = []
        self._open: list[tuple[str, bool]] = []  # per open element: its tag, and does it keep its text on one line?
        self._cells: list[list[tuple[str, bool]]] = []  # per open cell: its text, and whether each piece is kept

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self._open.append((tag, bool(set((dict(attrs).get("class") or "").split()) & KEPT_ON_ONE_LINE)))
        if tag in ("td", "th"):
            self._cells.append([])

    def handle_endtag(self, tag):
        if tag not in VOID and self._open:
            self._open.pop()
        if tag in ("td", "th") and self._cells:
            pieces = [(text, kept) for text, kept in self._cells.pop() if text.strip()]
            if pieces and DATE.match(pieces[0][0].lstrip()) and not pieces[0][1]:
                self.loose.append(" ".join("".join(text for text, _ in pieces).split()))

    def handle_data(self, data):
        if self._cells:
            cell = max(i for i, (tag, _) in enumerate(self._open) if tag in ("td", "th"))
            self._cells[-1].append((data, any(kept for _, kept in self._open[cell:])))


def dates_that_may_wrap(html: str) -> list[str]:
    parser = DatesInTables()
    parser.feed(html)
    return sorted(set(parser.loose))


def wrong_formats(text: str, patterns=(ISO_DATE, MONTH_DATE, POINT_DECIMAL)) -> list[str]:
    return sorted({m.group(0) for pattern in patterns for m in pattern.finditer(text)})


def text_of(response) -> str | None:
    kind = response.mimetype
    if kind == "text/html":
        return visible_text(response.get_data(as_text=True))
    if kind == "text/csv":
        return response.get_data(as_text=True)
    if kind == "application/pdf" and shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.get_data(), capture_output=True, check=True)
        return done.stdout.decode()
    return None


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    fixed = clock.FixedClock(NOW)
    app = create_app({
        "INSTANCE_PATH": tmp_path_factory.mktemp("formats") / "instance", "TESTING": True, "SECRET_KEY": "test",
        "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False, "LOGIN_THROTTLE_ENABLED": False,
        "RETENTION_AUTO_RUN": False, "CLOCK": fixed,
        "PDF_SEPARATE_PROCESS": False,  # the same text as from a process of its own, without one per PDF
    })
    store = app.extensions["store"]
    with clock.using(fixed):
        demo.fill(store)
    view = store.read()
    values = {name: min((d.doc_id for d in view.table(table).all()), default=1) for name, table in RECORD_TABLES.items()}
    # The case with the longest timeline shows the most dates.
    events = view.table("case_events").all()
    values["case_id"] = max({e["case_id"] for e in events}, key=lambda c: sum(1 for e in events if e["case_id"] == c))
    return app, values


def login(client, email: str, password: str) -> None:
    response = client.post("/beheer/inloggen", data={"email": email, "password": password})
    assert response.status_code == 302, f"login as {email} failed"


def check_pages(app, client, values, endpoints) -> tuple[int, list[str]]:
    checked, problems = 0, []
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint in NOT_FOR_READING or not endpoints(rule.endpoint):
            continue
        url = url_of(rule, values)
        response = client.get(url)
        text = text_of(response) if response.status_code == 200 else None
        if text is None:
            continue
        checked += 1
        # A PDF's or CSV's text cannot tell typed prose ("na 22.00 uur") from ours; their numbers
        # come from the same filters as the pages checked here, so they are checked for dates.
        patterns = (ISO_DATE, MONTH_DATE) if response.mimetype != "text/html" else (ISO_DATE, MONTH_DATE, POINT_DECIMAL)
        if wrong := wrong_formats(text, patterns):
            problems.append(f"{url} ({rule.endpoint}): {', '.join(wrong[:6])}")
        if response.mimetype == "text/html" and (wrapping := dates_that_may_wrap(response.get_data(as_text=True))):
            problems.append(f"{url} ({rule.endpoint}): a table cell's date may break over two lines: {wrapping}")
    return checked, problems


def test_every_admin_page_pdf_and_export_shows_the_one_date_format(system):
    app, values = system
    client = app.test_client()
    login(client, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    checked, problems = check_pages(app, client, values, lambda endpoint: not endpoint.startswith(("portal.", "public")))
    assert checked > 60, f"only {checked} pages rendered: the crawl lost its way"
    assert not problems, "\n".join(problems)


def test_every_portal_page_shows_the_one_date_format(system):
    app, values = system
    client = app.test_client()
    login(client, DEMO_VOLUNTEER_EMAIL, demo.DEMO_PASSWORD)
    view = app.extensions["store"].read()
    account = next(u for u in view.table("users").all() if u.get("email") == DEMO_VOLUNTEER_EMAIL)
    own = [c.doc_id for c in view.table("cases").all() if account["volunteer_id"] in (c.get("duo") or [])]
    checked, problems = check_pages(app, client, {**values, "case_id": own[0] if own else 1},
                                    lambda endpoint: endpoint.startswith("portal.") or endpoint in VOLUNTEER)
    assert checked >= 4, f"only {checked} portal pages rendered"
    assert not problems, "\n".join(problems)


def test_the_inbox_and_the_case_show_one_moment_at_the_same_amsterdam_time(system):
    app, _ = system
    client = app.test_client()
    login(client, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    store = app.extensions["store"]
    from buurtbemiddeling.reports import intake

    with clock.using(NOW):
        with store.transaction() as tx:
            report_id = tx.table(intake.TABLE).insert({
                **intake.new_record("report", {"name": "Tijd Test", "description": "Lawaai"}, source="web"),
                "received_at": "2026-12-06T09:16:00+00:00"})  # a report stored in UTC before the one clock
    inbox = visible_text(client.get("/beheer/meldingen/").get_data(as_text=True))
    assert "06-12-2026 10:16" in inbox and "09:16" not in inbox
    response = client.post(f"/beheer/meldingen/{report_id}/zaak", data={"wijk": ""})
    assert response.status_code in (302, 303)
    case_page = visible_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "06-12-2026 10:16" in case_page


def test_the_subject_export_and_the_chosen_person_show_the_one_date_format(system):
    """POSTed (a person is chosen, never named in a URL), so not in the crawl above: the export of
    the party of the longest timeline, a volunteer, an application and a report, as JSON and PDF."""
    import json

    app, values = system
    client = app.test_client()
    login(client, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    keys = {"sleutel": [f"case:{values['case_id']}:0", f"volunteer:{values['volunteer_id']}",
                        f"application:{values['application_id']}", f"report:{values['report_id']}"]}
    person = client.post("/beheer/privacy/personen/gekozen", data=keys)
    data = client.post("/beheer/privacy/personen/export.json", data=keys).get_json()
    pdf = client.post("/beheer/privacy/personen/export.pdf", data=keys)
    assert {"Zaken", "Als vrijwilliger", "Aanmeldingen als vrijwilliger", "Meldingen"} <= set(data)
    for text in (text_of(person), json.dumps(data, ensure_ascii=False), text_of(pdf)):
        assert wrong_formats(text, (ISO_DATE, MONTH_DATE)) == []
