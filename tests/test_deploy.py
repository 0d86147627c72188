"""Shared hosting: the CGI and Passenger entries, deploy/publish.py, a fast cold start, and the
whole thing behind a real Apache (Debian's apache2, started by the test on a loopback port)."""
from __future__ import annotations

import importlib.util
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import SourceFileLoader
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.security import generate_password_hash

import sitebuilder
from buurtbemiddeling.auth import setup_code, users
from common import instance as instances
from buurtbemiddeling.reports import intake
from db import Store
from tests.deploy.apache import Apache, apache_binary, customer_account, python_for, suexec_available
from tests.test_reports import VALID
from tests.warm_python import WarmPython

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
TIMEOUT = 60


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path, loader=SourceFileLoader(name, str(path)))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


publish = load(DEPLOY / "publish.py", "deploy_publish")


def stored_reports(instance: Path) -> list:
    return Store(instance / "data").read().table(intake.TABLE).all()


# -- the CGI entry, run as Apache runs it: a process with a CGI environment -----------------

# Each request a process of its own, forked from one that imported Flask once (tests/warm_python.py);
# fresh interpreters run it through the real Apache below and in tests/test_startup_cost.py.
CGI_PROCESSES = WarmPython(["flask"])


@pytest.fixture(scope="module", autouse=True)
def cgi_processes():
    yield
    CGI_PROCESSES.stop()


