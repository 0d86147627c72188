"""The newcomer's path in real Chromium: report a conflict, create the coordinator, find the report."""
import pytest

from buurtbemiddeling.auth import setup_code


def fill_report(page, name: str) -> None:
    page.get_by_label("Naam", exact=True).fill(name)
    page.get_by_label("E-mailadres").fill("bram@voorbeeld.nl")
    page.get_by_label("Straat en huisnummer", exact=True).fill("Merelstraat 8")
    page.get_by_label("Postcode", exact=True).fill("7413 kl")
    page.get_by_label("Woonplaats").fill("Lindenhoven")
    page.get_by_role("group", name="Hoe wilt u dat wij contact met u opnemen?").get_by_label("E-mail").check()
    page.get_by_label("Straat en huisnummer van uw buren").fill("Merelstraat 10")
    page.get_by_role("group", name="Waar gaat het probleem vooral over?").get_by_label("Huisdieren").check()
    page.get_by_label("Wat is er gebeurd?").fill("De hond blaft de hele dag.")
    page.get_by_role("group", name="Is er sprake van geweld of bedreiging?").get_by_label("Nee").check()
    page.get_by_label("Ik ga akkoord met de privacyverklaring").check()


def create_coordinator_and_open_inbox(page, server) -> None:
    page.goto(f"{server.url}/beheer/")
    # As the installer does: the one-time code from <instance>/setup-code (or flask doctor).
    page.get_by_label("Eenmalige code").fill(setup_code.ensure(server.app.instance_path))
    page.get_by_label("Uw naam").fill("Carla")
    page.get_by_label("E-mailadres").fill("carla@lindenhoven.example")
    page.get_by_label("Wachtwoord", exact=True).fill("een lang wachtwoord")
    page.get_by_label("Herhaal het wachtwoord").fill("een lang wachtwoord")
    page.get_by_role("button", name="Account maken").click()
    page.get_by_role("heading", name="Vandaag", exact=True).wait_for()
    page.get_by_role("link", name="Meldingen", exact=True).click()


@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_a_resident_reports_and_the_new_coordinator_finds_the_report(browser, live_server, with_js):
    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Melding doen").first.click()
    page.wait_for_url("**/melding-doen/")

    fill_report(page, "Bram Visser")
    page.get_by_label("Postcode", exact=True).fill("74")  # a mistake first
    page.get_by_role("button", name="Melding versturen").click()
    page.get_by_role("heading", name="Er is een probleem").wait_for()
    assert page.get_by_label("Wat is er gebeurd?").input_value() == "De hond blaft de hele dag."
    page.get_by_label("Postcode", exact=True).fill("7413 KL")
    page.get_by_role("button", name="Melding versturen").click()
    page.get_by_text("Bedankt").first.wait_for()

    create_coordinator_and_open_inbox(page, live_server)
    page.get_by_role("link", name="Bram Visser").click()
    page.get_by_role("heading", name="Melding van Bram Visser").wait_for()
    assert page.get_by_text("Merelstraat 10").is_visible()
    context.close()
