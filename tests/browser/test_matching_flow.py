"""The coordinator in real Chromium: matches a duo to a case, prints the handover, logs a debrief and nazorg."""
from __future__ import annotations

import subprocess

import pytest

from common import clock
from buurtbemiddeling.cases import repo as case_repo

from ..matching_data import add_case, add_volunteers
from .conftest import axe_violations, sign_in_a_coordinator

TODAY = clock.today().isoformat()


@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_the_coordinator_matches_a_duo_prints_the_handover_and_logs_a_debrief_and_nazorg(browser, live_server, with_js,
                                                                                        tmp_path):
    store = live_server.app.extensions["store"]
    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js, accept_downloads=True)
    page = context.new_page()
    sign_in_a_coordinator(context, live_server)
    case_id = add_case(store)
    ayse, kees = add_volunteers(store, "Ayse Demir", "Kees Bakker")
    with store.transaction() as tx:
        tx.table("volunteers").update({"languages": ["Nederlands", "Turks"], "gender": "vrouw"}, doc_ids=[ayse])
    add_volunteers(store, "Bert Buurman", street="Lindelaan 3")

    # The case page suggests duos; the Koppelen page explains every factor and who is excluded.
    page.goto(f"{live_server.url}/beheer/zaken/{case_id}")
    section = page.locator("#koppelen")
    assert section.get_by_text("Ayse Demir: Spreekt Turks, net als partij A").first.is_visible()
    section.get_by_role("link", name="Alle voorstellen met uitleg").click()
    page.get_by_role("heading", name="Komen niet in aanmerking").wait_for()
    assert page.get_by_role("row", name="Bert Buurman").get_by_text("Woont in dezelfde straat als partij A").is_visible()
    assert not with_js or axe_violations(page) == []  # axe runs as page script

    # Propose the best duo; both say yes.
    page.get_by_role("button", name="Dit duo voorstellen").first.click()
    proposal = page.locator("#voorstel")
    proposal.get_by_role("heading", name="Voorstel: Ayse Demir en Kees Bakker").wait_for()
    proposal.get_by_role("row", name="Ayse Demir").get_by_role("button", name="Doet mee").click()
    page.get_by_text("Ayse Demir doet mee. Nu wacht het voorstel op de ander.").wait_for()
    page.locator("#voorstel").get_by_role("row", name="Kees Bakker").get_by_role("button", name="Doet mee").click()

    # Linked: the handover follows, on screen and as a PDF.
    page.get_by_role("heading", name="Overdracht voor het duo").wait_for()
    assert page.get_by_text("Het duo Ayse Demir en Kees Bakker is gekoppeld.").is_visible()
    assert page.get_by_role("cell", name="Lindelaan 12, 7412 AB Lindenhoven").is_visible()
    assert page.get_by_text("Bosman").count() == 0
    assert not with_js or axe_violations(page) == []  # axe runs as page script
    pdf_link = page.get_by_role("link", name="Pdf downloaden")
    assert pdf_link.get_attribute("href") == f"/beheer/zaken/{case_id}/overdracht.pdf"
    if with_js:  # the same link and the same download without JavaScript: made once
        with page.expect_download() as download:
            pdf_link.click()
        pdf = tmp_path / "overdracht.pdf"
        download.value.save_as(pdf)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Anna Jansen" in text and "Ayse Demir" in text
    handovers = [e["format"] for e in store.audit_entries(record=f"case:{case_id}") if e["action"] == "handover"]
    assert handovers == (["pdf", "html"] if with_js else ["html"])
    case = case_repo.get_case(store.read(), case_id)
    assert case["step"] == "gekoppeld" and case["duo"] == [ayse, kees]

    # After the talk with partij A: the debrief, with the protocol checklist.
    page.goto(f"{live_server.url}/beheer/zaken/{case_id}")
    page.get_by_role("link", name="Nabespreking vastleggen").click()
    page.get_by_label("Gesprek", exact=True).select_option("gesprek-a")
    page.get_by_label("Datum van het gesprek").fill(TODAY)
    page.get_by_label("Wat ging goed").fill("Partij A voelde zich gehoord.")
    page.get_by_label("Wat was moeilijk").fill("Veel emotie over de muziek.")
    page.get_by_label("Het gesprek samen als duo gevoerd").check()
    page.get_by_label("Neutraal gebleven en geen partij gekozen").check()
    page.locator("#debrief-coaching_needed-2").check()  # "Nee"
    page.get_by_role("button", name="Nabespreking bewaren").click()
    quality = page.locator("#kwaliteit")
    quality.get_by_text("Veel emotie over de muziek.").wait_for()
    assert quality.get_by_text("Protocol: 2 van 6 punten gedaan").is_visible()

    # Weeks later, in nazorg (the steps in between are the cases area's test): both parties called.
    with store.transaction() as tx:
        tx.table("cases").update({"step": "nazorg"}, doc_ids=[case_id])
    page.goto(f"{live_server.url}/beheer/zaken/{case_id}")
    page.get_by_role("link", name="Nazorg vastleggen").click()
    for party, score in (("0", "4"), ("1", "5")):
        page.get_by_label("Partij", exact=True).select_option(party)
        page.get_by_label("Gesproken op").fill(TODAY)
        assert page.get_by_label("Door wie").input_value() == "Ayse Demir en Kees Bakker"
        page.get_by_label("Afspraken houden", exact=True).check()
        page.locator(f"#nazorg-satisfaction{'' if score == '1' else '-' + score}").check()
        page.get_by_role("button", name="Nazorg bewaren").click()
        page.get_by_text("is bewaard").wait_for()
    assert page.get_by_text("Nazorg gedaan").first.is_visible()
    if with_js:  # axe runs as a page script
        for path in ("/beheer/zaken/{case}/nazorg", "/beheer/zaken/{case}/nabespreking", "/beheer/zaken/{case}",
                     "/beheer/coaching/", "/beheer/kwaliteit/", "/beheer/kwaliteit/signalen",
                     "/beheer/kwaliteit/vrijwilliger/{ayse}", "/beheer/"):
            page.goto(live_server.url + path.format(case=case_id, ayse=ayse))
            assert axe_violations(page) == [], path
    context.close()
