"""The coordinator in real Chromium: the case page refuses a neighbour as mediator with the reason,
and lets a full load through only with a reason, which then shows on the timeline."""
from __future__ import annotations

import os

from ..matching_data import add_case, add_volunteers
from buurtbemiddeling.auth import users

from .conftest import axe_violations, sign_in

SHOTS = os.environ.get("SCREENSHOT_DIR")  # set it to look at the pages (1280 and 375 px)


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def in_section(violations: list, selector: str) -> list:
    """The axe violations on nodes inside `selector` (this test's part of the page)."""
    return [v for v in violations if any(str(node["target"][0]).startswith(selector) or selector in node.get("html", "")
                                         for node in v["nodes"])]


def fits(page, selector: str, width: int) -> bool:
    """The section and everything in it stay within the window (no sideways scroll of its own)."""
    return page.evaluate(f"""() => [...document.querySelectorAll('{selector}, {selector} *')]
        .every(e => e.getBoundingClientRect().right <= {width} + 1)""")


def test_the_case_page_refuses_a_neighbour_and_overrides_a_full_load_only_with_a_reason(browser, live_server):
    store = live_server.app.extensions["store"]
    users.create_user(store, "carla@lindenhoven.example", "een lang wachtwoord", "coordinator", "Carla")
    for width in (1280, 375):
        context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900}, is_mobile=width < 1280)
        # Signed in without the login form (tests/browser/test_budget_flow.py fills it in): the duo is the subject.
        sign_in(context, live_server, "carla@lindenhoven.example", "een lang wachtwoord")
        page = context.new_page()
        case_id = add_case(store)
        els, = add_volunteers(store, f"Els Buur {width}", street="Lindelaan 40")
        piet, = add_volunteers(store, f"Piet Vrij {width}")
        bea, = add_volunteers(store, f"Bea Vol {width}", max_cases=1)
        other = add_case(store)
        with store.transaction() as tx:  # Bea already has her one case
            tx.table("cases").update({"duo": [bea, piet], "step": "gekoppeld"}, doc_ids=[other])

        page.goto(f"{live_server.url}/beheer/zaken/{case_id}#duo")
        duo = page.locator("#duo")
        duo.get_by_label("Bemiddelaar 1").select_option(str(els))
        duo.get_by_label("Bemiddelaar 2").select_option(str(piet))
        duo.get_by_role("button", name="Duo bewaren").click()
        alert = page.locator("#duo .error-summary")
        alert.get_by_text(f"Els Buur {width}: Woont in dezelfde straat als partij A").wait_for()
        assert page.get_by_label("Reden om toch te koppelen").count() == 0
        shoot(page, f"duo-refused-{width}")
        assert fits(page, "#duo", width)

        duo = page.locator("#duo")
        duo.get_by_label("Bemiddelaar 1").select_option(str(bea))
        duo.get_by_label("Bemiddelaar 2").select_option(str(piet))
        duo.get_by_role("button", name="Duo bewaren").click()
        reason = page.get_by_label("Reden om toch te koppelen")
        reason.wait_for()
        assert page.locator("#duo .error-summary").get_by_text("Heeft al 1 van maximaal 1 zaken").is_visible()
        assert in_section(axe_violations(page), "#duo") == []
        assert fits(page, "#duo", width)
        shoot(page, f"duo-override-asked-{width}")
        reason.fill("Bea neemt deze zaak er in overleg bij.")
        page.get_by_role("button", name="Toch koppelen").click()
        page.get_by_text("Het duo is bewaard.").wait_for()
        assert page.get_by_text("Toch gekoppeld ondanks").first.is_visible()
        shoot(page, f"duo-overridden-{width}")
        context.close()
