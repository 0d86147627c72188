"""A volunteer logs in, lands on the portal, sees only their own case, logs a contact on it,
and cannot open another volunteer's case by typing its address."""
from common import clock
from tests import portal_data

from .conftest import axe_violations


def test_a_volunteer_sees_only_their_own_case_and_logs_a_contact(page, live_server):
    store = live_server.app.extensions["store"]
    programme = portal_data.build(store)
    own = store.read().table("cases").get(doc_id=programme.case_a)["number"]
    other = store.read().table("cases").get(doc_id=programme.case_b)["number"]

    page.goto(f"{live_server.url}/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(portal_data.ANNA)
    page.get_by_label("Wachtwoord").fill(portal_data.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Mijn zaken").wait_for()
    assert page.url == f"{live_server.url}/portaal/"
    assert page.get_by_role("link", name=f"Zaak {own}").is_visible()
    assert page.get_by_role("link", name=f"Zaak {other}").count() == 0
    assert page.get_by_role("navigation", name="Onderdelen").count() == 0  # no admin menu
    assert axe_violations(page) == []

    page.get_by_role("link", name=f"Zaak {own}").click()
    page.get_by_role("heading", name=f"Overdracht zaak {own}").wait_for()
    assert page.get_by_text("Henk Huisman").first.is_visible()
    assert page.get_by_text("Greet Groen").count() == 0
    page.get_by_label("Datum").fill(clock.today().isoformat())
    page.get_by_label("Met wie").select_option("partij-a")
    page.get_by_label("Hoe").select_option("huisbezoek")
    page.get_by_label("Minuten").fill("45")
    page.get_by_label("Samenvatting").fill("Kennismaking bij Henk; hij wil graag praten.")
    page.get_by_role("button", name="Contact bewaren").click()
    page.get_by_text("Het contact staat op de zaak.").wait_for()
    assert page.get_by_role("cell", name="Kennismaking bij Henk; hij wil graag praten.").is_visible()
    assert axe_violations(page) == []

    response = page.goto(f"{live_server.url}/portaal/zaken/{programme.case_b}")
    assert response.status == 404
    assert page.get_by_text("Greet Groen").count() == 0
    response = page.goto(f"{live_server.url}/beheer/zaken/{programme.case_b}")
    assert response.status == 403
