"""The coordinator's daily lists on a phone: each row of the case list and the volunteer list
reads as a card and nothing scrolls sideways; on a desktop the tables stay tables. A case's
progress bar keeps its step names whole at every width."""
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


@pytest.fixture(scope="module")
def tab(browser, log_in):
    """`tab(width)`: the module's signed-in tab of that width, a phone's below 1280 px, made when first
    asked for. The pages here are only loaded and looked at (clicking a sort link or a case changes
    nothing another test reads): a context per test cost a cold renderer, and axe sent to it again."""
    pages = {}

    def at(width: int):
        if width not in pages:
            context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900 if width >= 1280 else 740},
                                          is_mobile=width < 1280)
            pages[width] = context.new_page()
            log_in(pages[width])
        return pages[width]

    yield at
    for page in pages.values():
        page.context.close()


def page_width(page) -> tuple[int, int]:
    """The page's scroll width and the viewport: a mobile browser widens its viewport to fit an
    overflowing page, so both must be checked against the phone's width."""
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


# Each case's card as a phone shows it, gathered in one round trip (a locator call each was four per case):
# its rows (those with a link named by the number), whether that link and the step are visible (a box
# and not hidden, as Playwright's is_visible()), the step's text and the card's left and right edges.
CARDS = """numbers => numbers.map(number => {
  const visible = e => !!e && e.checkVisibility({visibilityProperty: true})
                       && e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0;
  const link = tr => [...tr.querySelectorAll('a')].find(a => a.textContent.trim() === number);
  const rows = [...document.querySelectorAll('table.cases-table tbody tr')].filter(link);
  const card = rows[0], step = card && card.querySelector('td[data-label=Stap]'), box = card && card.getBoundingClientRect();
  return {rows: rows.length, link: !!card && visible(link(card)), step: visible(step), step_text: step ? step.innerText : '',
          left: box ? box.left : null, right: box ? box.right : null};
})"""


def test_on_a_phone_each_case_is_a_card_with_its_number_and_step_and_nothing_scrolls_sideways(tab, live_server,
                                                                                               programme):
    page = tab(375)
    page.goto(live_server.url + "/beheer/zaken/")

    assert page_width(page) == (375, 375)
    assert len(programme) >= 8
    cards = page.evaluate(CARDS, [case["number"] for case in programme])
    for case, card in zip(programme, cards):
        assert card["rows"] == 1 and card["link"], case["number"]
        assert card["step"] and card["step_text"].startswith(workflow.label(case["step"])), case["number"]
        assert card["left"] >= 0 and card["right"] <= 375, case["number"]
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


def test_on_a_phone_the_volunteer_list_is_cards_without_accessibility_violations(tab, live_server, programme):
    page = tab(375)
    page.goto(live_server.url + "/beheer/vrijwilligers/")
    assert page_width(page) == (375, 375)
    assert not page.get_by_role("columnheader", name="Talen").is_visible()
    first = page.locator("#pool ~ .table-wrap tbody tr").first
    assert first.locator("td[data-label=Stap]").is_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/beheer/", "/beheer/zaken/", "/beheer/vrijwilligers/"])
@pytest.mark.parametrize("width", [320, 375])
def test_the_daily_pages_fit_a_small_phone(tab, live_server, width, path):
    page = tab(width)
    page.goto(live_server.url + path)
    assert page_width(page) == (width, width)


def test_on_a_desktop_the_case_and_volunteer_lists_stay_tables_with_header_cells(tab, live_server, programme):
    page = tab(1280)
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


# The words of a case's progress bar that the layout split over two lines: a word of one line has
# one box, a split one a box on each line.
SPLIT_WORDS = """() => [...document.querySelectorAll('.stepper li')].flatMap(li => [...li.childNodes]
  .filter(node => node.nodeType === Node.TEXT_NODE)
  .flatMap(node => [...node.textContent.matchAll(/\\S+/g)].map(word => {
    const range = document.createRange();
    range.setStart(node, word.index);
    range.setEnd(node, word.index + word[0].length);
    return {word: word[0], lines: new Set([...range.getClientRects()].map(box => Math.round(box.top))).size};
  }))
  .filter(word => word.lines > 1).map(word => word.word))"""


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_steps_of_a_case_keep_their_words_whole_and_fit_a_phone_and_a_laptop(tab, live_server, programme, width):
    page = tab(width)
    # Pendelbemiddeling, and Bemiddelingsgesprek with Bemiddelaars gekoppeld: the longest names.
    for step in ("pendel", "intake"):
        case = next(case for case in programme if case["step"] == step)
        page.goto(f"{live_server.url}/beheer/zaken/{case.doc_id}")
        names = page.locator(".stepper li").all_inner_texts()
        assert len(names) == len(workflow.MAIN_LINE) and ("Pendelbemiddeling" in names[5]) == (step == "pendel")
        assert page.evaluate(SPLIT_WORDS) == [], (step, names)
        assert page_width(page) == (width, width)
