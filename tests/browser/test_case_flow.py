"""One case in real Chromium: from a resident's web report through intake, the steps and
nazorg to closure; with htmx and without JavaScript."""
import re

import pytest

from buurtbemiddeling.auth import users
from buurtbemiddeling.reports import intake as report_intake
from forms import FORMS

from tests.matching_data import add_volunteers

from .conftest import axe_violations, sign_in

PASSWORD = "een lang wachtwoord"


FENNA = {"name": "Fenna Vos", "email": "fenna@voorbeeld.nl", "street": "Kievitweg 21", "postcode": "7413 GH",
         "place": "Lindenhoven", "b_name": "Gijs Mulder", "b_street": "Kievitweg 23",
         "description": "De buren boren elke avond tot laat.", "contact_way": "email",
         "conflict_type": "geluidsoverlast", "violence": "nee", "consent": "ja"}


def report_on_the_website(app) -> None:
    """A resident's web report, stored as the public form stores it: sending the form in Chromium
    is tests/browser/test_first_report.py's subject (with and without JavaScript); here it is
    where the coordinator's work starts."""
    result = FORMS["report"].validate(FENNA)
    assert result.errors == {}
    report_intake.store_submission(app.extensions["store"], "report", result.cleaned)


def prepare_programme(app) -> None:
    store = app.extensions["store"]
    users.create_user(store, "carla@lindenhoven.example", PASSWORD, "coordinator", "Carla")
    add_volunteers(store, "Vera Visser", "Wim Bos")  # trained: only then may they be on a case


def click_and_wait(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def expect_step(page, label: str) -> None:
    page.locator("h1 .status-step", has_text=label).wait_for()


@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_a_coordinator_takes_a_web_report_through_every_step_to_closure(browser, live_server, with_js):
    report_on_the_website(live_server.app)
    prepare_programme(live_server.app)
    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js)
    page = context.new_page()
    sign_in(context, live_server, "carla@lindenhoven.example", PASSWORD)  # the login is tests/test_auth.py's subject
    page.goto(live_server.url + "/beheer/")
    page.get_by_role("heading", name="Vandaag", exact=True).wait_for()

    # Reports in: the web report becomes a case in intake.
    page.get_by_role("link", name="Meldingen", exact=True).click()
    page.get_by_role("link", name="Fenna Vos").click()
    click_and_wait(page, "Zaak aanmaken en intake starten")
    expect_step(page, "Intake")
    number = re.search(r"Zaak (\d{4}-\d{4})", page.locator("h1").inner_text()).group(1)
    assert page.get_by_role("link", name="Intake afronden: geschikt of ongeschikt?").is_visible()  # the primary action

    # Intake: a call with partij A on the timeline (inline with htmx), then the decision.
    page.get_by_text("Contact vastleggen").click()
    page.locator("#contact-with").select_option("partij-a")
    page.locator("#contact-channel").select_option("telefoon")
    page.locator("#contact-minutes").fill("25")
    page.locator("#contact-summary").fill("Intakegesprek: boren tot 23 uur, al een briefje gestuurd.")
    url_before = page.url
    page.get_by_role("button", name="Contact toevoegen").click()
    page.locator(".case-timeline", has_text="boren tot 23 uur").wait_for()
    if with_js:
        assert page.url == url_before  # only the timeline was swapped in
    for box in page.locator("input[name=checklist]").all():
        box.check()
    page.locator("input[name=decision][value=geschikt]").check()
    click_and_wait(page, "Besluit vastleggen")
    page.get_by_text("Twee bemiddelaars kiezen").first.wait_for()

    # The duo, chosen by hand, then the steps.
    page.get_by_label("Bemiddelaar 1").select_option(label="Vera Visser")
    page.get_by_label("Bemiddelaar 2").select_option(label="Wim Bos")
    click_and_wait(page, "Duo bewaren")
    for button, label in (("Bemiddelaars koppelen", "Bemiddelaars gekoppeld"), ("Naar gesprek partij A", "Gesprek partij A"),
                          ("Naar gesprek partij B", "Gesprek partij B"), ("Naar bemiddelingsgesprek", "Bemiddelingsgesprek"),
                          ("Naar nazorg", "Nazorg")):
        click_and_wait(page, button)
        expect_step(page, label)
    assert page.get_by_text("Nazorg gepland op").is_visible()

    # Closing after nazorg; a missing nazorg result first, and nothing typed is lost.
    page.locator("input[name=outcome][value=opgelost]").check()
    page.get_by_label("Gemaakte afspraken").fill("Na 21 uur niet meer boren.")
    page.get_by_label("Nazorg: hoe gaat het bij partij A?").fill("Het is rustig.")
    click_and_wait(page, "Zaak afsluiten")
    page.get_by_text("Schrijf wat de nazorg bij partij B opleverde.").first.wait_for()
    assert page.get_by_label("Gemaakte afspraken").input_value() == "Na 21 uur niet meer boren."
    page.get_by_label("Nazorg: hoe gaat het bij partij B?").fill("Tevreden.")
    click_and_wait(page, "Zaak afsluiten")
    expect_step(page, "Afgesloten")
    timeline = page.locator(".case-timeline").inner_text()
    for step in ("Intake", "Bemiddelaars gekoppeld", "Gesprek partij A", "Gesprek partij B", "Bemiddelingsgesprek",
                 "Nazorg", "Afgesloten"):
        assert step in timeline, step
    assert page.get_by_text("Na 21 uur niet meer boren.").is_visible()

    # Find it again: filters live in the URL, with and without htmx.
    page.get_by_role("link", name="Zaken", exact=True).click()
    # The list loaded with its scripts: a choice made before htmx runs sends no request.
    page.wait_for_url(re.compile(r"/beheer/zaken/$"))
    page.locator("#filter-step").select_option("afgesloten")
    if not with_js:
        page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(re.compile(r"step=afgesloten"))
    page.get_by_role("link", name=number).wait_for()
    page.locator("#filter-step").select_option("intake")
    if not with_js:
        page.get_by_role("button", name="Zoeken").click()
    page.get_by_text("Geen zaken gevonden").wait_for()
    page.go_back()
    page.get_by_role("link", name=number).wait_for()
    context.close()


def test_the_case_pages_have_no_accessibility_violations(page, live_server):
    report_on_the_website(live_server.app)
    prepare_programme(live_server.app)
    sign_in(page.context, live_server, "carla@lindenhoven.example", PASSWORD)
    page.goto(live_server.url + "/beheer/meldingen/1")
    assert axe_violations(page) == []
    click_and_wait(page, "Zaak aanmaken en intake starten")
    assert axe_violations(page) == []
    page.locator("input[name=decision][value=geschikt]").check()
    click_and_wait(page, "Besluit vastleggen")  # with an error summary
    assert axe_violations(page) == []
    for path in ("/beheer/zaken/", "/beheer/zaken/1/gegevens", "/beheer/zaken/import", "/beheer/meldingen/telefonisch",
                 "/beheer/instellingen/", "/beheer/instellingen/lijst/conflict_types", "/beheer/"):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