def run_cgi(instance: Path | None, method: str, path: str = "", body: bytes = b"", *,
            script: Path = DEPLOY / "app.cgi", allow_failure: bool = False, **environ: str) -> tuple[int, dict[str, str], str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **({"BUURTBEMIDDELING_INSTANCE": str(instance)} if instance else {}),
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": method, "SCRIPT_NAME": "",
        "PATH_INFO": path, "QUERY_STRING": "",
        **({"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body))} if body else {}),
        **environ,
    }
    done = CGI_PROCESSES.run([str(script)], input=body, env=env, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr.decode()
    head, _, text = done.stdout.partition(b"\r\n\r\n")
    headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n"))
    status = int(headers.pop("Status").split()[0])
    assert status < 500 or allow_failure, done.stderr.decode()
    return status, headers, text.decode()


def test_a_report_posted_through_cgi_is_stored_and_the_resident_goes_to_the_thank_you_page(tmp_path):
    status, headers, _ = run_cgi(tmp_path, "POST", "/melding", urlencode(VALID, doseq=True).encode())
    assert (status, headers["Location"]) == (303, "/melding/bedankt/")
    [report] = stored_reports(tmp_path)
    assert report["values"]["postcode"] == "7412 AB" and report["status"] == "nieuw"


def test_a_bad_report_through_cgi_comes_back_in_dutch_and_is_not_stored(tmp_path):
    body = urlencode({**VALID, "postcode": "12345"}, doseq=True).encode()
    status, _, html = run_cgi(tmp_path, "POST", "/melding", body)
    assert status == 422 and "4 cijfers en 2 letters" in html and 'value="Anna de Vries"' in html
    assert stored_reports(tmp_path) == []


def test_the_admin_through_cgi_sends_the_first_visitor_to_the_first_run_page(tmp_path):
    status, headers, _ = run_cgi(tmp_path, "GET", "/beheer/inloggen")
    assert (status, headers["Location"]) == (302, "/beheer/eerste-keer")
    status, _, html = run_cgi(tmp_path, "GET", "/beheer/eerste-keer")
    assert status == 200 and "<form" in html


def test_behind_the_htaccess_rewrite_the_app_answers_the_address_the_visitor_asked_for(tmp_path):
    # Apache's view of a rewritten request: the script's name, the visitor's URI, no PATH_INFO.
    status, headers, _ = run_cgi(tmp_path, "GET", SCRIPT_NAME="/app.cgi", PATH_INFO="",
                                 REQUEST_URI="/beheer/inloggen?next=%2Fbeheer%2F", QUERY_STRING="next=%2Fbeheer%2F")
    assert (status, headers["Location"]) == (302, "/beheer/eerste-keer")  # not /app.cgi/beheer/...


def test_a_post_only_address_through_cgi_answers_405_to_a_get(tmp_path):
    assert run_cgi(tmp_path, "GET", "/melding")[0] == 405


# -- Passenger ------------------------------------------------------------------------------

def test_passenger_finds_the_application_and_its_instance_folder_from_the_environment(tmp_path):
    code = ("import runpy; app = runpy.run_path('deploy/passenger_wsgi.py')['application']; "
            "print(app.test_client().get('/beheer/inloggen').status_code, app.instance_path)")
    (tmp_path / "gegevens").mkdir()
    env = {**os.environ, "BUURTBEMIDDELING_INSTANCE": str(tmp_path / "gegevens")}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert done.stdout.split() == ["302", str(tmp_path / "gegevens")], done.stderr
    assert (tmp_path / "gegevens" / "secret_key").is_file()


# -- a cold start is what every CGI request costs ------------------------------------------

HEAVY = ("weasyprint", "matplotlib", "PIL", "numpy", "pandas", "fontTools", "pydyf", "reportlab")


def test_a_cold_start_imports_no_pdf_or_chart_library(tmp_path):
    code = ("import sys, app; app.create_app({'INSTANCE_PATH': sys.argv[1]}); "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()) & set(HEAVY) == set(), "import these inside the function that uses them"


def test_the_dummy_password_hash_costs_what_a_real_check_costs():
    # Login hashes against it for unknown e-mail addresses; it is a constant so import stays fast.
    assert users._DUMMY_HASH.split("$")[0] == generate_password_hash("x").split("$")[0]


# -- deploy/publish.py ----------------------------------------------------------------------

def test_the_static_pages_get_the_same_security_headers_as_the_app(client):
    block = (DEPLOY / ".htaccess").read_text()
    static = dict(re.findall(r'^Header set (\S+) "(.*)"$', block, re.MULTILINE))
    static.pop("Cache-Control")  # for styles and scripts only, not a security header
    answer = client.get("/beheer/inloggen").headers
    assert static and static == {name: answer[name] for name in static}
    assert set(static) >= {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"}


def test_publishing_keeps_the_hosts_own_htaccess_lines_and_replaces_only_its_block():
    host = "# DO NOT REMOVE. CLOUDLINUX PASSENGER CONFIGURATION BEGIN\nPassengerAppRoot \"/home/x\"\n"
    once = publish.htaccess(host)
    twice = publish.htaccess(once)
    assert twice == once and twice.count(publish.BEGIN) == 1 and twice.startswith(host)
    assert "\nSetEnv" not in twice  # suexec would drop it: app.cgi carries the instance folder


def test_with_passenger_the_static_pages_keep_the_security_headers_and_no_folder_listings():
    passenger = publish.htaccess("PassengerAppRoot \"/home/x\"\n", passenger=True)
    assert passenger.startswith("PassengerAppRoot") and "Options -Indexes\n" in passenger
    assert 'Header set Content-Security-Policy' in passenger and 'Header set X-Frame-Options "DENY"' in passenger
    directives = "\n".join(line for line in passenger.splitlines() if not line.startswith("#"))
    assert "RewriteRule" not in directives and "ExecCGI" not in directives and "cgi-script" not in directives


@pytest.fixture
def location_file(tmp_path, monkeypatch):
    """Where publish.py records the instance folder: a temporary file, not the repo's."""
    path = tmp_path / "instance-location"
    monkeypatch.setattr(instances, "LOCATION_FILE", path)
    monkeypatch.delenv(instances.ENVIRONMENT, raising=False)
    return path


def test_publishing_builds_the_site_and_installs_htaccess_and_the_cgi_script(tmp_path, location_file):
    public = tmp_path / "public"
    public.mkdir()
    (public / "sitemap.xml").write_text("")  # an earlier build...
    (public / ".htaccess").write_text("Redirect 301 /oud /\n")  # ...with a line of the host's
    assert publish.main(["--out", str(public), "--instance", str(tmp_path / "gegevens")]) == 0
    assert (public / "index.html").is_file() and (public / "assets").is_dir()
    htaccess = (public / ".htaccess").read_text()
    assert htaccess.startswith("Redirect 301 /oud /\n") and "RewriteRule ^ app.cgi [L]" in htaccess
    script = public / "app.cgi"
    assert script.read_text().splitlines()[0] == f"#!{sys.executable}"
    assert f"PROJECT = Path({str(REPO)!r})" in script.read_text()
    assert f"INSTANCE = {str(tmp_path / 'gegevens')!r}" in script.read_text()
    assert location_file.read_text().strip() == str(tmp_path / "gegevens")
    assert oct((tmp_path / "gegevens").stat().st_mode & 0o777) == "0o700"
    assert os.access(script, os.X_OK) and public.stat().st_mode & 0o005 == 0o005  # others may read the site
    # The installed copy finds its instance without any environment variable (suexec drops them).
    status, headers, _ = run_cgi(None, "GET", "/beheer/inloggen", script=script)
    assert (status, headers["Location"]) == (302, "/beheer/eerste-keer")
    assert (tmp_path / "gegevens" / "secret_key").is_file()


def test_publishing_again_swaps_the_whole_site_in_at_once_with_its_server_files(tmp_path, location_file):
    public = tmp_path / "public"
    assert publish.main(["--out", str(public), "--instance", str(tmp_path / "gegevens")]) == 0
    first = public.stat().st_ino
    assert publish.main(["--out", str(public)]) == 0  # the recorded instance folder is kept
    assert public.stat().st_ino != first and (public / "app.cgi").is_file() and (public / ".htaccess").is_file()
    assert f"INSTANCE = {str(tmp_path / 'gegevens')!r}" in (public / "app.cgi").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gegevens", "instance-location", "public"]  # no leftovers


# -- where the data is: decided at install, found by every entry point ----------------------

def project_copy(tmp_path: Path) -> Path:
    """The code as a host has it, so a test may write its instance-location file."""
    copy = tmp_path / "project"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "public", "instance", "instance-location", ".pytest_cache", "tests"))
    return copy


def flask_command(project: Path, *args: str, terminal: bool = False) -> subprocess.CompletedProcess:
    # As cron runs it: the project folder, no BUURTBEMIDDELING_INSTANCE, nothing else set.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(project)}
    command = [sys.executable, "-m", "flask", "--app", "app", *args]
    if terminal:  # as a person types it: util-linux `script` gives the command a terminal
        command = ["script", "-qec", " ".join(command), "/dev/null"]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def test_maintenance_commands_as_cron_runs_them_use_the_installed_instance_and_say_which(tmp_path):
    project, data = project_copy(tmp_path), tmp_path / "gegevens"
    instances.remember(data, location_file=project / "instance-location")
    done = flask_command(project, "backup")
    assert done.returncode == 0, done.stderr
    assert f"Reservekopie gemaakt: {data / 'backups'}" in done.stdout
    # At a terminal every command first says which instance it uses.
    at_terminal = flask_command(project, "backup", terminal=True)
    assert f"Instancemap: {data} (vastgelegd in {project / 'instance-location'})" in at_terminal.stdout
    assert not (project / "instance").exists()  # never a second, empty instance beside the code
    for command in ("retention", "send-mail"):  # the other cron lines: nothing on stderr, so cron mails nothing
        done = flask_command(project, command)
        assert (done.returncode, done.stderr) == (0, ""), (command, done.stderr)


def test_a_configured_instance_that_is_missing_stops_every_command_without_creating_one(tmp_path):
    project = project_copy(tmp_path)
    (project / "instance-location").write_text(str(tmp_path / "weg") + "\n")
    done = flask_command(project, "backup")
    assert done.returncode != 0 and "bestaat niet" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "weg").exists() and not (project / "instance").exists()


def test_the_doctor_names_the_instance_and_what_to_do_about_each_problem(tmp_path, location_file):
    public, data = tmp_path / "public", tmp_path / "gegevens"
    assert publish.main(["--out", str(public), "--instance", str(data)]) == 0
    from app import create_app

    app = create_app({"PUBLIC_DIR": str(public)})
    output = app.test_cli_runner().invoke(args=["doctor"]).output
    assert f"[in orde] Instancemap: {data} (vastgelegd in {location_file})" in output
    assert f"[in orde] CGI: {public / 'app.cgi'} gebruikt deze instancemap" in output
    assert "[let op] E-mail: geen mailserver ingesteld" in output and "MAIL_SERVER" in output
    code = setup_code.ensure(data)
    assert f"typ de eenmalige code {code}" in output  # only the installer runs commands
    other = create_app({"INSTANCE_PATH": tmp_path / "ander", "PUBLIC_DIR": str(public)})
    result = other.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1 and "[fout] CGI: app.cgi gebruikt een andere instancemap" in result.output


# -- the CGI script itself -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/app.cgi", "/app.cgi/.htaccess", "/app.cgi/app.cgi", "/app.cgi/index.html",
                                  "/app.cgi/beheer/inloggen"])
