"""In real Chromium: a police referral becomes a case with the pre-selected network partner, the
case page links to the partner, and the coordinator moves the link on the case's details."""
from buurtbemiddeling.auth import users
from buurtbemiddeling.reports import intake as report_intake
from forms import FORMS
from tests.test_public_forms import VALID_REFERRAL as REFERRAL

from .conftest import axe_violations, shot, sign_in

PASSWORD = "een lang wachtwoord"


def test_a_referral_becomes_a_case_linked_to_the_partner_the_coordinator_confirmed(browser, live_server):
    store = live_server.app.extensions["store"]
    users.create_user(store, "carla@lindenhoven.example", PASSWORD, "coordinator", "Carla")
    with store.transaction() as tx:
        oost = tx.table("partners").insert({"name": "Politie basisteam Oost", "type": "politie"})
        lindenhoven = tx.table("partners").insert({"name": "Politie Lindenhoven", "type": "politie"})
    result = FORMS["referral"].validate(REFERRAL)
    report_id = report_intake.store_submission(store, "referral", result.cleaned)

    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    # Signed in without the login form (tests/browser/test_budget_flow.py fills it in): the referral is the subject.
    sign_in(context, live_server, "carla@lindenhoven.example", PASSWORD)
    page = context.new_page()

    page.goto(f"{live_server.url}/beheer/meldingen/{report_id}")
    partner = page.get_by_label("Partner in het netwerk")
    assert partner.input_value() == str(lindenhoven)  # pre-selected from the organisation typed
    shot(page, "report")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Zaak aanmaken en intake starten").click()
    page.wait_for_load_state()
    link = page.locator("#gegevens").get_by_role("link", name="Politie Lindenhoven", exact=True)
    assert link.get_attribute("href") == f"/beheer/netwerk/{lindenhoven}"
    shot(page, "case")

    page.get_by_role("link", name="Gegevens wijzigen").click()
    page.get_by_label("Partner in het netwerk").select_option(str(oost))
    shot(page, "details")
    page.get_by_role("button", name="Gegevens bewaren").click()
    page.wait_for_load_state()
    assert page.locator("#gegevens").get_by_role("link", name="Politie basisteam Oost").is_visible()
    assert page.get_by_text("Gegevens bijgewerkt; gekoppeld aan netwerkpartner Politie basisteam Oost").is_visible()
    assert axe_violations(page) == []
    context.close()
