"""The coordinator's day in Chromium: from a phone call to an appointment in the volunteer's
own calendar feed (read with vobject, not with the icalendar library that writes it); and
every admin and portal page measured at 375 px (nothing wider than the screen) and checked
with axe-core."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import vobject
from playwright.sync_api import Error as PlaywrightError

from common import clock
from buurtbemiddeling import demo
from buurtbemiddeling.cases import repo as case_repo
from tests import portal_data

from .conftest import LIVE_CONFIG, axe_violations, serve, sideways, sign_in

# Downloads are no pages to measure; a PDF (…/pdf?jaar=2026) costs the crawl a WeasyPrint run each.
SKIP = re.compile(r"\.(pdf|csv|ics|xlsx|json|png|jpg)(\?|$)|/pdf(\?|$)|/document/|/uitloggen|/assets/|/export")


def test_a_phone_call_becomes_an_appointment_in_the_volunteers_calendar(page, browser, live_server):
    store = live_server.app.extensions["store"]
    programme = portal_data.build(store)  # Anna and Bert are active volunteers with portal accounts
    base = live_server.url
    sign_in(page.context, live_server, portal_data.COORDINATOR, portal_data.PASSWORD)  # the login is tests/test_auth.py's subject

    # The call: the coordinator types the resident's report while on the phone.
    page.goto(f"{base}/beheer/meldingen/telefonisch")
    page.get_by_label("Naam van de melder").fill("Fatima Amrani")
    page.get_by_label("Telefoonnummer van de melder").fill("06 12345678")
    page.get_by_label("Straat en huisnummer van de melder").fill("Beukenlaan 4")
    page.get_by_label("Postcode van de melder").fill("7412 AB")
    page.get_by_label("Woonplaats").fill("Lindenhoven")
    page.get_by_role("group", name="Hoe wil de melder benaderd worden?").get_by_label("Telefoon").check()
    page.get_by_role("group", name="Wanneer is de melder het best te bellen?").get_by_label("Avond").check()
    page.get_by_label("Straat en huisnummer van de buren").fill("Beukenlaan 6")
    page.get_by_role("group", name="Waar gaat het probleem vooral over?").get_by_label("Geluidsoverlast").check()
    page.get_by_label("Wat is er gebeurd, volgens de melder?").fill("De buurman boort elke avond tot laat.")
    page.get_by_role("group", name="Noemt de melder geweld of bedreiging?").get_by_label("Nee").check()
    page.get_by_label("De melder geeft (mondeling) toestemming", exact=False).check()
    page.get_by_role("button", name="Melding opslaan").click()
    page.get_by_text("De telefonische melding is opgeslagen.").wait_for()

    # Found again by phone number, the way she will be found when she calls back.
    page.get_by_role("button", name="Zaak aanmaken en intake starten").click()
    page.wait_for_url(re.compile(r"/beheer/zaken/\d+"))
    case_id = int(re.search(r"/beheer/zaken/(\d+)", page.url).group(1))
    number = store.read().table("cases").get(doc_id=case_id)["number"]
    page.goto(f"{base}/beheer/zaken/")
    page.get_by_role("searchbox", name="Zoeken").fill("+31 6 1234 5678")
    page.get_by_role("button", name="Zoeken").click()
    page.locator("#case-results").get_by_role("link", name=number).wait_for()
    assert page.locator("#case-results").get_by_text("Fatima Amrani").is_visible()

    # Intake, duo, then the talk with party A planned for Anna.
    with store.transaction() as tx:
        tx.table("cases").update({"intake": {"decision": "geschikt", "checklist": [], "reason": "", "advice": ""},
                                  "duo": [programme.anna, programme.bert]}, doc_ids=[case_id])
    page.goto(f"{base}/beheer/zaken/{case_id}")
    page.get_by_role("button", name="Bemiddelaars koppelen").click()
    page.get_by_text("De zaak staat nu in ‘Bemiddelaars gekoppeld’.").wait_for()
    day = clock.today() + dt.timedelta(days=1)
    form = page.locator("#appointment-form")
    form.get_by_label("Gesprek", exact=True).select_option("gesprek-a")
    form.get_by_label("Datum").fill(day.isoformat())
    form.get_by_label("Begintijd").fill("19:30")
    form.get_by_label("Waar", exact=True).fill("Bij partij A thuis")
    form.get_by_label("Bert Bakker").uncheck()
    form.get_by_role("button", name="Afspraak plannen").click()
    page.get_by_text("De afspraak is gepland").wait_for()
    page.goto(f"{base}/beheer/")
    assert page.get_by_role("link", name=f"Morgen 19:30 · Gesprek partij A · zaak {number}").is_visible()

    # Anna makes her calendar address in the portal; her calendar app reads it without login.
    volunteer = browser.new_context(locale="nl-NL").new_page()
    sign_in(volunteer.context, live_server, portal_data.ANNA, portal_data.PASSWORD)
    volunteer.goto(f"{base}/portaal/")  # where the login takes a volunteer (auth.guard.home_url)
    volunteer.get_by_role("button", name="Agenda-adres maken").click()
    feed = volunteer.get_by_label("Uw agenda-adres").input_value()
    assert volunteer.get_by_text(f"Gesprek partij A · zaak {number}").is_visible()
    assert axe_violations(volunteer) == []
    volunteer.context.close()
    with urllib.request.urlopen(feed) as response:
        body = response.read().decode()
    events = vobject.readOne(body).vevent_list
    mine = [e for e in events if e.summary.value == f"Gesprek partij A · zaak {number}"]
    assert len(mine) == 1 and mine[0].location.value == "Bij partij A thuis"
    assert mine[0].dtstart.value.astimezone(dt.timezone.utc) == dt.datetime.combine(
        day, dt.time(19, 30), tzinfo=clock.TZ).astimezone(dt.timezone.utc)
    assert "Amrani" not in body and "Fatima" not in body and "Beukenlaan" not in body


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def crawl_and_measure(app, page, base: str, starts: tuple[str, ...], inside):
    """One address per page (endpoint) reachable by links from `starts` through pages for which
    `inside(url)` holds, as the browser's logged-in user sees them, each measured (wider than the
    screen?) and checked by axe as it is reached. The links come from the server's own answer
    (before any script), as a crawl with a plain HTTP client would find them; a redirect, an error
    or a download is no page. Crawling in the browser renders each page once: a separate client's
    crawl first rendered all of them a second time (~2.5 s of CPU at demo size). Returns
    ({endpoint: address}, wide pages, {page: axe rule ids}, {linked address outside: from page})."""
    adapter = app.url_map.bind("localhost")
    seen_endpoints: dict[str, str] = {}
    wide, problems, outside = [], {}, {}
    queue, visited = list(starts), set()
    while queue and len(visited) < 400:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        path = urlsplit(url).path
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except Exception:
            continue
        if endpoint in seen_endpoints:
            continue
        try:
            response = page.goto(base + url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue
            raise
        if (response.status != 200 or response.request.redirected_from is not None
                or "text/html" not in response.headers.get("content-type", "")):
            continue
        seen_endpoints[endpoint] = url
        _check(page, url, wide, problems)
        parser = _Links()
        parser.feed(response.text())
        for href in parser.hrefs:
            target = urljoin(url, href.split("#")[0])
            if SKIP.search(target):
                continue
            if inside(target):
                queue.append(target)
            else:
                outside.setdefault(target, url)
    return seen_endpoints, wide, problems, outside


def _check(page, url: str, wide: list, problems: dict) -> None:
    """The page on screen: noted in `wide` if it scrolls sideways, in `problems` with axe's findings."""
    if sideways(page):
        wide.append(url)
    found = [v["id"] for v in axe_violations(page)]
    if found:
        problems[url] = found