def test_the_script_addressed_directly_hands_out_nothing(tmp_path, path):
    status, _, body = run_cgi(tmp_path, "GET", SCRIPT_NAME="/app.cgi", PATH_INFO=path.removeprefix("/app.cgi"),
                              REQUEST_URI=path)
    assert status == 404 and "RewriteRule" not in body and "PROJECT" not in body


def test_the_app_never_serves_a_dot_file_or_a_script_of_the_site(tmp_path):
    from app import create_app

    public = tmp_path / "public"
    sitebuilder.build(sitebuilder.Site(sitebuilder.DEFAULT_ROOT), public)
    (public / ".htaccess").write_text("SetEnv GEHEIM 1\n")
    (public / "app.cgi").write_text("PROJECT = 1\n")
    (public / "prive").mkdir()
    (public / "prive" / ".htpasswd").write_text("coordinator:x\n")
    client = create_app({"INSTANCE_PATH": tmp_path / "i", "PUBLIC_DIR": str(public), "TESTING": True}).test_client()
    for path in ("/.htaccess", "/app.cgi", "/prive/.htpasswd", "/%2Ehtaccess"):
        response = client.get(path)
        assert response.status_code == 404 and b"GEHEIM" not in response.data and b"coordinator:" not in response.data


def test_the_instance_config_toml_is_read_at_start_up(tmp_path):
    from app import create_app

    (tmp_path / "config.toml").write_text("MAIL_SERVER = 'smtp.example.nl'\nTRUSTED_HOSTS = ['bemiddeling.example.nl']\n")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["MAIL_SERVER"] == "smtp.example.nl" and app.config["TRUSTED_HOSTS"] == ["bemiddeling.example.nl"]


