"""Shared fixtures: an app per test on its own data folder, and the personas.

What keeps the suite fast, and how a new test stays fast (docs/internals.md, "Testing"): an app
costs ~0.02 s (its routes parsed once per process, buurtbemiddeling/startup.py); templates are
compiled once per process; TESTING apps hash passwords cheaply; this process writes without fsync;
read-only checks share a module-scoped app (`module_app`, `module_clients`: a test that changes
its files or config fails) or server; the public site is built once per session
(`built_site`); the slowest modules run first (`SLOW_FIRST`)."""
from __future__ import annotations

import functools
import gc
import importlib
import os
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

# Until the suite is collected (pytest_collection_finish) the cyclic collector stays off: nearly
# all that importing and collecting makes lives to the end, and its walks over it took ~0.4 s of
# the ~2.5 s of CPU each xdist worker spends before its first test.
gc.disable()

from app import create_app
from buurtbemiddeling import pdf
from buurtbemiddeling.auth import users
from common import clock as programme_clock, template_cache
from db import storage

PASSWORD = "een lang wachtwoord"
# CI installs every tool the tests use (`make test` does), so there a skipped test hides a gap.
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


# The modules with the longest single tests, longest first (measured with --durations). They run
# first, so `make test` (xdist, --dist worksteal) never ends with one long test running alone while
# the other worker idles. Other modules keep their order after these; add a module whose test takes
# more than ~10 s of CPU.
SLOW_FIRST = (
    "browser/test_coordinator_day.py", "test_bench.py", "test_spam_flood_http.py", "test_route_inventory.py",
    "test_storage.py", "test_public_html.py", "test_fuzz_public.py", "test_deploy.py", "browser/test_phone_lists.py", "browser/test_public_htmx.py", "test_pdf_layout.py",
    "browser/test_public_site.py", "test_mail_delivery.py", "test_date_formats.py", "browser/test_case_flow.py",
    "browser/test_matching_flow.py", "browser/test_volunteer_flow.py", "test_import_cases.py", "test_tooling.py",
    "test_mail_page.py", "test_spam.py", "browser/test_eligibility_flow.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    tests = os.path.dirname(__file__)
    rank = {os.path.join(tests, name): place for place, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(str(item.path), len(SLOW_FIRST)))  # stable: modules stay whole


def pytest_sessionstart(session):
    """Each xdist worker collects the whole suite, and pytest rewrites the asserts of every test
    module it imports (~6 s of CPU) unless a cached rewrite is there, as on a fresh clone. Workers
    that import the modules in the same order rewrite each one twice; so when the whole suite runs,
    worker i of n imports them first from the module i/n of the way in: each rewrites its share and
    finds the rest cached by the others. Collection then finds every module imported."""
    if session.config.pluginmanager.has_plugin("dsession"):
        gc.enable()  # xdist's controller: it collects nothing, so pytest_collection_finish never runs here
    worker = getattr(session.config, "workerinput", None)
    if not worker or session.config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    tests = Path(__file__).parent
    modules = sorted(tests.rglob("test_*.py"))
    start = len(modules) * int(worker["workerid"].removeprefix("gw")) // worker["workercount"]
    for path in modules[start:] + modules[:start]:
        try:
            importlib.import_module(".".join(path.relative_to(tests.parent).with_suffix("").parts))
        except Exception:
            pass  # collecting it reports the error


def pytest_collection_finish(session):
    """Python's cyclic garbage collector took nearly a fifth of the view tests' CPU: each full
    collection walks every object it tracks, and collecting the suite makes some 190,000 that live
    to the end (modules, items, parameters). Those are frozen out of its walks, and it runs after
    10,000 new objects instead of 700 (young collections 2,530 -> 521, full ones 21 -> 4 in 296
    view tests: 4.9 -> 1.9 s of CPU collecting garbage, peak memory 145 -> 153 MB). Garbage is
    still freed, a little later."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)
    gc.enable()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if ON_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped on CI, where no test may be: {reason}"


# Writes in this process (apps, live servers' threads) skip fsync, which only protects against a
# power cut no test makes; processes the tests start (CGI, CLI) keep it, and the storage tests'
# writers say (tests/test_storage.py).
storage.set_durable(False)
# Every app and site build in this process compiles each template once, not once per test's fresh
# instance folder or build.
template_cache.share()
# A PDF is a function of its HTML alone (pdf.render fetches no file or host), and WeasyPrint takes
# ~0.5 s of CPU a document: the same HTML again in this process (the route inventory's two apps, a
# document both the date and the layout tests read) is rendered once. The views, their templates
# and html_to_pdf still run for every request.
pdf.render = functools.lru_cache(maxsize=16)(pdf.render)


def new_app(instance_path: Path):
    """An app as the tests make it, on its own (new) instance folder."""
    return create_app({
        "INSTANCE_PATH": instance_path,
        "TESTING": True,
        "SECRET_KEY": "test",
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,  # csrf_client turns it back on
        "RETENTION_AUTO_RUN": False,  # tests/test_retention.py runs it with a fixed clock
        "PDF_SEPARATE_PROCESS": False,  # one WeasyPrint per test process; test_startup_cost tries the other way
    })


@pytest.fixture
def app(tmp_path):
    yield new_app(tmp_path / "instance")


@pytest.fixture(scope="module")
def module_app(tmp_path_factory):
    """One app for the tests of a module that only read: who may open which page, what a page
    shows for data the module stores once (in a module-scoped fixture of its own, before its
    first test, e.g. with `stored_once`). Each test that uses it fails if it changed a file of
    the app's instance folder (data, counters, uploads), its config or clock (`module_clock`),
    or left a flashed message in the cookie of one of its clients (`pytest_runtest_call` below), so nothing leaks into the next
    test; a test that writes takes the per-test `app`. Views still append to the audit log: a
    test that checks an audit entry takes the per-test `app` too, where no other test wrote one."""
    return new_app(tmp_path_factory.mktemp("module-app") / "instance")


def stored_once(fill):
    """A module-scoped fixture: what `fill(store)` returns, stored once in `module_app`'s store
    for the module's tests that only read it (`shared_partner = stored_once(store_a_partner)`)."""
    @pytest.fixture(scope="module")
    def stored(module_app):
        return fill(module_app.extensions["store"])
    return stored


class ModuleClients:
    """Test clients of `module_app`: the volunteer and the coordinator persona, each signed in
    once before the module's first test (signing in writes the account), and `anonymous`, a new
    client each time (a page refused to it leaves a message in its cookie for the next page)."""

    def __init__(self, app) -> None:
        self.app = app
        self.volunteer, self.coordinator = app.test_client(), app.test_client()
        Personas(app, self.volunteer).volunteer()
        Personas(app, self.coordinator).coordinator()

    @property
    def anonymous(self) -> FlaskClient:
        return self.app.test_client()

    def only_the_coordinator_may(self, method: str, url: str) -> None:
        """Nobody signed in is sent to the login page; a volunteer is refused."""
        assert getattr(self.anonymous, method)(url).status_code == 302, f"{method} {url} without signing in"
        assert getattr(self.volunteer, method)(url).status_code == 403, f"{method} {url} as a volunteer"


@pytest.fixture(scope="module")
def module_clients(module_app):
    return ModuleClients(module_app)


def _what_tests_may_not_change(app) -> tuple[dict, dict]:
    """Every file in the app's instance folder (data, counters, uploads) with its size and time
    of change, but the audit log (viewing a case file appends to it) and caches; and the config,
    with the moment its clock stands at (`module_clock`)."""
    instance = Path(app.instance_path)
    left_out = (app.extensions["store"].audit_dir, instance / "cache")
    files = {}
    for path in instance.rglob("*"):
        if path.is_file() and not any(folder in path.parents for folder in left_out):
            status = path.stat()
            files[str(path.relative_to(instance))] = (status.st_size, status.st_mtime_ns)
    clock = app.config.get("CLOCK")
    return files, {**app.config, "CLOCK": clock.now() if isinstance(clock, programme_clock.FixedClock) else clock}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    app = getattr(item, "funcargs", {}).get("module_app")
    if app is None:
        return (yield)
    files, config = _what_tests_may_not_change(app)
    result = yield
    files_after, config_after = _what_tests_may_not_change(app)
    changed = sorted(name for name in files.keys() | files_after.keys() if files.get(name) != files_after.get(name))
    assert not changed, f"this test changed {changed} of module_app, which the module's other tests share: use `app`"
    assert config_after == config, "this test changed the config or clock of module_app, which the module's other tests share: use `app`"
    for name, value in item.funcargs.items():
        clients = {f"{name}.volunteer": value.volunteer, f"{name}.coordinator": value.coordinator} \
            if isinstance(value, ModuleClients) else {name: value}
        for client_name, client in clients.items():
            if isinstance(client, FlaskClient) and client.application is app:
                assert not _flashed(app, client), \
                    f"this test left a message for the next page of {client_name}, which the module's tests share"
    return result


def _flashed(app, client) -> bool:
    """Whether the client's session cookie holds a message the next page would show."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie is not None and "_flashes" in app.session_interface.get_signing_serializer(app).loads(cookie.value)


THE_TESTS_MOMENT = "2026-12-06T10:16:00+01:00"  # Sunday 06-12-2026 10:16 in Amsterdam


@pytest.fixture
def clock(app):
    """The app's and the test's clock, standing at THE_TESTS_MOMENT until the test moves it
    (`clock.set(...)`, `clock.advance(hours=2)`)."""
    fixed = programme_clock.FixedClock(THE_TESTS_MOMENT)
    app.config["CLOCK"] = fixed
    with programme_clock.using(fixed):
        yield fixed


@pytest.fixture(scope="module")
def module_clock(module_app):
    """`clock` for `module_app` and the module's tests; a test that moves it fails, as one that
    changes the app's config."""
    fixed = programme_clock.FixedClock(THE_TESTS_MOMENT)
    module_app.config["CLOCK"] = fixed
    with programme_clock.using(fixed):
        yield fixed


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The public site built once from site/ without data, for tests that read its pages."""
    import sitebuilder

    out = tmp_path_factory.mktemp("built-site") / "public"
    sitebuilder.build(sitebuilder.Site(sitebuilder.DEFAULT_ROOT), out)
    return out


@pytest.fixture
def store(app):
    return app.extensions["store"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_client(app):
    """A client that must send real CSRF tokens, as a browser does."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


class Personas:
    """Log in as one of the people who use the system."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def _ensure(self, email: str, role: str, name: str):
        store = self.app.extensions["store"]
        user = users.authenticate(store, email, PASSWORD)
        return user or users.create_user(store, email, PASSWORD, role, name)

    def login(self, email: str, role: str, name: str = ""):
        user = self._ensure(email, role, name)
        response = self.client.post("/beheer/inloggen", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, "login as a persona failed"
        return user

    def coordinator(self):
        return self.login("coordinator@lindenhoven.example", "coordinator", "Carla Coördinator")

    def volunteer(self):
        return self.login("vrijwilliger@lindenhoven.example", "volunteer", "Victor Vrijwilliger")

    def anonymous(self):
        with self.client.session_transaction() as session:
            session.clear()


def signed_in_client(app, email: str, password: str = PASSWORD):
    """The app's test client, logged in through the login form with its CSRF token."""
    client = app.test_client()
    form = client.get("/beheer/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/beheer/inloggen", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, f"login as {email} failed"
    return client


@pytest.fixture
def as_user(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    return Personas(app, client)
