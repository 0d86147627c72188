"""In Chromium, each page checked at 1280 and 375 px: the coordinator finds a case's lines in the
audit log by its number and by a party's name (the name POSTed, never in the address bar); picks
one of two people with the same name and downloads that one's export."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from tests import portal_data

from .conftest import BOTH_WIDTHS, at_both_widths, sign_in


@pytest.fixture
def programme(live_server):
    return portal_data.build(live_server.app.extensions["store"])


def admin_page(browser, live_server, width: int):
    """A new page of `width` px, logged in as the coordinator."""
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
    sign_in(context, live_server, portal_data.COORDINATOR, portal_data.PASSWORD)
    return context.new_page()


def search_person(page, live_server, text: str) -> None:
    page.goto(f"{live_server.url}/beheer/privacy/personen")
    page.get_by_label("Naam, e-mailadres of telefoonnummer").fill(text)
    page.get_by_role("button", name="Zoeken").click()


def test_the_audit_log_is_searched_by_case_number_and_by_name(browser, live_server, programme):
    page = admin_page(browser, live_server, BOTH_WIDTHS[0])
    store = live_server.app.extensions["store"]
    number = store.read().table("cases").get(doc_id=programme.case_a)["number"]
    page.goto(f"{live_server.url}/beheer/zaken/{programme.case_a}")
    page.goto(f"{live_server.url}/beheer/zaken/{programme.case_b}")

    page.goto(f"{live_server.url}/beheer/privacy/logboek")
    page.get_by_label("Zaak, persoon of dossier").fill(number)
    page.get_by_role("button", name="Filteren").click()
    table = page.get_by_role("table", name="Logboek, nieuwste eerst")
    table.wait_for()
    assert table.get_by_role("link", name=f"case:{programme.case_a}").count() >= 1
    assert table.get_by_role("link", name=f"case:{programme.case_b}").count() == 0

    page.get_by_label("Zaak, persoon of dossier").fill("Ilse IJzer")
    page.get_by_role("button", name="Filteren").click()
    page.get_by_text("De regels van:").wait_for()
    assert "IJzer" not in page.url and "Ijzer" not in page.url
    assert page.get_by_label("Zaak, persoon of dossier").input_value() == "Ilse IJzer"
    assert table.get_by_role("link", name=f"case:{programme.case_a}").count() >= 1
    assert table.get_by_role("link", name=f"case:{programme.case_b}").count() == 0
    at_both_widths(page, "logboek-gezocht")
    page.context.close()


def test_a_coordinator_picks_one_of_two_people_with_the_same_name_and_exports_them(browser, live_server, programme,
                                                                                      tmp_path):
    store = live_server.app.extensions["store"]
    portal_data._case(store, [portal_data._party("Mila Mol", "Dorpsstraat 5", "0699999999"),
                              portal_data._party("Henk Huisman", "Dorpsstraat 7", "0612121212")],
                      {"type": "zelfmelder", "organisation": "", "person": "", "phone": "", "email": ""}, [], "intake")
    page = admin_page(browser, live_server, BOTH_WIDTHS[0])
    search_person(page, live_server, "Henk Huisman")
    page.get_by_role("heading", name="Gevonden: 2 personen").wait_for()
    at_both_widths(page, "personen-gevonden")

    page.get_by_role("button", name="Kies deze persoon (Henk Huisman, Dorpsstraat 7").click()
    page.get_by_role("heading", name="Inzage en wissen: Henk Huisman").wait_for()
    boxes = page.get_by_role("checkbox", checked=True)
    assert boxes.count() == 1 and "partij B" in page.locator("fieldset").first.inner_text()
    assert page.get_by_text("Lindelaan").count() == 0
    at_both_widths(page, "persoon-gekozen")

    # The export is of this Henk, as party B: party A (Mila Mol) and the other Henk are not in it.
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporteren als pdf").click()
    path = tmp_path / "inzage.pdf"
    download.value.save_as(path)
    text = subprocess.run([shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Dorpsstraat 7" in text and "de andere partij" in text
    assert not [w for w in ("Mila", "Mol", "Dorpsstraat 5", "0699999999", "Lindelaan", "henk@bewoners.example") if w in text]
    page.context.close()