def test_when_the_app_cannot_start_under_cgi_the_visitor_gets_a_dutch_page_and_the_cause_is_logged(tmp_path):
    (tmp_path / "config.toml").write_text("MAIL_PASSWORD = 'geheim'\nORGANISATION = \n")
    status, headers, html = run_cgi(tmp_path, "GET", "/beheer/", allow_failure=True)
    assert status == 500 and headers["Content-Type"].startswith("text/html")
    assert "Het beheer kan nu niet starten" in html and "config.toml" in html and "geheim" not in html
    log = (tmp_path / "logs" / "fouten.log").read_text()
    assert "app.cgi kon niet starten" in log and "TOMLDecodeError" in log


def test_under_cgi_a_missing_instance_folder_is_named_on_the_500_page_and_not_created(tmp_path):
    status, _, html = run_cgi(tmp_path / "weg", "GET", "/melding", b"x=1", allow_failure=True)
    assert status == 500 and "bestaat niet" in html and str(tmp_path / "weg") in html
    assert not (tmp_path / "weg").exists()


# -- through a real Apache -------------------------------------------------------------------

@pytest.fixture(scope="module")
def apache(built_site):
    if apache_binary() is None:
        pytest.skip("Debian's apache2 is not installed (apt-get install apache2; make test installs it)")
    server = Apache()
    try:
        shutil.copytree(built_site, server.public, dirs_exist_ok=True)  # the site as built (byte-identical builds)
        publish.install(server.public, python=server.python, instance=str(server.instance))
        server.start()
        yield server
    finally:
        server.stop()  # also removes its folder