def _measure(page, base, urls):
    wide, problems = [], {}
    for url in urls:
        page.goto(base + url)
        _check(page, url, wide, problems)
    return wide, problems


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory, public_dir):
    """An instance folder filled with the demo once per module (0.5 s of CPU per fill); each test
    gets its own copy."""
    folder = tmp_path_factory.mktemp("demo") / "instance"
    server = serve(folder, public_dir, **LIVE_CONFIG)
    demo.fill(server.app.extensions["store"])
    server.shutdown()
    return folder


def _served_copy(demo_instance, folder, public_dir):
    """A live server on a copy of the demo instance in `folder` (a fixture's body: yields it)."""
    shutil.copytree(demo_instance, folder)
    server = serve(folder, public_dir, **LIVE_CONFIG)
    yield server
    server.shutdown()


@pytest.fixture
def demo_system(demo_instance, tmp_path, public_dir):
    yield from _served_copy(demo_instance, tmp_path / "instance", public_dir)


@pytest.fixture(scope="module")
def crawled_demo(demo_instance, tmp_path_factory, public_dir):
    """One copy of the demo for every part of the admin crawl: the parts only read (opening a case
    adds an audit entry, which only changes the log's rows)."""
    yield from _served_copy(demo_instance, tmp_path_factory.mktemp("crawled") / "instance", public_dir)


