"""In Chromium: the coordinator finds a resident, confirms and erases them, and reads what went
where; both pages pass axe and do not scroll sideways at 1280 and at 375 px."""
from __future__ import annotations

import pytest

from buurtbemiddeling.reports import intake
from tests import portal_data

from .conftest import BOTH_WIDTHS, at_both_widths
from .test_privacy_search import admin_page, search_person


@pytest.fixture
def programme(live_server):
    store = live_server.app.extensions["store"]
    built = portal_data.build(store)
    intake.store_submission(store, "report", {"name": "Henk Huisman", "phone": "06-44444444", "street": "Kerkstraat 3",
                                              "description": "Muziek", "conflict_type": "geluidsoverlast"})
    return built


def test_a_resident_is_erased_on_request(browser, live_server, programme):
    page = admin_page(browser, live_server, BOTH_WIDTHS[0])
    search_person(page, live_server, "Henk Huisman")
    page.get_by_role("heading", name="Gevonden: 1 persoon").wait_for()  # one phone number: one person
    page.get_by_role("button", name="Kies deze persoon").click()
    page.get_by_role("heading", name="Inzage en wissen: Henk Huisman").wait_for()  # count() does not wait
    assert page.get_by_role("checkbox", checked=True).count() == 2
    page.get_by_label("Ik weet zeker dat ik deze gegevens wil wissen").check()
    at_both_widths(page, "wissen-bevestigen")

    page.get_by_role("button", name="Wissen").click()
    status = page.get_by_role("status")
    status.wait_for()
    assert "Gewist: " in status.inner_text() and "meldingen" in status.inner_text() and "zaken (" in status.inner_text()
    at_both_widths(page, "wissen-gedaan")
    search_person(page, live_server, "Henk Huisman")
    page.get_by_text("Niemand gevonden met deze gegevens.").wait_for()
    page.context.close()
