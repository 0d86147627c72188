"""The public site in real Chromium: every page in every language at desktop and phone width
(accessibility at both; at desktop width the Content-Security-Policy, no other host and no script
without a form; at phone width no sideways scroll at 320 px), keyboard-only completion of each
form, and each form sent with and without JavaScript and found by the coordinator in the admin."""
from __future__ import annotations

import time
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

import sitebuilder

from .conftest import axe_violations, csp_and_host_problems, serve, sign_in_a_coordinator, watching

SITE = sitebuilder.Site(sitebuilder.DEFAULT_ROOT)
PAGE_URLS = [p.url for p in SITE.pages] + [f"{SITE.prefix(lang)}/404.html" for lang in SITE.languages]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
NARROWEST_PHONE = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def site_server(tmp_path_factory, public_dir):
    """One server for the read-only checks of this module."""
    server = serve(tmp_path_factory.mktemp("site-server") / "instance", public_dir)
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def site_tab(browser):
    """One desktop tab for the read-only checks, watched for what csp_and_host_problems reads;
    `as_phone` shows its page as a phone does."""
    context = browser.new_context(locale="nl-NL", viewport=DESKTOP)
    page = watching(context)
    page.devtools = context.new_cdp_session(page)
    yield page
    context.close()


@pytest.fixture
def quick_server(tmp_path, public_dir):
    """A server that accepts forms filled in at robot speed (the browser types fast)."""
    server = serve(tmp_path / "instance", public_dir, FORM_MIN_SECONDS=0)
    yield server
    server.shutdown()


@contextmanager
def as_phone(page, size=PHONE):
    """The tab's page as a phone of `size` shows it, then the desktop again: the device metrics a
    context made with that viewport and `is_mobile` gets (the same Chrome DevTools call with the same
    values, which Playwright sends when it opens such a tab), here on the document already loaded.
    Nothing on the public site lays itself out by script: its layout at a width is the stylesheet's."""
    def metrics(size, mobile):
        orientation = "portraitPrimary" if mobile else "landscapePrimary"
        return {"mobile": mobile, "width": size["width"], "height": size["height"], "screenWidth": size["width"],
                "screenHeight": size["height"], "deviceScaleFactor": 1, "screenOrientation": {"angle": 0, "type": orientation}}
    page.devtools.send("Emulation.setDeviceMetricsOverride", metrics(size, True))
    try:
        yield
    finally:
        page.devtools.send("Emulation.setDeviceMetricsOverride", metrics(DESKTOP, False))


# -- accessibility ---------------------------------------------------------------

def wcag_problems(page, url: str, width: str) -> list[str]:
    return [f"{url} at {width} width breaks WCAG ({v['id']}): {v['help']}: {[node['target'] for node in v['nodes']]}"
            for v in axe_violations(page)]


@pytest.mark.parametrize("url", PAGE_URLS)
def test_every_page_at_desktop_and_phone_width(site_tab, site_server, url):
    """No WCAG 2.1 A or AA violation (axe) at either width; at desktop width no CSP violation, no
    other host asked and no script without a form; as a phone no wider than 320 px. One load per
    page: the phone widths are shown on the document the desktop checks looked at (`as_phone`)."""
    page = site_tab
    page.forget()
    response = page.goto(site_server.url + url)
    assert response.status in (200, 404)
    problems = wcag_problems(page, url, "desktop") + csp_and_host_problems(page, site_server.url, url)
    with as_phone(page):
        problems += wcag_problems(page, url, "phone")
    with as_phone(page, NARROWEST_PHONE):
        width = page.evaluate("document.documentElement.scrollWidth")
    problems += [f"{url} is {width} px wide on a 320 px phone"] if width > NARROWEST_PHONE["width"] else []
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("url", [p.url for p in SITE.pages if p.form])
def test_every_form_with_errors_has_no_wcag_a_or_aa_violations(site_tab, site_server, url):
    site_tab.goto(site_server.url + url)
    site_tab.locator("form.form button[type=submit]").click()
    site_tab.locator(".error-summary").wait_for()
    problems = wcag_problems(site_tab, url, "desktop")
    with as_phone(site_tab):
        problems += wcag_problems(site_tab, url, "phone")
    assert problems == [], "\n".join(problems)


# -- keyboard only ---------------------------------------------------------------

FOCUS_INFO = """() => { const e = document.activeElement;
  return {tag: e.tagName, type: e.type || "", name: e.name || "", value: e.value || "", checked: !!e.checked}; }"""


