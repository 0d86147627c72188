"""First-run setup, login, logout, CSRF and security headers."""
import re

from buurtbemiddeling.auth import setup_code, users

from .conftest import PASSWORD


def code(app) -> str:
    """What the installer reads from <instance>/setup-code."""
    return setup_code.ensure(app.instance_path)


def test_the_first_visit_to_the_admin_asks_to_create_the_coordinator_account(client):
    response = client.get("/beheer/", follow_redirects=True)
    assert "Maak het coördinatoraccount" in response.get_data(as_text=True)


def test_the_first_run_page_gives_the_login_address_the_system_really_runs_at(client):
    html = client.get("/beheer/eerste-keer", base_url="http://localhost:8080").get_data(as_text=True)
    assert "Daarna logt u in op <strong>http://localhost:8080/beheer/inloggen</strong>" in html


def test_the_setup_page_creates_a_coordinator_and_logs_them_in(client, store, app):
    response = client.post("/beheer/eerste-keer", data={
        "name": "Carla", "email": "Carla@Example.nl", "password": PASSWORD, "password_repeat": PASSWORD,
        "code": code(app).lower(),  # typed as read, in any case
    }, follow_redirects=True)
    assert "Vandaag" in response.get_data(as_text=True)
    user = users.authenticate(store, "carla@example.nl", PASSWORD)
    assert user is not None and user.role == "coordinator"
    assert not setup_code.path(app.instance_path).exists()  # used once, then gone


def test_without_the_installers_one_time_code_nobody_can_claim_a_fresh_install(client, store, app):
    page = client.get("/beheer/eerste-keer").get_data(as_text=True)
    assert 'name="code"' in page and "setup-code" in page
    assert oct(setup_code.path(app.instance_path).stat().st_mode & 0o777) == "0o600"
    for typed in ("", "AAAA-BBBB-CCCC"):
        response = client.post("/beheer/eerste-keer", data={
            "name": "Indringer", "email": "x@example.nl", "password": PASSWORD, "password_repeat": PASSWORD,
            "code": typed})
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and "eenmalige code klopt niet" in html
        assert 'value="x@example.nl"' in html  # nothing typed is lost
    assert not users.has_users(store)


def test_the_setup_page_disappears_once_an_account_exists(client, as_user):
    as_user.coordinator()
    as_user.client.post("/beheer/uitloggen")
    response = client.get("/beheer/eerste-keer")
    assert response.status_code == 302 and response.location.endswith("/beheer/inloggen")
    response = client.post("/beheer/eerste-keer", data={
        "email": "intruder@example.nl", "password": PASSWORD, "password_repeat": PASSWORD})
    assert response.status_code == 302
    assert users.authenticate(as_user.app.extensions["store"], "intruder@example.nl", PASSWORD) is None