def test_through_apache_a_posted_report_is_stored_and_the_thank_you_page_is_served_static(apache):
    response = apache.request("POST", "/melding", urlencode(VALID, doseq=True),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status, response.headers["Location"]) == (303, "/melding/bedankt/"), apache.errors()
    [report] = [r for r in stored_reports(apache.instance) if r["values"]["name"] == VALID["name"]]
    assert report["values"]["postcode"] == "7412 AB"
    response = apache.request("GET", "/melding/bedankt/")
    assert response.status == 200
    assert response.body == (apache.public / "melding" / "bedankt" / "index.html").read_bytes()


def test_through_apache_the_home_page_and_assets_are_static_with_the_apps_security_headers(apache, client):
    app_headers = client.get("/beheer/inloggen").headers
    for path in ("/", "/en/", "/assets/htmx.min.js"):
        response = apache.request("GET", path)
        assert response.status == 200, path
        for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
            assert response.headers.get_all(name) == [app_headers[name]], (path, name)


def test_through_apache_the_admin_goes_to_the_app_at_its_own_address(apache):
    response = apache.request("GET", "/beheer/inloggen")
    assert (response.status, response.headers["Location"]) == (302, "/beheer/eerste-keer"), apache.errors()
    response = apache.request("GET", "/beheer/eerste-keer")
    assert response.status == 200 and b'name="csrf_token"' in response.body
    assert response.headers.get_all("X-Frame-Options") == ["DENY"]  # once: the app's, not also Apache's


def test_through_apache_unknown_addresses_get_the_sites_404_page_and_a_get_on_a_form_address_405(apache):
    response = apache.request("GET", "/bestaat-niet")
    assert response.status == 404 and response.body == (apache.public / "404.html").read_bytes()
    response = apache.request("GET", "/en/does-not-exist/")
    assert response.status == 404 and response.body == (apache.public / "en" / "404.html").read_bytes()
    assert apache.request("GET", "/melding").status == 405
    assert apache.request("GET", "/.htaccess").status == 403


PAGE_BUDGET = 50 * 1024  # bytes sent for a page and everything it loads, on a poor connection