def fill_by_keyboard(page, answers: dict, submit_text: str) -> list[str]:
    """Tab through the page and answer each field using only the keyboard.

    answers: name -> text, a radio value, or a list of checkbox values.
    Returns the names of the fields reached, in order.
    """
    reached: list[str] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO)
        name = info["name"]
        if info["tag"] == "BUTTON" and info["type"] == "submit":
            assert submit_text in page.evaluate("document.activeElement.textContent")
            page.keyboard.press("Enter")
            return reached
        if name and name not in reached:
            reached.append(name)
        wanted = answers.get(name)
        if wanted is None:
            continue
        if info["type"] == "radio":
            page.keyboard.press("Space")
            for _ in range(20):
                if page.evaluate(FOCUS_INFO)["value"] == wanted:
                    break
                page.keyboard.press("ArrowDown")
            assert page.evaluate(FOCUS_INFO)["checked"], name
        elif info["type"] == "checkbox":
            chosen = wanted if isinstance(wanted, list) else [info["value"]] if wanted else []
            if (info["value"] in chosen) != info["checked"]:
                page.keyboard.press("Space")
        elif info["tag"] in ("INPUT", "TEXTAREA") and not info["value"]:
            page.keyboard.type(wanted)
    raise AssertionError(f"never reached the submit button; reached {reached}")


REPORT_ANSWERS = {
    "name": "Karin Toetsenbord", "email": "karin@voorbeeld.nl", "street": "Lijsterlaan 3", "postcode": "7413 AB",
    "place": "Lindenhoven", "contact_way": "email", "b_street": "Lijsterlaan 5", "conflict_type": "parkeren",
    "description": "De bus van de buren staat voor mijn uitrit.", "violence": "nee", "consent": "ja",
}
REFERRAL_ANSWERS = {
    "org_name": "Woonstichting Lindenhoven", "org_type": "woningcorporatie", "referrer_name": "Rita Verwijzer",
    "referrer_email": "rita@woonstichting.example", "referrer_phone": "0123 456700", "resident_consent": "ja",
    "name": "Teun Bewoner", "phone": "06 11122233", "street": "Havenkade 2", "postcode": "7414 CD",
    "place": "Lindenhoven", "conflict_type": "geluidsoverlast", "description": "Geluid van de bovenburen.",
}
APPLICATION_ANSWERS = {
    "name": "Sam Sneltoets", "email": "sam@voorbeeld.nl", "phone": "06 44455566", "street": "Tulpstraat 9",
    "postcode": "7415 EF", "age_band": "41-55", "languages": ["nederlands", "turks"],
    "availability": ["di-avond", "za-ochtend"], "motivation": "Ik wil mijn buurt helpen.", "consent": "ja",
}
FORM_CASES = [
    ("/melding-doen/", REPORT_ANSWERS, "Melding versturen", "reports", "Bedankt voor uw melding"),
    ("/voor-verwijzers/", REFERRAL_ANSWERS, "Verwijzing versturen", "reports", "Bedankt voor uw verwijzing"),
    ("/vrijwilliger-worden/", APPLICATION_ANSWERS, "Aanmelding versturen", "applications", "Bedankt voor uw aanmelding"),
]


@pytest.mark.parametrize("url, answers, submit, table, thanks", FORM_CASES, ids=["report", "referral", "application"])
@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_each_form_can_be_completed_with_the_keyboard_only(browser, quick_server, url, answers, submit, table,
                                                          thanks, with_js):
    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js)
    page = context.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(quick_server.url + url)
    reached = fill_by_keyboard(page, answers, submit)
    # The start token is fetched once the visitor enters the form, not on every view of the page.
    assert sum("/formulier-start/" in a for a in asked) == (1 if with_js else 0)
    assert "website" not in reached  # the honeypot is out of reach
    page.get_by_role("heading", name=thanks).wait_for()
    [doc] = quick_server.app.extensions["store"].read().table(table).all()
    assert doc["values"]["name"] == answers["name"]
    assert all(doc["values"][name] for name in answers)  # every answer arrived
    if with_js:  # the panel takes focus (once htmx has settled the swap), so a screen reader announces it
        page.wait_for_function("document.activeElement && document.activeElement.getAttribute('role') === 'status'",
                               timeout=5000)
    context.close()


# -- sent with and without JavaScript, found in the admin ---------------------------

def fill_referral(page):
    page.get_by_label("Naam van uw organisatie").fill("Politie Lindenhoven")
    page.get_by_role("group", name="Wat voor organisatie is dat?").get_by_label("Politie").check()
    page.get_by_label("Uw naam").fill("Wijkagent Pieters")
    page.get_by_label("Uw e-mailadres").fill("pieters@politie.example")
    page.get_by_label("Uw telefoonnummer").fill("0123 456789")
    page.get_by_label("De bewoner weet van deze verwijzing").check()
    page.get_by_label("Naam van de bewoner").fill("Bram Visser")
    page.get_by_label("Telefoonnummer van de bewoner").fill("06 98765432")
    page.get_by_label("Straat en huisnummer van de bewoner").fill("Merelstraat 8")
    page.get_by_label("Postcode van de bewoner").fill("7413 KL")
    page.get_by_label("Woonplaats van de bewoner").fill("Lindenhoven")
    page.get_by_label("Straat en huisnummer van de buren").fill("Merelstraat 10")
    page.get_by_role("group", name="Waar gaat het probleem vooral over?").get_by_label("Huisdieren").check()
    page.get_by_label("Wat is er aan de hand?").fill("De hond blaft de hele dag.")


