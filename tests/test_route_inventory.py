"""Every route of the app, checked for an anonymous visitor, each role, and a volunteer of
another case. A route nobody listed below is coordinator-only by default: if someone adds
one without a guard, these tests fail.

Ids in URLs come from a small programme (tests/portal_data.py); for an `<int:...>` part the
tests put the id of a record that belongs to someone else (Bert's case, Bert's proposal),
so a volunteer who changes the id in the address bar must get a 404 or 403, never the page.
"""
from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from app import create_app
from tests import portal_data
from tests.portal_data import ANNA, PETRA, login

# Anyone may use these: the public site and its form posts, login, first-run setup, the
# invitation link, assets, and the calendar feed behind its secret token.
PUBLIC = {
    "public_site.page", "public_forms.submit_report", "public_forms.submit_referral",
    "public_forms.submit_application", "public_forms.form_token",
    "auth.login", "auth.login_code", "auth.setup", "auth.invitation",
    "admin.asset", "admin.htmx_js", "volunteers.calendar_feed", "portal.calendar_feed",
}
# Any logged-in account: one's own account, logging out, the portal's front door.
ANY_ACCOUNT = {"account.me", "account.change_password", "account.start_twofactor", "account.twofactor_setup",
               "account.confirm_twofactor", "account.disable_twofactor", "account.renew_recovery_codes",
               "auth.logout", "account.logout_everywhere", "portal.home"}
LOGGING_OUT = {"auth.logout", "account.logout_everywhere"}  # would end the session the checks run in
# A volunteer's pages beyond that; per-record ones check that the record is theirs.
VOLUNTEER = {"portal.case", "portal.handover_pdf", "portal.add_contact", "portal.add_debrief", "portal.answer",
             "portal.protocols", "portal.activities", "portal.answer_event", "portal.claims", "portal.add_claim", "portal.feed_renew",
             "protocols.read", "protocols.pdf", "protocols.acknowledge"}
# Shared documents, not anyone's record: a volunteer may open any published protocol.
SHARED = {"protocols.read", "protocols.pdf", "protocols.acknowledge"}
PARTNER: set[str] = set()  # partners only have the portal's front door
METHODS = ("GET", "POST")


def make_system(folder, **settings):
    app = create_app({
        "INSTANCE_PATH": folder / "instance", "TESTING": True, "SECRET_KEY": "test",
        "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False, "LOGIN_THROTTLE_ENABLED": False,
        "RETENTION_AUTO_RUN": False, "FORM_RATE_LIMIT": 10_000,
        # PDFs made in this process, as the conftest's app does: a WeasyPrint start per PDF costs
        # seconds; the PDF in a process of its own is tests/test_startup_cost.py's to try.
        "PDF_SEPARATE_PROCESS": False, **settings,
    })
    programme = portal_data.build(app.extensions["store"])
    return app, programme


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    return make_system(tmp_path_factory.mktemp("inventory"))


@pytest.fixture(scope="module")
def on_demand_system(tmp_path_factory):
    """As CGI makes it (deploy/app.cgi): each blueprint is loaded by the first request for it."""
    return make_system(tmp_path_factory.mktemp("inventory-on-demand"), ON_DEMAND=True)


def sample_values(programme) -> dict:
    """URL values that point at someone else's records (seen from Anna, volunteer A)."""
    return {
        "case_id": programme.case_b, "proposal_id": programme.proposal_d, "volunteer_id": programme.bert,
        "partner_id": programme.housing, "user_id": int(programme.user_bert), "event_id": programme.event_b,
        "claim_id": programme.claim_b, "record_id": programme.record_b, "protocol_id": programme.protocol,
        "number": 1, "year": 2026, "token": "x" * 32, "form_name": "report", "filename": "admin.css",
        "path": "index.html", "key": "conflict_types", "value": "geluidsoverlast", "kind_key": "cursus",
    }


def url_of(rule: Rule, values: dict) -> str:
    chosen = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if name in (rule.defaults or {}):
            chosen[name] = rule.defaults[name]
        elif name in values:
            chosen[name] = values[name]
        elif hasattr(converter, "items"):  # <any(a, b):name>
            chosen[name] = sorted(converter.items)[0]
        else:
            chosen[name] = 1
    return rule.build(chosen, append_unknown=False)[1]


def routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in METHODS:
            if method in rule.methods:
                yield rule, method


def call(client, method: str, url: str):
    return client.open(url, method=method, data={} if method == "POST" else None)