def sent(apache, path: str) -> tuple[int, str]:
    """Bytes Apache sends for `path` to a browser that accepts gzip (headers too), and the encoding."""
    response = apache.request("GET", path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status == 200, (path, response.status)
    return len(response.body) + len(str(response.headers)), response.headers.get("Content-Encoding", "")


def page_weight(apache, url: str, loaded: dict[str, tuple[int, str]]) -> int:
    """The page, its style sheet, icon, logo and scripts, and the start token a form page fetches.
    `loaded`: what an address loaded by an earlier page was sent as (the same file; a form's start
    token is started through CGI, a new process each time, and is as long for every page of that form)."""
    from tests.html_tree import parse

    total, encoding = sent(apache, url)
    assert encoding == "gzip", url
    tree = parse(apache.request("GET", url).body.decode("utf-8"))
    loads = {e.attrs["href"] for e in tree.find_all("link") if e.attrs.get("rel") in ("stylesheet", "icon")}
    loads |= {e.attrs["src"] for e in tree.find_all("script") + tree.find_all("img")}
    loads |= {e.attrs["data-hx-get"] for e in tree.find_all(cls="form__token")}
    for path in sorted(loads):
        if path not in loaded:
            loaded[path] = sent(apache, path)
        size, encoding = loaded[path]
        assert encoding == "gzip" or path.endswith((".png", ".jpg", ".webp")) or "formulier-start" in path, path
        total += size
    return total


def test_through_apache_every_page_with_what_it_loads_is_sent_in_less_than_50_kb(apache):
    site = sitebuilder.Site(sitebuilder.DEFAULT_ROOT)
    loaded: dict[str, tuple[int, str]] = {}
    weights = {page.url: page_weight(apache, page.url, loaded) for page in site.pages}
    assert max(weights.values()) < PAGE_BUDGET, sorted(weights.items(), key=lambda item: -item[1])[:5]
    form_pages = [page.url for page in site.pages if page.form]
    assert form_pages and all(weights[url] > 20 * 1024 for url in form_pages)  # htmx is counted


def test_through_apache_a_folder_address_without_its_slash_is_redirected_to_the_folder(apache):
    response = apache.request("GET", "/en")
    assert response.status == 301 and response.headers["Location"].endswith(f":{apache.port}/en/")


def test_through_apache_reports_posted_at_the_same_time_are_all_stored(apache):
    names = [f"Gelijktijdig {n}" for n in range(8)]

    def post(name):
        return apache.request("POST", "/melding", urlencode({**VALID, "name": name}, doseq=True),
                              {"Content-Type": "application/x-www-form-urlencoded"}).status

    with ThreadPoolExecutor(len(names)) as pool:
        assert list(pool.map(post, names)) == [303] * len(names), apache.errors()
    stored = {r["values"]["name"] for r in stored_reports(apache.instance)}
    assert stored >= set(names)


def test_a_host_that_refuses_options_in_htaccess_is_served_by_a_local_setting_not_an_edited_file(tmp_path,
                                                                                               location_file):
    data = tmp_path / "gegevens"
    data.mkdir()
    (data / "config.toml").write_text("HTACCESS_OPTIONS = false\n")
    assert publish.main(["--out", str(tmp_path / "public"), "--instance", str(data)]) == 0
    htaccess = (tmp_path / "public" / ".htaccess").read_text()
    assert "\nOptions " not in htaccess and "AddHandler cgi-script .cgi" in htaccess


def test_through_apache_publishing_during_traffic_gives_no_visitor_an_error(apache):
    site = sitebuilder.Site(sitebuilder.DEFAULT_ROOT)
    done, answers = False, []

    def visitor(n: int) -> None:
        rounds = 0
        while not done:
            rounds += 1
            if n % 2 and rounds <= 2:  # a few posts: the form's rate limit counts per address
                answers.append(("POST", apache.request("POST", "/melding", urlencode(
                    {**VALID, "name": f"Tijdens publiceren {n}"}, doseq=True),
                    {"Content-Type": "application/x-www-form-urlencoded"}).status))
            for path in ("/", "/melding-doen/", "/assets/site.css", "/en/"):
                answers.append((path, apache.request("GET", path).status))

    with ThreadPoolExecutor(4) as pool:
        visitors = [pool.submit(visitor, n) for n in range(4)]
        for _ in range(3):
            sitebuilder.build(site, apache.public, prepare=lambda new: publish.install(
                new, python=apache.python, instance=str(apache.instance)))
        done = True
        for v in visitors:
            v.result()
    assert len(answers) > 20
    assert [a for a in answers if a[1] not in (200, 303)] == [], apache.errors()


def test_through_apache_the_admins_styles_and_scripts_and_missing_files_start_no_python(apache):
    for path in ("/beheer/assets/admin.css", "/beheer/assets/htmx.min.js"):
        response = apache.request("GET", path)
        assert response.status == 200 and response.headers["Cache-Control"] == "max-age=3600", path
    for path in ("/favicon.ico", "/assets/bestaat-niet.png", "/apple-touch-icon.png"):
        assert apache.request("GET", path).status == 404, path
    apache.request("GET", "/beheer/inloggen")  # the app itself, to show the log tells them apart
    handled = apache.handlers()  # "-": Apache answered from the files; a handler: rewritten to app.cgi
    assert handled["/beheer/inloggen"] != "-", handled
    for path in ("/beheer/assets/admin.css", "/beheer/assets/htmx.min.js", "/favicon.ico", "/assets/bestaat-niet.png",
                 "/apple-touch-icon.png"):
        assert handled[path] == "-", (path, handled)


# -- the usual shared host: suexec runs app.cgi as the customer, with a stripped environment ---

@pytest.fixture(scope="module")
def suexec_host(built_site):
    if apache_binary() is None or not suexec_available():
        pytest.skip("needs root, apache2 and apache2-suexec-custom (make test installs them)")
    server = Apache(customer=customer_account())
    try:
        shutil.copytree(built_site, server.public, dirs_exist_ok=True)
        publish.install(server.public, python=server.python, instance=str(server.instance))
        server.give_to_customer(server.public)
        server.start()
        yield server
    finally:
        server.stop()


def test_under_suexec_a_report_lands_in_the_installed_instance_and_nowhere_else(suexec_host):
    response = suexec_host.request("POST", "/melding", urlencode({**VALID, "name": "Onder suexec"}, doseq=True),
                                   {"Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status, response.headers["Location"]) == (303, "/melding/bedankt/"), suexec_host.errors()
    assert [r["values"]["name"] for r in stored_reports(suexec_host.instance)] == ["Onder suexec"]
    assert not (REPO / "instance" / "data" / "tables" / f"{intake.TABLE}.json").exists() or \
        "Onder suexec" not in (REPO / "instance" / "data" / "tables" / f"{intake.TABLE}.json").read_text()
    written = [p for p in suexec_host.instance.rglob("*") if p.is_file()]
    customer = pwd.getpwnam(suexec_host.customer).pw_uid
    assert written and {p.stat().st_uid for p in written} == {customer}  # the script ran as the customer


def test_under_suexec_the_admin_works_and_the_first_run_page_wants_the_installers_code(suexec_host):
    response = suexec_host.request("GET", "/beheer/inloggen")
    assert (response.status, response.headers["Location"]) == (302, "/beheer/eerste-keer"), suexec_host.errors()
    page = suexec_host.request("GET", "/beheer/eerste-keer").body.decode()
    assert 'name="code"' in page
    assert (suexec_host.instance / "setup-code").is_file()


def test_under_suexec_the_script_addressed_directly_and_dot_files_hand_out_nothing(suexec_host):
    for path in ("/app.cgi/.htaccess", "/app.cgi/app.cgi", "/.htaccess", "/app.cgi"):
        response = suexec_host.request("GET", path)
        assert response.status in (403, 404), path
        assert b"RewriteRule" not in response.body and b"PROJECT" not in response.body, path


@pytest.fixture
def open_folder():
    """A temporary folder another account may enter (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="bb-other-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_cgi_as_another_account_without_rights_answers_a_dutch_page_naming_the_cause(open_folder):
    if os.geteuid() != 0:
        pytest.skip("needs root to run the script as another account")
    instance = open_folder / "gegevens"
    instance.mkdir(mode=0o755)
    (instance / "config.toml").write_text("ORGANISATION = 'x'\n")
    (instance / "config.toml").chmod(0o600)  # the README's private folder, made by the customer's account
    account = pwd.getpwnam("www-data")
    env = {"PATH": "/usr/bin:/bin", "BUURTBEMIDDELING_INSTANCE": str(instance), "GATEWAY_INTERFACE": "CGI/1.1",
           "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "x", "SERVER_PORT": "80", "REQUEST_METHOD": "GET",
           "SCRIPT_NAME": "", "PATH_INFO": "/beheer/", "QUERY_STRING": ""}
    python = python_for("www-data", open_folder)  # the same stand-in Python the Apache tests use
    done = subprocess.run([python, str(DEPLOY / "app.cgi")], env=env, user=account.pw_uid,
                          group=account.pw_gid, extra_groups=[], capture_output=True, timeout=TIMEOUT)
    page = done.stdout.decode()
    assert page.startswith("Status: 500") and "Het beheer kan nu niet starten" in page, done.stderr.decode()
    assert "Geen toegang tot" in page and "Traceback" not in page