def fill_application(page):
    page.get_by_label("Naam", exact=True).fill("Vera Vrijwillig")
    page.get_by_label("E-mailadres").fill("vera@voorbeeld.nl")
    page.get_by_label("Telefoonnummer").fill("06 12345678")
    page.get_by_label("Straat en huisnummer").fill("Kerkstraat 3")
    page.get_by_label("Postcode").fill("7411 AB")
    page.get_by_role("group", name="Wat is uw leeftijd?").get_by_label("26 tot en met 40 jaar").check()
    page.get_by_role("group", name="Welke talen spreekt u goed?").get_by_label("Nederlands").check()
    page.get_by_role("group", name="Woensdag").get_by_label("Avond").check()
    page.get_by_label("Waarom wilt u buurtbemiddelaar worden?").fill("Ik help graag mensen.")
    page.get_by_label("Ik ga akkoord met de privacyverklaring").check()


@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_a_referrer_refers_a_resident_and_the_coordinator_finds_the_referral(browser, quick_server, with_js):
    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js)
    page = context.new_page()
    page.goto(quick_server.url + "/voor-verwijzers/")
    fill_referral(page)
    page.get_by_label("De bewoner weet van deze verwijzing").uncheck()  # forgotten first
    page.get_by_role("button", name="Verwijzing versturen").click()
    page.get_by_role("link", name="Bevestig dat de bewoner toestemming geeft").click()
    assert page.evaluate("document.activeElement.name") == "resident_consent"  # the summary leads to the box
    assert page.get_by_label("Naam van de bewoner").input_value() == "Bram Visser"
    page.get_by_label("De bewoner weet van deze verwijzing").check()
    page.get_by_role("button", name="Verwijzing versturen").click()
    page.get_by_role("heading", name="Bedankt voor uw verwijzing").wait_for()

    sign_in_a_coordinator(page.context, quick_server)  # the forms sent are the subject, not the login
    page.goto(quick_server.url + "/beheer/meldingen/")
    page.get_by_role("link", name="Bram Visser").click()
    page.get_by_text("Politie Lindenhoven").wait_for()
    assert page.get_by_text("Merelstraat 10").is_visible()
    context.close()


@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_a_volunteer_applies_and_the_coordinator_finds_the_application(browser, quick_server, with_js):
    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js)
    page = context.new_page()
    page.goto(quick_server.url + "/vrijwilliger-worden/")
    fill_application(page)
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.get_by_role("heading", name="Bedankt voor uw aanmelding").wait_for()
    [application] = quick_server.app.extensions["store"].read().table("applications").all()
    assert application["values"]["availability"] == ["wo-avond"]

    sign_in_a_coordinator(page.context, quick_server)  # the forms sent are the subject, not the login
    page.goto(quick_server.url + "/beheer/vrijwilligers/aanmeldingen")
    page.get_by_role("link", name="Vera Vrijwillig").click()
    page.get_by_text("vera@voorbeeld.nl").first.wait_for()
    context.close()


def test_an_english_visitor_reports_in_english_and_gets_english_errors(browser, quick_server):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(quick_server.url + "/en/report/")
    page.get_by_role("button", name="Send report").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert page.get_by_role("link", name="Enter your name").is_visible()
    context.close()


def test_a_robot_that_fills_the_form_instantly_is_sent_back_and_nothing_is_stored(browser, quick_server, monkeypatch):
    from buurtbemiddeling.reports import form_posts as views

    live_server = quick_server
    live_server.app.config["FORM_MIN_SECONDS"] = 60  # long, so a slow test machine is still "too fast"
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(live_server.url + "/vrijwilliger-worden/")
    page.get_by_label("Naam", exact=True).focus()  # the start token comes once the visitor enters the form
    page.locator("form.form input[name=started]").wait_for(state="attached")
    fill_application(page)
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.get_by_text("heel snel werd ingevuld").wait_for()
    store = live_server.app.extensions["store"]
    assert store.read().table("applications").all() == []
    assert page.get_by_label("Naam", exact=True).input_value() == "Vera Vrijwillig"
    later = time.time() + 61  # a person reading the message, checking, sending again
    monkeypatch.setattr(views, "time", SimpleNamespace(time=lambda: later))
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.get_by_role("heading", name="Bedankt voor uw aanmelding").wait_for()
    assert len(store.read().table("applications").all()) == 1
    context.close()
