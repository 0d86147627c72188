"""What a resident sees with JavaScript on, checked in Chromium: no Content-Security-Policy
violation after any htmx swap (every page as loaded: tests/browser/test_public_site.py), the page
title after a mistake and after sending (the same as without JavaScript), and the thank-you panel
in place of the page's text."""
from __future__ import annotations

import pytest

import sitebuilder

from .conftest import serve, watching

SITE = sitebuilder.Site(sitebuilder.DEFAULT_ROOT)
FORM_PAGES = [p for p in SITE.pages if p.form]


@pytest.fixture(scope="module")
def server(tmp_path_factory, public_dir):
    server = serve(tmp_path_factory.mktemp("htmx-server"), public_dir, FORM_MIN_SECONDS=0)
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def watched_tab(browser):
    context = browser.new_context(locale="nl-NL")
    yield watching(context)
    context.close()


@pytest.fixture
def watched(watched_tab):
    """A page that records CSP violations (events and console messages) in `page.csp()`: the
    module's one tab, with what the previous test recorded forgotten (a context per test cost a
    cold renderer each)."""
    watched_tab.forget()
    return watched_tab


def send_a_complete_report(page):
    """Fill the report form by field names, so it works in every language."""
    for name, value in (("name", "Test Bewoner"), ("email", "test@voorbeeld.nl"), ("street", "Lijsterlaan 3"),
                        ("postcode", "7413 AB"), ("place", "Lindenhoven"), ("b_street", "Lijsterlaan 5"),
                        ("description", "De bus van de buren staat voor mijn uitrit.")):
        page.locator(f"form.form [name={name}]").fill(value)
    for name, value in (("contact_way", "email"), ("conflict_type", "parkeren"), ("violence", "nee"),
                        ("consent", "ja")):
        page.locator(f"form.form input[name={name}][value={value}]").check()
    page.locator("form.form button[type=submit]").click()


@pytest.mark.parametrize("form_page", FORM_PAGES, ids=lambda p: p.url)
def test_a_form_sent_with_mistakes_swaps_in_the_errors_and_the_title_says_error(watched, server, form_page):
    watched.goto(server.url + form_page.url)
    watched.wait_for_function("window.htmx !== undefined")  # htmx is running
    watched.locator("form.form button[type=submit]").click()
    watched.locator(".error-summary").wait_for()
    prefix = SITE.strings[form_page.lang]["error_title_prefix"]
    assert watched.title() == SITE.document_title(form_page.title, form_page.lang, error=True)
    assert watched.title().startswith(prefix + " ")
    assert watched.csp() == []


@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_the_title_starts_with_fout_after_a_mistake_with_and_without_javascript(browser, watched, server, with_js):
    # With JavaScript in the module's tab; without it in a context of its own, closed at the end.
    context = None if with_js else browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = watched if with_js else context.new_page()
    page.goto(server.url + "/melding-doen/")
    if with_js:
        page.wait_for_function("window.htmx !== undefined")
    page.get_by_label("Naam", exact=True).fill("Anna de Vries")
    page.get_by_role("button", name="Melding versturen").click()
    page.locator(".error-summary").wait_for()
    assert page.title() == "Fout: Melding doen - Buurtbemiddeling Lindenhoven"
    assert page.get_by_label("Naam", exact=True).input_value() == "Anna de Vries"  # nothing typed is lost
    if context:
        context.close()


@pytest.mark.parametrize("lang", [lang for lang in SITE.languages if "report" in SITE.forms
                                  and lang in SITE.forms["report"].page_urls])
def test_after_a_report_the_thank_you_panel_replaces_the_pages_text_and_sets_the_title(watched, server, lang):
    form_page = SITE.page_for_form("report", lang)
    thanks = SITE.page_at(SITE.forms["report"].thanks_url(lang))
    watched.goto(server.url + form_page.url)
    watched.wait_for_function("window.htmx !== undefined")
    intro = watched.locator(f"#{sitebuilder.CONTENT_ID} .prose p").first
    assert intro.is_visible()
    send_a_complete_report(watched)
    watched.get_by_role("heading", name=thanks.title).wait_for()
    assert intro.count() == 0  # "Vul het formulier in ..." is gone
    assert watched.locator(f"#{sitebuilder.CONTENT_ID} > *").count() == 1  # only the panel
    assert watched.title() == SITE.document_title(thanks.title, lang)
    assert watched.csp() == []