def unguarded(app, client, allowed: set[str], values: dict, who: str) -> list[str]:
    """Routes outside `allowed` that did not refuse this client (403, or the login for anonymous)."""
    problems = []
    for rule, method in routes(app):
        if rule.endpoint in allowed or rule.endpoint in LOGGING_OUT:
            continue
        response = call(client, method, url_of(rule, values))
        refused = (response.status_code in (302, 303) and "/beheer/inloggen" in response.headers.get("Location", "")
                   if who == "anonymous" else response.status_code == 403)
        if not refused:
            problems.append(f"{method} {rule.rule} ({rule.endpoint}) answered {response.status_code} to {who}")
    return problems


@pytest.mark.parametrize("made", ["system", "on_demand_system"])
def test_every_route_is_public_on_purpose_or_sends_an_anonymous_visitor_to_the_login(made, request):
    app, programme = request.getfixturevalue(made)
    problems = unguarded(app, app.test_client(), PUBLIC, sample_values(programme), "anonymous")
    assert not problems, "\n".join(problems)


def test_the_public_routes_never_fail_for_an_anonymous_visitor(system):
    app, programme = system
    client = app.test_client()
    failures = [f"{method} {rule.rule}: {status}" for rule, method in routes(app) if rule.endpoint in PUBLIC
                for status in [call(client, method, url_of(rule, sample_values(programme))).status_code] if status >= 500]
    assert not failures, "\n".join(failures)


def test_a_volunteer_reaches_only_the_portal_their_account_and_the_protocols(system):
    app, programme = system
    client = app.test_client()
    login(client, ANNA)
    problems = unguarded(app, client, PUBLIC | ANY_ACCOUNT | VOLUNTEER, sample_values(programme), "a volunteer")
    assert not problems, "\n".join(problems)


def test_a_partner_reaches_only_the_portal_and_their_account(system):
    app, programme = system
    client = app.test_client()
    login(client, PETRA)
    problems = unguarded(app, client, PUBLIC | ANY_ACCOUNT | PARTNER, sample_values(programme), "a partner")
    assert not problems, "\n".join(problems)


def test_a_volunteer_of_another_case_cannot_reach_it_by_changing_an_id_in_the_url(system):
    app, programme = system
    client = app.test_client()
    login(client, ANNA)
    values = sample_values(programme)
    leaks = []
    for rule, method in routes(app):
        if rule.endpoint not in VOLUNTEER - SHARED or not rule.arguments:
            continue
        status = call(client, method, url_of(rule, values)).status_code
        if status not in (403, 404):
            leaks.append(f"{method} {rule.rule} ({rule.endpoint}) answered {status} for someone else's record")
    assert not leaks, "\n".join(leaks)
    # ...and the same pages do open with her own ids, so the 404s above are not an accident.
    own = {**values, "case_id": programme.case_a}
    assert client.get(url_of(app.url_map._rules_by_endpoint["portal.case"][0], own)).status_code == 200


def test_the_coordinator_only_pages_of_the_portal_refuse_the_coordinator_too(system):
    """A coordinator has the admin; the volunteer's per-case forms are the volunteer's own."""
    app, programme = system
    client = app.test_client()
    login(client, portal_data.COORDINATOR)
    own = {**sample_values(programme), "case_id": programme.case_a}
    for endpoint in sorted(VOLUNTEER - SHARED):
        rule = app.url_map._rules_by_endpoint[endpoint][0]
        method = "GET" if "GET" in rule.methods else "POST"
        assert call(client, method, url_of(rule, own)).status_code == 403, endpoint


@pytest.mark.parametrize("made", ["system", "on_demand_system"])
def test_every_page_opens_for_the_coordinator_without_a_server_error(made, request):
    app, programme = request.getfixturevalue(made)
    client = app.test_client()
    login(client, portal_data.COORDINATOR)
    own = {**sample_values(programme), "case_id": programme.case_a}
    failures = []
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint in VOLUNTEER - SHARED:
            continue
        status = client.get(url_of(rule, own)).status_code
        if status >= 500:
            failures.append(f"GET {rule.rule} ({rule.endpoint}): {status}")
    assert not failures, "\n".join(failures)


def test_the_inventory_notices_a_new_route_without_protection(tmp_path):
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "TESTING": True, "SECRET_KEY": "test",
                      "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False, "RETENTION_AUTO_RUN": False})
    programme = portal_data.build(app.extensions["store"])
    app.add_url_rule("/beheer/vergeten/<int:case_id>", "forgotten", lambda case_id: "open voor iedereen")
    problems = unguarded(app, app.test_client(), PUBLIC, sample_values(programme), "anonymous")
    assert problems == ["GET /beheer/vergeten/<int:case_id> (forgotten) answered 200 to anonymous"]
