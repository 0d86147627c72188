"""Shared hosting: the CGI and Passenger entries, deploy/publish.py, a fast cold start, and the
whole thing behind a real Apache (Debian's apache2, started by the test on a loopback port)."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import SourceFileLoader
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.security import generate_password_hash

import sitebuilder
from buurtbemiddeling.auth import users
from buurtbemiddeling.reports import intake
from db import Store
from tests.deploy.apache import Apache, apache_binary
from tests.test_reports import VALID

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

def run_cgi(instance: Path, method: str, path: str = "", body: bytes = b"", *, script: Path = DEPLOY / "app.cgi",
            **environ: str) -> tuple[int, dict[str, str], str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "BUURTBEMIDDELING_INSTANCE": str(instance),
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": method, "SCRIPT_NAME": "",
        "PATH_INFO": path, "QUERY_STRING": "",
        **({"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body))} if body else {}),
        **environ,
    }
    done = subprocess.run([sys.executable, str(script)], input=body, env=env, capture_output=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr.decode()
    head, _, text = done.stdout.partition(b"\r\n\r\n")
    headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n"))
    status = int(headers.pop("Status").split()[0])
    assert status < 500, done.stderr.decode()
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
    answer = client.get("/beheer/inloggen").headers
    assert static and static == {name: answer[name] for name in static}
    assert set(static) >= {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"}


def test_publishing_keeps_the_hosts_own_htaccess_lines_and_replaces_only_its_block():
    host = "# DO NOT REMOVE. CLOUDLINUX PASSENGER CONFIGURATION BEGIN\nPassengerAppRoot \"/home/x\"\n"
    once = publish.htaccess(host)
    twice = publish.htaccess(once, "/home/x/gegevens")
    assert twice.count(publish.BEGIN) == 1 and twice.startswith(host)
    assert 'SetEnv BUURTBEMIDDELING_INSTANCE "/home/x/gegevens"' in twice
    assert publish.htaccess(twice, passenger=True) == host  # Passenger routes by itself


def test_publishing_builds_the_site_and_installs_htaccess_and_the_cgi_script(tmp_path):
    public = tmp_path / "public"
    public.mkdir()
    (public / "sitemap.xml").write_text("")  # an earlier build...
    (public / ".htaccess").write_text("Redirect 301 /oud /\n")  # ...with a line of the host's
    assert publish.main(["--out", str(public), "--instance", str(tmp_path / "gegevens")]) == 0
    assert (public / "index.html").is_file() and (public / "assets").is_dir()
    htaccess = (public / ".htaccess").read_text()
    assert htaccess.startswith("Redirect 301 /oud /\n") and "RewriteRule ^ app.cgi [L]" in htaccess
    assert f'SetEnv BUURTBEMIDDELING_INSTANCE "{tmp_path / "gegevens"}"' in htaccess
    script = public / "app.cgi"
    assert script.read_text().splitlines()[0] == f"#!{sys.executable}"
    assert f"PROJECT = Path({str(REPO)!r})" in script.read_text()
    assert os.access(script, os.X_OK) and public.stat().st_mode & 0o005 == 0o005  # others may read the site
    # The installed copy runs the app from the project folder, wherever public/ is.
    status, headers, _ = run_cgi(tmp_path / "gegevens", "GET", "/beheer/inloggen", script=script)
    assert (status, headers["Location"]) == (302, "/beheer/eerste-keer")


# -- through a real Apache -------------------------------------------------------------------

@pytest.fixture(scope="module")
def apache():
    if apache_binary() is None:
        pytest.skip("Debian's apache2 is not installed (apt-get install apache2; .ci/run installs it)")
    server = Apache()
    try:
        sitebuilder.build(sitebuilder.Site(sitebuilder.DEFAULT_ROOT), server.public)
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


def page_weight(apache, url: str) -> int:
    """The page, its style sheet, icon, logo and scripts, and the start token a form page fetches."""
    from tests.html_tree import parse

    total, encoding = sent(apache, url)
    assert encoding == "gzip", url
    tree = parse(apache.request("GET", url).body.decode("utf-8"))
    loads = {e.attrs["href"] for e in tree.find_all("link") if e.attrs.get("rel") in ("stylesheet", "icon")}
    loads |= {e.attrs["src"] for e in tree.find_all("script") + tree.find_all("img")}
    loads |= {e.attrs["data-hx-get"] for e in tree.find_all(cls="form__token")}
    for path in sorted(loads):
        size, encoding = sent(apache, path)
        assert encoding == "gzip" or path.endswith((".png", ".jpg", ".webp")) or "formulier-start" in path, path
        total += size
    return total


def test_through_apache_every_page_with_what_it_loads_is_sent_in_less_than_50_kb(apache):
    site = sitebuilder.Site(sitebuilder.DEFAULT_ROOT)
    weights = {page.url: page_weight(apache, page.url) for page in site.pages}
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