@pytest.fixture(scope="module")
def coordinator_phone(browser, crawled_demo):
    """One phone-sized tab signed in as the demo's coordinator for every part of the admin crawl
    that runs in this process: a context per part cost a cold renderer and axe loaded again."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True)
    sign_in(context, crawled_demo, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    yield context.new_page()
    context.close()


# The admin crawl in parts, so that xdist runs them side by side (as one test it took a minute,
# the suite's longest). An address belongs to the part with the longest prefix it starts with;
# a part starts at its prefixes and follows links only to its own addresses, so every page is
# loaded and checked once, as in one crawl. Each part lists the pages (endpoints) it must find,
# and a link from a part's page to another part's address must lead to a page that part lists:
# together the parts find every page one crawl from Vandaag finds (75 at demo size; the parts
# find one more, Koppelen, linked from a case the one crawl did not open). A new page linked
# from another part makes that part fail until it is listed here.
ADMIN_PARTS = {
    "vrijwilligers": (("/beheer/vrijwilligers/",), {
        "volunteers.index", "volunteers.pool_overview", "volunteers.volunteer", "volunteers.volunteer_edit",
        "volunteers.volunteer_new", "volunteers.import_form", "volunteers.import_columns", "volunteers.expenses_list"}),
    "activiteiten-coaching-kwaliteit": (
        ("/beheer/vrijwilligers/activiteiten", "/beheer/vrijwilligers/trainingen", "/beheer/vrijwilligers/aanmeldingen",
         "/beheer/coaching/", "/beheer/kwaliteit/"), {
            "volunteers.events_list", "volunteers.event", "volunteers.event_edit", "volunteers.event_new",
            "volunteers.trainings", "volunteers.training_edit", "volunteers.applications", "volunteers.application",
            "volunteers.application_new", "volunteers.interview", "coaching.index", "quality.index",
            "quality.signal_list", "quality.volunteer"}),
    "zaken-meldingen-privacy": (("/beheer/zaken/", "/beheer/meldingen/", "/beheer/privacy/"), {
        "cases.index", "cases.detail", "cases.edit", "cases.import_form", "cases.import_columns", "matching.match", "reports.inbox",
        "reports.detail", "case_intake.phone_report", "privacy.audit_log", "privacy.retention_preview",
        "privacy.people"}),
    "budget-rapportages-netwerk": (("/beheer/budget/", "/beheer/rapportages/", "/beheer/netwerk/"), {
        "budget.index", "budget.set_budget", "budget.year_overview", "budget.claims", "budget.edit_expense",
        "budget.new_expense", "reporting.index", "reporting.partner_feedback", "reporting.edit_narrative",
        "network.index", "network.partner", "network.edit_partner", "network.new_agreement",
        "network.edit_agreement", "network.new_partner"}),
    "planning-publiciteit-protocollen": (("/beheer/planning/", "/beheer/publiciteit/", "/beheer/protocollen/"), {
        "planning.index", "planning.project", "planning.edit_project", "planning.new_project",
        "development.index", "development.entry", "development.edit_entry", "development.summary",
        "development.new_entry", "publicity.index", "publicity.edit", "publicity.new", "protocols.index",
        "protocols.detail", "protocols.read", "protocols.new_version", "protocols.show_version", "protocols.new"}),
    "vandaag-instellingen-accounts": (("/beheer/", "/beheer/instellingen/", "/beheer/accounts/", "/beheer/mijn-account/"), {
        "admin.today", "settings.index", "messages.mail_settings", "settings.edit_list", "message_texts.index",
        "message_texts.edit", "accounts.index", "accounts.new", "account.me"}),
}


def admin_part(url: str) -> str | None:
    """The part of ADMIN_PARTS an admin address belongs to (None outside the admin)."""
    owners = [(len(prefix), name) for name, (prefixes, _) in ADMIN_PARTS.items() for prefix in prefixes
              if url.startswith(prefix)]
    return max(owners)[1] if owners else None


@pytest.mark.timeout(600)
@pytest.mark.parametrize("part", ADMIN_PARTS)
def test_no_admin_page_is_wider_than_a_phone_and_axe_finds_nothing(coordinator_phone, crawled_demo, part):
    prefixes, pages = ADMIN_PARTS[part]
    found, wide, problems, outside = crawl_and_measure(crawled_demo.app, coordinator_phone, crawled_demo.url, prefixes,
                                                       lambda url: admin_part(url) == part)
    assert pages <= set(found), f"pages not found: {sorted(pages - set(found))}"
    adapter = crawled_demo.app.url_map.bind("localhost")
    for url, linked_from in outside.items():
        if admin_part(url) is not None:
            endpoint, _ = adapter.match(urlsplit(url).path, method="GET")
            assert endpoint in ADMIN_PARTS[admin_part(url)][1], f"{url} (linked from {linked_from}) is in no part's list"
    assert wide == [] and problems == {}


def test_the_admin_crawls_parts_share_no_page():
    """Each page is checked by one part only: no page is loaded twice."""
    pages = [page for _, part_pages in ADMIN_PARTS.values() for page in part_pages]
    assert len(pages) == len(set(pages)) == 76


@pytest.mark.timeout(600)
def test_no_portal_page_is_wider_than_a_phone_and_axe_finds_nothing(phone_page, demo_system):
    from buurtbemiddeling.demo.protocols import DEMO_VOLUNTEER_EMAIL
    sign_in(phone_page.context, demo_system, DEMO_VOLUNTEER_EMAIL, demo.DEMO_PASSWORD)
    found, wide, problems, _ = crawl_and_measure(demo_system.app, phone_page, demo_system.url, ("/portaal/",),
                                                 lambda url: url.startswith(("/portaal/", "/beheer/account")))
    assert any(u.startswith("/portaal/zaken/") for u in found.values())
    assert wide == [] and problems == {}


def test_logged_out_pages_use_the_whole_width(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/beheer/eerste-keer")
    width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert width > 1000
    assert page.get_by_text("Log in om deze pagina te zien.").count() == 0


def _day18_states(store) -> dict[str, list[str]]:
    """The states the crawl above never reaches (it opens one page per endpoint, on the demo as it
    is): an archived partner, a corrected contact, an answered invitation, a protocol to confirm
    again with what changed. Made through the areas' own rules; returns the pages per role."""
    from buurtbemiddeling.demo.protocols import COORDINATOR, DEMO_VOLUNTEER_EMAIL
    from buurtbemiddeling.network import partners
    from buurtbemiddeling.protocols import documents
    from buurtbemiddeling.volunteers import events

    view = store.read()
    volunteer = next(u for u in view.table("users").all() if u["email"] == DEMO_VOLUNTEER_EMAIL)
    invitation = next(e for e in events.upcoming(view.table(events.EVENTS).all(), clock.today())
                      if volunteer["volunteer_id"] in e.get("invitees", []))
    entry = view.table(partners.LOG).all()[0]
    partner = view.table(partners.PARTNERS).all()[-1]
    with store.transaction() as tx:
        tx.table(partners.PARTNERS).update(partners.archive(partner, by="Carla", at=clock.stamp()), doc_ids=[partner.doc_id])
        tx.table(partners.LOG).update(partners.correct_log_entry(entry, {**entry, "summary": "Gecorrigeerd verslag"},
                                                                 by="Carla", at=clock.stamp()), doc_ids=[entry.doc_id])
        tx.table(events.EVENTS).update({"answers": {str(volunteer["volunteer_id"]): {
            "answer": "komt-niet", "reason": "Die avond werk ik", "at": clock.stamp()}}}, doc_ids=[invitation.doc_id])
    working = documents.all_protocols(view)[-1].doc_id
    documents.acknowledge(store, working, str(volunteer.doc_id))
    documents.publish(store, working, documents.latest(store.read(), working)["number"], COORDINATOR)
    expense = view.table("budget_expenses").all()[-1].doc_id
    return {"coordinator": ["/beheer/netwerk/?archief=1", f"/beheer/netwerk/{partner.doc_id}",
                            f"/beheer/netwerk/{entry['partner_id']}", f"/beheer/budget/uitgaven/{expense}/wijzigen",
                            f"/beheer/vrijwilligers/activiteiten/{invitation.doc_id}", "/beheer/protocollen/nieuw"],
            "volunteer": ["/portaal/", "/portaal/activiteiten", "/portaal/declaraties", f"/beheer/protocollen/{working}/lezen"]}


