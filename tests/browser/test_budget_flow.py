"""The coordinator's budget year in real Chromium: set the budget, book an expense with its receipt,
see the 90% warning, approve a volunteer's claim and find it counted, with and without JavaScript."""

import pytest

from common import clock
from buurtbemiddeling.auth import users

from tests.test_budget import _claims_of_wim_and_vera

from .conftest import axe_violations, next_page_on_a_phone, sign_in

PASSWORD = "een lang wachtwoord"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def prepare(live_server):
    store = live_server.app.extensions["store"]
    users.create_user(store, "carla@lindenhoven.example", PASSWORD, "coordinator", "Carla")
    with store.transaction() as tx:
        tx.table("volunteers").insert({"name": "Vera Visser"})


def log_in(page, live_server):
    prepare(live_server)
    page.goto(live_server.url + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill("carla@lindenhoven.example")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Vandaag", exact=True).wait_for()


@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_the_coordinator_books_the_year_and_an_approved_claim_counts(browser, live_server, with_js):
    year = clock.today().year
    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js)
    page = context.new_page()
    log_in(page, live_server)

    page.get_by_role("link", name="Budget", exact=True).click()
    page.get_by_role("heading", name=f"Budget {year}").wait_for()
    page.get_by_role("link", name="Vul de bedragen per post in").click()
    page.get_by_label("Training").fill("1.000")
    page.get_by_label("Onkostenvergoeding vrijwilligers").fill("100,00")
    page.get_by_role("button", name="Begroting opslaan").click()
    page.get_by_text(f"De begroting voor {year} is opgeslagen.").wait_for()

    page.get_by_role("link", name="Uitgave boeken").click()
    page.get_by_label("Begrotingspost").select_option("training")
    page.get_by_label("Bedrag in euro").fill("9,50,")  # a typing mistake first
    page.get_by_label("Omschrijving").fill("Trainer basistraining")
    page.get_by_role("button", name="Uitgave boeken").click()
    page.get_by_role("heading", name="Er is een probleem").wait_for()
    assert page.get_by_label("Omschrijving").input_value() == "Trainer basistraining"
    page.get_by_label("Bedrag in euro").fill("950")
    page.get_by_label("Bon of factuur").set_input_files({"name": "bon.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="Uitgave boeken").click()
    page.get_by_text("Training: 95% van het budget is besteed.").wait_for()
    assert page.get_by_role("link", name="Bon", exact=True).is_visible()

    page.get_by_role("link", name="Declaraties vrijwilligers").click()
    page.get_by_text("Declaratie invoeren").click()
    page.get_by_label("Vrijwilliger").select_option(label="Vera Visser")
    page.get_by_label("Bedrag").fill("12,50")
    page.get_by_label("Omschrijving").fill("Reiskosten intakegesprek")
    page.get_by_role("button", name="Invoeren").click()
    row = page.get_by_role("row", name="Vera Visser")
    row.get_by_text("Ingediend").wait_for()
    row.get_by_role("button", name="Goedkeuren").click()
    page.get_by_role("row", name="Vera Visser").get_by_text("Goedgekeurd").wait_for()

    page.get_by_role("link", name=f"Begroting {year}").click()
    page.get_by_text("waarvan declaraties € 12,50").wait_for()
    page.get_by_role("link", name=f"Jaaroverzicht {year}").click()
    page.get_by_role("heading", name=f"Jaaroverzicht budget {year}").wait_for()
    assert page.get_by_text("Begroot € 1.100,00, besteed € 962,50 (87%)").is_visible()
    context.close()


def test_the_budget_pages_have_no_accessibility_violations(page, live_server):
    prepare(live_server)
    sign_in(page.context, live_server, "carla@lindenhoven.example", PASSWORD)
    for path in ("/beheer/budget/", "/beheer/budget/declaraties", f"/beheer/budget/{clock.today().year}/jaaroverzicht",
                 "/beheer/budget/uitgaven/nieuw", "/beheer/netwerk/", "/beheer/planning/", "/beheer/planning/ontwikkeling/"):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path


def test_the_claims_list_pages_on_a_phone_with_its_filters_kept(phone_page, live_server):
    prepare(live_server)
    wim = _claims_of_wim_and_vera(live_server.app.extensions["store"])
    sign_in(phone_page.context, live_server, "carla@lindenhoven.example", PASSWORD)
    next_page_on_a_phone(phone_page, f"{live_server.url}/beheer/vrijwilligers/onkosten?status=goedgekeurd&vrijwilliger={wim}",
                         f"**/beheer/vrijwilligers/onkosten?pagina=2&status=goedgekeurd&vrijwilliger={wim}#declaraties",
                         "onkosten-pagina-2")
    assert phone_page.get_by_text("Pagina 2 van 3").is_visible()
    assert phone_page.get_by_role("cell", name="Reis 35").is_visible() and phone_page.get_by_text("Reis 36").count() == 0
    assert phone_page.get_by_label("Toon").input_value() == "goedgekeurd"
    assert phone_page.get_by_label("van", exact=True).input_value() == str(wim)
