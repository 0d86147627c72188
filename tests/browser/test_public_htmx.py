"""What a resident sees with JavaScript on, checked in Chromium: no Content-Security-Policy
violation on any page or after any htmx swap, no page asking another host, no script on a page
without a form, the page title after a mistake and after
sending (the same as without JavaScript), and the thank-you panel in place of the page's text."""
from __future__ import annotations

import pytest

import sitebuilder

from .conftest import serve
from .test_public_site import PAGE_URLS

SITE = sitebuilder.Site(sitebuilder.DEFAULT_ROOT)
FORM_PAGES = [p for p in SITE.pages if p.form]
# Chromium reports a blocked inline style or script both as an event and in the console.
WATCH_CSP = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")));"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, public_dir):
    server = serve(tmp_path_factory.mktemp("htmx-server"), public_dir, FORM_MIN_SECONDS=0)
    yield server
    server.shutdown()


@pytest.fixture
def watched(browser):
    """A page that records CSP violations (events and console messages) in `page.csp()`."""
    context = browser.new_context(locale="nl-NL")
    context.add_init_script(WATCH_CSP)
    yield _watch(context.new_page())
    context.close()


def _watch(page):
    """`page.csp()`: the violations in its console and its events since `page.requested` was last
    cleared; `page.requested`: the addresses it asked for. A new tab of the watched context."""
    console: list[str] = []
    page.requested = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: page.requested.append(r.url))
    page.csp = lambda: console + page.evaluate("window.__csp")
    page.forget = lambda: (console.clear(), page.requested.clear())
    return page


def test_no_page_breaks_the_csp_asks_another_host_or_runs_javascript_without_a_form(watched, server):
    """One walk over every page, three checks on each: the Content-Security-Policy holds, nothing
    is asked of another host (requests and resource hints), and a page without a form has no
    script. Each page with scripts keeps its own tab, so the quiet waits at the end overlap."""
    page, with_scripts, problems = watched, [], []
    for url in PAGE_URLS:
        if page is None:
            page = _watch(watched.context.new_page())
        page.forget()
        page.goto(server.url + url)
        if page.evaluate("document.scripts.length"):
            with_scripts.append((url, page))
            page = None
        else:  # nothing runs after the load event; let the violation events queued while parsing fire
            page.evaluate("() => new Promise(done => setTimeout(done, 0))")
            problems += _problems(page, server.url, url)
    # After the load event only a script or a resource hint can still ask for something: wait out
    # each page's scripts (what they load or swap in: 500 ms of quiet, counted in each tab at once).
    for url, page in with_scripts:
        page.wait_for_load_state("networkidle")
        problems += _problems(page, server.url, url)
    assert problems == [], "\n".join(problems)


def _problems(page, origin: str, url: str) -> list[str]:
    """What the walk found wrong on the page at `url`, one line per check that failed."""
    problems = [f"{url} breaks the Content-Security-Policy: {violation}" for violation in page.csp()]
    hinted = page.evaluate("[...document.querySelectorAll('link[rel~=prefetch], link[rel~=preload], "
                           "link[rel~=prerender], link[rel~=modulepreload], link[rel~=preconnect], "
                           "link[rel~=dns-prefetch]')].map(link => link.href)")
    problems += [f"{url} asks another host: {r}" for r in page.requested + hinted if not r.startswith(origin)]
    if not page.locator("form").count():
        scripts = page.evaluate("document.scripts.length")
        problems += [f"{url} has no form but {scripts} script(s)"] if scripts else []
        problems += [f"{url} has no form but loads {r}" for r in page.requested if r.endswith(".js")]
    return problems


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
def test_the_title_starts_with_fout_after_a_mistake_with_and_without_javascript(browser, server, with_js):
    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js)
    page = context.new_page()
    page.goto(server.url + "/melding-doen/")
    if with_js:
        page.wait_for_function("window.htmx !== undefined")
    page.get_by_label("Naam", exact=True).fill("Anna de Vries")
    page.get_by_role("button", name="Melding versturen").click()
    page.locator(".error-summary").wait_for()
    assert page.title() == "Fout: Melding doen - Buurtbemiddeling Lindenhoven"
    assert page.get_by_label("Naam", exact=True).input_value() == "Anna de Vries"  # nothing typed is lost
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
