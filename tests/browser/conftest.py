"""Browser fixtures: the whole system on a real port, driven by Debian's Chromium."""
from __future__ import annotations

import functools
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from buurtbemiddeling.auth import users
from tests.conftest import signed_in_client

REPO = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


@pytest.fixture(scope="session")
def public_dir(built_site):
    """The public site the live servers serve: the session's one build (`built_site` in
    tests/conftest.py), not a second one. Read it, never write into it."""
    return built_site


def serve(instance, public_dir, **config):
    """The whole system on a free port, in a thread; `server.app`, `server.url`; end it with
    `server.shutdown()`. TESTING gives the tests' cheap password hash (scrypt costs 0.13 s of CPU
    per login); the app still answers an error with its own page instead of raising it here."""
    app = create_app({
        "INSTANCE_PATH": instance, "TESTING": True, "PROPAGATE_EXCEPTIONS": False,
        "SECRET_KEY": "browser-test", "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
        "PUBLIC_DIR": str(public_dir), **config,
    })
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # shutdown() waits for the loop's next look at its flag: every 0.05 s instead of the default 0.5 s,
    # of which a live server's teardown sat out 0.25 s on average.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    return server


def sign_in(context, server, email: str, password: str) -> None:
    """Logs the browser context in without loading the login page: the form is posted through
    the app's test client and its session cookie handed to the context. For tests whose subject
    is a page behind the login, not the login (the flows and tests/test_auth.py fill in the form);
    it saves ~0.3 s of CPU per login in Chromium."""
    client = signed_in_client(server.app, email, password)
    cookie = client.get_cookie(server.app.config["SESSION_COOKIE_NAME"])
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": server.url}])


def sign_in_a_coordinator(context, server) -> None:
    """Carla, the coordinator, signed in without the first-run form and the login form: flows
    whose subject comes after them save their three page loads (the forms are the subject of
    test_first_report.py and tests/test_auth.py)."""
    users.create_user(server.app.extensions["store"], "carla@lindenhoven.example", "een lang wachtwoord",
                      "coordinator", "Carla")
    sign_in(context, server, "carla@lindenhoven.example", "een lang wachtwoord")


LIVE_CONFIG = {
    "RETENTION_AUTO_RUN": False,  # demo data must not age away while a test looks at it
    "FORM_MIN_SECONDS": 0,  # a test browser types faster than a person; tests/browser/test_public_site.py checks the guard
    # A PDF made in the server's own process: the test process has WeasyPrint loaded already (tests/test_pdf_layout.py
    # imports it as the suite is collected), and a process of its own cost ~0.5 s of CPU a PDF to start. The
    # annual report's download takes the production path, a process of its own (tests/browser/test_annual_report.py).
    "PDF_SEPARATE_PROCESS": False,
}