@pytest.mark.timeout(600)
def test_the_new_states_of_the_coordinators_day_fit_a_phone_and_axe_finds_nothing(phone_page, browser, demo_system):
    from buurtbemiddeling.demo.protocols import DEMO_VOLUNTEER_EMAIL
    pages = _day18_states(demo_system.app.extensions["store"])
    sign_in(phone_page.context, demo_system, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    coordinator = pages["coordinator"]  # the archived partner and the corrected contact read as they are measured
    assert _measure(phone_page, demo_system.url, coordinator[:2]) == ([], {})
    assert phone_page.get_by_text("Gearchiveerd op", exact=False).is_visible()
    assert _measure(phone_page, demo_system.url, coordinator[2:3]) == ([], {})
    assert phone_page.get_by_text("Eerder stond er:", exact=False).first.is_visible()
    assert _measure(phone_page, demo_system.url, coordinator[3:]) == ([], {})
    volunteer = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    sign_in(volunteer.context, demo_system, DEMO_VOLUNTEER_EMAIL, demo.DEMO_PASSWORD)
    assert _measure(volunteer, demo_system.url, pages["volunteer"]) == ([], {})
    assert volunteer.get_by_role("heading", name=re.compile("Wat is er veranderd sinds versie")).is_visible()
    volunteer.context.close()