def test_setup_keeps_what_was_typed_when_the_passwords_differ(client):
    response = client.post("/beheer/eerste-keer", data={
        "name": "Carla", "email": "carla@example.nl", "password": PASSWORD, "password_repeat": "iets anders helemaal",
        "code": code(client.application)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "niet gelijk" in html and 'value="carla@example.nl"' in html and 'value="Carla"' in html


def test_setup_rejects_a_short_password(client):
    response = client.post("/beheer/eerste-keer", data={"email": "c@example.nl", "password": "kort", "password_repeat": "kort",
                                                       "code": code(client.application)})
    assert response.status_code == 422
    assert "minstens 12 tekens" in response.get_data(as_text=True)


def test_passwords_are_stored_hashed(store, as_user):
    as_user.coordinator()
    doc = store.read().table("users").all()[0]
    assert PASSWORD not in str(doc) and doc["password_hash"].startswith(("scrypt:", "pbkdf2:"))


def test_only_a_testing_app_hashes_passwords_cheaply_and_each_kind_of_hash_still_verifies(tmp_path):
    from app import create_app

    hashes = {}
    for testing in (False, True):
        store = create_app({"INSTANCE_PATH": tmp_path / str(testing), "TESTING": testing}).extensions["store"]
        users.create_user(store, "carla@example.nl", PASSWORD, "coordinator")
        hashes[testing] = store.read().table("users").all()[0]["password_hash"]
        assert users.authenticate(store, "carla@example.nl", PASSWORD) is not None
        assert users.authenticate(store, "carla@example.nl", "fout fout fout") is None
    assert hashes[False].startswith("scrypt:") and hashes[True].startswith(users.TEST_HASH_METHOD + "$")


def test_a_wrong_password_gives_one_message_for_unknown_and_known_accounts(client, as_user):
    as_user.coordinator()
    as_user.client.post("/beheer/uitloggen")
    wrong = client.post("/beheer/inloggen", data={"email": "coordinator@lindenhoven.example", "password": "fout fout fout"})
    unknown = client.post("/beheer/inloggen", data={"email": "niemand@lindenhoven.example", "password": "fout fout fout"})
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "klopt niet" in response.get_data(as_text=True)


def test_login_does_not_redirect_to_another_site(client, as_user):
    as_user.coordinator()
    as_user.client.post("/beheer/uitloggen")
    response = client.post("/beheer/inloggen?next=//evil.example/x",
                           data={"email": "coordinator@lindenhoven.example", "password": PASSWORD})
    assert response.location == "/beheer/"


def test_logout_is_post_only(client, as_user):
    as_user.coordinator()
    assert client.get("/beheer/uitloggen").status_code == 405
    client.post("/beheer/uitloggen")
    assert client.get("/beheer/").status_code == 302


def test_a_volunteer_may_not_use_the_coordinators_admin(module_clients):
    client = module_clients.volunteer
    assert client.get("/beheer/").status_code == 403
    assert client.get("/beheer/meldingen/").status_code == 403


def test_every_post_without_a_csrf_token_is_refused(csrf_client, store):
    users.create_user(store, "c@example.nl", PASSWORD, "coordinator")
    response = csrf_client.post("/beheer/inloggen", data={"email": "c@example.nl", "password": PASSWORD})
    assert response.status_code == 400


def test_htmx_requests_carry_the_csrf_token_in_a_header_set_on_body(csrf_client, store):
    users.create_user(store, "c@example.nl", PASSWORD, "coordinator")
    page = csrf_client.get("/beheer/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in page
    response = csrf_client.post("/beheer/inloggen", data={"email": "c@example.nl", "password": PASSWORD},
                                headers={"X-CSRFToken": token})
    assert response.status_code == 302


def test_every_response_carries_the_security_headers(client):
    response = client.get("/beheer/inloggen", follow_redirects=True)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_secure_and_http_only_by_default(tmp_path):
    from app import create_app

    app = create_app({"INSTANCE_PATH": tmp_path / "i"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_secret_key_is_generated_once_and_readable_only_by_its_owner(tmp_path):
    from app import create_app

    first = create_app({"INSTANCE_PATH": tmp_path / "i"}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": tmp_path / "i"}).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "i" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_not_yet_built_areas_say_so_plainly(module_clients):
    from buurtbemiddeling.admin import areas

    client = module_clients.coordinator
    for area in areas.unbuilt():
        assert "nog niet gebouwd" in client.get(f"/beheer/{area.slug}").get_data(as_text=True)
    nav = client.get("/beheer/").get_data(as_text=True)
    for label in ("Vandaag", "Meldingen", "Zaken", "Vrijwilligers", "Netwerk", "Budget", "Protocollen", "Rapportages", "Instellingen"):
        assert f">{label}</a>" in nav


def test_an_htmx_request_gets_a_partial_without_the_layout(module_clients):
    client = module_clients.coordinator
    response = client.get("/beheer/meldingen/", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<h1>Meldingen</h1>" in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in client.get("/beheer/meldingen/").get_data(as_text=True)


def test_the_top_bar_links_the_users_name_to_their_own_account(module_clients):
    client = module_clients.coordinator
    html = client.get("/beheer/").get_data(as_text=True)
    assert 'class="who" href="/beheer/mijn-account/"' in html and "Carla Coördinator" in html


def test_errors_in_the_admin_are_explained_in_dutch_with_a_way_back(module_clients):
    client = module_clients.volunteer
    forbidden = client.get("/beheer/meldingen/")
    assert forbidden.status_code == 403
    html = forbidden.get_data(as_text=True)
    assert "Geen toegang" in html and 'href="/portaal/"' in html
    missing = client.get("/beheer/bestaat-niet")
    assert missing.status_code == 404 and "Pagina niet gevonden" in missing.get_data(as_text=True)


def test_over_plain_http_the_login_page_says_https_is_needed_instead_of_form_expired(tmp_path):
    from app import create_app

    app = create_app({"INSTANCE_PATH": tmp_path / "i", "SECRET_KEY": "x", "SESSION_COOKIE_SECURE": True})
    client = app.test_client()
    users.create_user(app.extensions["store"], "c@example.nl", PASSWORD, "coordinator", "C")
    page = client.get("/beheer/inloggen", base_url="http://beheer.example").get_data(as_text=True)
    assert "Deze verbinding is niet beveiligd" in page and "https://beheer.example/beheer/inloggen" in page
    refused = client.post("/beheer/inloggen", base_url="http://beheer.example",
                          data={"email": "c@example.nl", "password": PASSWORD})
    assert refused.status_code == 400 and "alleen via https" in refused.get_data(as_text=True)
    assert "niet beveiligd" not in client.get("/beheer/inloggen", base_url="https://beheer.example").get_data(as_text=True)
