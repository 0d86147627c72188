"""The coordinator's daily lists on a phone: each row of the case list and the volunteer list
reads as a card and nothing scrolls sideways; on a desktop the tables stay tables."""
import random

import pytest

from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import workflow
from buurtbemiddeling.demo import cases as case_demo, volunteers as volunteer_demo

from .conftest import axe_violations, serve, sign_in

PASSWORD = "een lang wachtwoord"
EMAIL = "carla@lindenhoven.example"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, public_dir):
    """One server for the module: these checks only read (opening a case adds an audit entry,
    which no page here shows)."""
    server = serve(tmp_path_factory.mktemp("phone-lists") / "instance", public_dir, RETENTION_AUTO_RUN=False)
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def programme(live_server):
    """A coordinator with a long name (the top bar must still fit), volunteers and a page of cases."""
    store = live_server.app.extensions["store"]
    users.create_user(store, EMAIL, PASSWORD, "coordinator", "Carla de Coördinator")
    volunteer_demo.add(store, random.Random(1))
    case_demo.add(store, random.Random(2), count=8)  # at least one case in every step
    return store.read().table("cases").all()


@pytest.fixture(scope="module")
def log_in(live_server, programme):
    """Signs a test's own context in as the coordinator, without the login form (its subject is
    tests/browser/test_budget_flow.py's, with and without JavaScript)."""
    return lambda page: sign_in(page.context, live_server, EMAIL, PASSWORD)


def page_width(page) -> tuple[int, int]:
    """The page's scroll width and the viewport: a mobile browser widens its viewport to fit an
    overflowing page, so both must be checked against the phone's width."""
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


def case_card(page, number: str):
    return page.locator("table.cases-table tbody tr", has=page.get_by_role("link", name=number, exact=True))


def test_on_a_phone_each_case_is_a_card_with_its_number_and_step_and_nothing_scrolls_sideways(phone_page, live_server,
                                                                                               programme, log_in):
    page = phone_page
    log_in(page)
    page.goto(live_server.url + "/beheer/zaken/")

    assert page_width(page) == (375, 375)
    assert len(programme) >= 8
    for case in programme:
        card = case_card(page, case["number"])
        assert card.get_by_role("link", name=case["number"], exact=True).is_visible()
        step = card.locator("td[data-label=Stap]")
        assert step.is_visible() and step.inner_text().startswith(workflow.label(case["step"]))
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    # The columns' names moved into the cards; the sortable ones stay as a sort bar.
    assert not page.get_by_role("columnheader", name="Partijen").is_visible()
    assert page.get_by_role("link", name="Laatste activiteit").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Nummer", exact=True).click()
    page.wait_for_url("**sort=nummer**")
    first = min(case["number"] for case in programme)
    assert page.locator("table.cases-table tbody tr").first.get_by_role("link").inner_text() == first

    page.get_by_role("link", name=first, exact=True).click()
    page.locator("h1", has_text=f"Zaak {first}").wait_for()


def test_on_a_phone_the_volunteer_list_is_cards_without_accessibility_violations(phone_page, live_server, programme, log_in):
    page = phone_page
    log_in(page)
    page.goto(live_server.url + "/beheer/vrijwilligers/")
    assert page_width(page) == (375, 375)
    assert not page.get_by_role("columnheader", name="Talen").is_visible()
    first = page.locator("#pool ~ .table-wrap tbody tr").first
    assert first.locator("td[data-label=Stap]").is_visible()
    assert axe_violations(page) == []


@pytest.fixture(scope="module", params=[320, 375])
def small_phone(request, browser, live_server, log_in):
    """A signed-in tab of a phone `request.param` px wide, one per width for the module: the
    pages below are only loaded and measured."""
    context = browser.new_context(locale="nl-NL", viewport={"width": request.param, "height": 640}, is_mobile=True)
    page = context.new_page()
    log_in(page)
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/beheer/", "/beheer/zaken/", "/beheer/vrijwilligers/"])
def test_the_daily_pages_fit_a_small_phone(small_phone, live_server, path):
    width = small_phone.viewport_size["width"]
    small_phone.goto(live_server.url + path)
    assert page_width(small_phone) == (width, width)


def test_on_a_desktop_the_case_and_volunteer_lists_stay_tables_with_header_cells(page, live_server, programme, log_in):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page)
    page.goto(live_server.url + "/beheer/zaken/")
    for name in ("Nummer", "Partijen", "Wijk", "Soort", "Stap en volgende actie", "Bemiddelaars", "Aangemeld",
                 "Laatste activiteit"):
        assert page.get_by_role("columnheader", name=name).is_visible(), name
    # The whole case table fits a laptop screen: no column hidden behind a sideways scroll.
    assert page.locator(".table-wrap.table-cards").first.evaluate("w => w.scrollWidth <= w.clientWidth")
    row = page.locator("table.cases-table tbody tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    assert page.locator("table.cases-table td[data-label=Stap]").first.evaluate(
        "td => getComputedStyle(td, '::before').content") == "none"  # no labels inside the cells

    page.goto(live_server.url + "/beheer/vrijwilligers/")
    for name in ("Naam", "Talen", "Basistraining", "Wacht"):
        assert page.get_by_role("columnheader", name=name).first.is_visible(), name