@pytest.fixture
def live_server(tmp_path, public_dir):
    server = serve(tmp_path / "instance", public_dir, **LIVE_CONFIG)
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium-headless-shell: the same Blink and V8 as chromium, without the desktop
    browser around them. A new context (every test makes one or more) costs a quarter of the
    CPU it costs in chromium's own headless mode (0.2 s instead of 0.8 s), a page load half."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium-headless-shell")
    if executable is None:
        pytest.fail("Debian's chromium-headless-shell is not installed; make test installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


# Every WCAG 2.1 A and AA rule. resultTypes only trims what axe reports about rules that pass
# (one example node each, not every node): the violations are found and listed in full, and the
# run costs a third less.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


def axe_violations(page, context: str | None = None) -> list:
    """WCAG 2.1 A and AA violations reported by axe-core on the current page (or the part of it
    that the CSS selector `context` names)."""
    # One round trip per check: the run answers null when this document has no axe yet. Only the
    # violations come back to Python: the rest of axe's result (every rule that passed or did not
    # apply) cost ~30 ms per page to serialise.
    run = """([context, options]) => typeof window.axe !== 'object' ? null
             : (context === null ? axe.run(options) : axe.run(context, options)).then(result => result.violations)"""
    violations = page.evaluate(run, [context, AXE_OPTIONS])
    if violations is None:
        _load_axe(page)
        violations = page.evaluate(run, [context, AXE_OPTIONS])
    return violations


def _load_axe(page) -> None:
    """axe-core into this document, and into every later document of the page's context as it
    starts (an init script, outside the page's Content-Security-Policy like page.evaluate): a
    walk over many pages then sends the 650 kB script to Chromium once, not once per page."""
    page.evaluate(axe_script())
    if not getattr(page.context, "axe_loaded", False):
        page.context.add_init_script(axe_script())
        page.context.axe_loaded = True


@functools.cache
def axe_script() -> str:
    """axe-core as package-lock.json pins it (`make test` installs it with npm). From the npm
    registry rather than a Python package that bundles an older copy: since 4.13 axe parses each
    colour once per run, and the public walk and the admin crawl cost 12-14 % less CPU."""
    path = REPO / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        pytest.fail(f"{path} is missing: `make test` installs it (npm ci)")
    return path.read_text()


# Chromium reports a blocked inline style or script both as an event and in the console.
WATCH_CSP = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")));"""
RESOURCE_HINTS = ("[...document.querySelectorAll('link[rel~=prefetch], link[rel~=preload], link[rel~=prerender], "
                  "link[rel~=modulepreload], link[rel~=preconnect], link[rel~=dns-prefetch]')].map(link => link.href)")


def watching(context):
    """A new tab of `context` that records what csp_and_host_problems reads: `page.csp()`, the
    Content-Security-Policy violations in its console and its events; `page.requested`, the
    addresses it asked for; `page.forget()` clears both before the next page."""
    if not getattr(context, "csp_watched", False):
        context.add_init_script(WATCH_CSP)
        context.csp_watched = True
    page = context.new_page()
    console: list[str] = []
    page.requested = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: page.requested.append(r.url))
    page.csp = lambda: console + page.evaluate("window.__csp")
    page.forget = lambda: (console.clear(), page.requested.clear())
    return page


def csp_and_host_problems(page, origin: str, url: str) -> list[str]:
    """What is wrong with the watched page at `url` once it has loaded, one line per page and
    check: a Content-Security-Policy violation, anything asked of another host (requests and
    resource hints), a script on a page without a form."""
    if page.evaluate("document.scripts.length"):
        page.wait_for_load_state("networkidle")  # what its scripts load or swap in
    else:  # nothing runs after the load event; let the violation events queued while parsing fire
        page.evaluate("() => new Promise(done => setTimeout(done, 0))")
    problems = [f"{url} breaks the Content-Security-Policy: {violation}" for violation in page.csp()]
    hinted = page.evaluate(RESOURCE_HINTS)
    problems += [f"{url} asks another host: {r}" for r in page.requested + hinted if not r.startswith(origin)]
    if not page.locator("form").count():
        scripts = page.evaluate("document.scripts.length")
        problems += [f"{url} has no form but {scripts} script(s)"] if scripts else []
        problems += [f"{url} has no form but loads {r}" for r in page.requested if r.endswith(".js")]
    return problems


def shot(page, name: str) -> None:
    """A screenshot to look at by hand, only when asked for (SCREENSHOTS=folder)."""
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], f"{name}.png"), full_page=True)


def sideways(page) -> bool:
    """Whether the page scrolls sideways at the tab's width."""
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


BOTH_WIDTHS = (1280, 375)


def at_both_widths(page, name: str) -> None:
    """The page as it is, at 1280 and then at 375 px (the same document, the window narrowed, as a
    context of that width shows it): a screenshot when asked for, no axe violation, no sideways
    scroll. What the steps before it find cannot depend on the width; the layout is checked at both."""
    for width in BOTH_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"{name}-{width}")
        assert axe_violations(page) == [], width
        assert not sideways(page), width


def next_page_on_a_phone(page, url: str, next_url: str, name: str) -> None:
    """A paged admin list at 375 px: from `url` the "Volgende →" link leads to `next_url` (a glob),
    which fits the screen and has no axe violation; shots of it at 375 and 1280 px when asked for."""
    page.goto(url)
    page.get_by_role("link", name="Volgende →").click()
    page.wait_for_url(next_url)
    assert not sideways(page)
    assert axe_violations(page) == []
    shot(page, f"{name}-375")
    if os.environ.get("SCREENSHOTS"):
        page.set_viewport_size({"width": 1280, "height": 800})
        shot(page, f"{name}-1280")
        page.set_viewport_size({"width": 375, "height": 740})
