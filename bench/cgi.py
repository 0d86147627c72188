"""CGI per request: `deploy/app.cgi` started for every request, as Apache's mod_cgid runs it.

Each request is a new process: the published script (publish.py's copy, with this Python, this
project and the instance folder filled in) gets the CGI environment Apache sets after the
.htaccess rewrite and the request body on stdin; its answer is parsed from stdout. The floor is
`python -c "import flask"` started the same way, in the same run: read every figure as a
multiple of it. Sessions are real: the coordinator logs in through the script itself (login
page, its CSRF token, the post), and the session cookie goes with every admin request.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench import generate
from bench.report_post import report_data
from deploy import publish

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 15  # per page and size; each is a whole process, so a few suffice for a median
TIME_LIMIT = 30.0  # seconds per page: on a loaded machine a page is measured fewer times (at least 5), never skipped
SIZES = ("S", "M")
RATIO_LIMITS = {"S": 1.5, "M": 2.0}  # p50 of a request / p50 of the floor
TIMEOUT = 120.0


@dataclass
class Answer:
    status: int
    headers: dict[str, list[str]]
    body: bytes


def install(instance: Path, folder: Path) -> Path:
    """The script as deploy/publish.py installs it in public/, pointing at this instance."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / publish.SCRIPT
    script.write_text(publish.cgi_script(sys.executable, ROOT, str(instance)))
    script.chmod(0o755)
    return script


def environ(script: Path, method: str, uri: str, *, body: bytes = b"", content_type: str = "",
            cookie: str = "", remote: str = "192.0.2.10") -> dict[str, str]:
    """What Apache (mod_rewrite, then mod_cgid) hands the script for `uri`: SCRIPT_NAME is the
    script, no PATH_INFO, the visitor's address in REQUEST_URI; https, as on a real host."""
    path, _, query = uri.partition("?")
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "Apache", "SERVER_NAME": "buurtbemiddeling.example", "SERVER_PORT": "443",
        "SERVER_ADDR": "192.0.2.1", "HTTPS": "on", "REQUEST_SCHEME": "https", "HTTP_HOST": "buurtbemiddeling.example",
        "HTTP_USER_AGENT": "Mozilla/5.0 (bench)", "HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "nl",
        "REMOTE_ADDR": remote, "REMOTE_PORT": "50123", "DOCUMENT_ROOT": str(script.parent),
        "SCRIPT_FILENAME": str(script), "SCRIPT_NAME": "/" + script.name, "REQUEST_METHOD": method,
        "REQUEST_URI": uri, "QUERY_STRING": query, "REDIRECT_STATUS": "200", "REDIRECT_URL": path,
    }
    if body:  # a browser's form post: its own page is the referrer (Flask-WTF checks it over https)
        env |= {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)),
                "HTTP_ORIGIN": f"https://{env['HTTP_HOST']}", "HTTP_REFERER": f"https://{env['HTTP_HOST']}{path}"}
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def parse(output: bytes) -> Answer:
    head, _, body = output.partition(b"\r\n\r\n")
    headers: dict[str, list[str]] = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    status = int(headers.get("status", ["200"])[0].split()[0])
    return Answer(status, headers, body)


def request(script: Path, method: str, uri: str, **kwargs) -> Answer:
    env = environ(script, method, uri, **kwargs)
    done = subprocess.run([str(script)], input=kwargs.get("body", b""), env=env, cwd=script.parent,
                          capture_output=True, timeout=TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{method} {uri}: app.cgi exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return parse(done.stdout)


# Runs the script as its own __main__, then writes the names of every module it loaded to argv[2].
_LIST_MODULES = ("import pathlib, runpy, sys\n"
                 "try:\n    runpy.run_path(sys.argv[1], run_name='__main__')\n"
                 "finally:\n    pathlib.Path(sys.argv[2]).write_text('\\n'.join(sorted(sys.modules)))\n")


def modules_loaded(script: Path, method: str, uri: str, **kwargs) -> tuple[Answer, set[str]]:
    """One request as `request` makes it, and the modules the process had loaded when it ended."""
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "modules"
        done = subprocess.run([sys.executable, "-c", _LIST_MODULES, str(script), str(listing)],
                              input=kwargs.get("body", b""), env=environ(script, method, uri, **kwargs),
                              cwd=script.parent, capture_output=True, timeout=TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"{method} {uri}: app.cgi exited {done.returncode}: {done.stderr.decode()[-500:]}")
        return parse(done.stdout), set(listing.read_text().split())


# As _LIST_MODULES, but writes each table version the process read from disk (a part of a table
# kept in parts has its own name) with how: "parsed" into documents, or "lines" (db/lazy.py).
_LIST_TABLES = ("import json, pathlib, runpy, sys\n"
                "sys.path.insert(0, sys.argv[3])\n"
                "from db import storage\n"
                "read, load = {}, storage.TableCache.load\n"
                "def recorded(cache, name, generation, *args, **kwargs):\n"
                "    table = load(cache, name, generation, *args, **kwargs)\n"
                "    read[name] = 'lines' if hasattr(table, 'lines') else 'parsed'\n"
                "    return table\n"
                "storage.TableCache.load = recorded\n"
                "try:\n    runpy.run_path(sys.argv[1], run_name='__main__')\n"
                "finally:\n    pathlib.Path(sys.argv[2]).write_text(json.dumps(read))\n")


def tables_read(script: Path, method: str, uri: str, **kwargs) -> tuple[Answer, dict[str, str]]:
    """One request as `request` makes it, and the table versions it read from disk: {stored
    name: "parsed" or "lines"} (the instance's tables and their parts, e.g. `cases.201-400`)."""
    import json

    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "tables"
        done = subprocess.run([sys.executable, "-c", _LIST_TABLES, str(script), str(listing), str(ROOT)],
                              input=kwargs.get("body", b""), env=environ(script, method, uri, **kwargs),
                              cwd=script.parent, capture_output=True, timeout=TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"{method} {uri}: app.cgi exited {done.returncode}: {done.stderr.decode()[-500:]}")
        return parse(done.stdout), json.loads(listing.read_text())


def _cookie(answer: Answer) -> str:
    return "; ".join(c.split(";", 1)[0] for c in answer.headers.get("set-cookie", []))


def log_in(script: Path, email: str = generate.DEMO_EMAIL, password: str = generate.DEMO_PASSWORD) -> str:
    """The session cookie of the account (the benchmark's coordinator), got the way a browser gets it."""
    page = request(script, "GET", "/beheer/inloggen")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body)
    if page.status != 200 or not token:
        raise RuntimeError(f"login page: {page.status}")
    body = urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": password}).encode()
    answer = request(script, "POST", "/beheer/inloggen", body=body, cookie=_cookie(page),
                     content_type="application/x-www-form-urlencoded")
    if answer.status != 302 or not _cookie(answer):
        raise RuntimeError(f"login: {answer.status}")
    return _cookie(answer)


def _expect(answer: Answer, status: int, what: str) -> None:
    if answer.status != status:
        raise RuntimeError(f"{what}: {answer.status} {answer.body[:300]!r}")


def calls(script: Path, cookie: str, case_ids: list[int]) -> dict:
    """Per measured request a function of the request number that makes it and checks the answer."""
    def public_post(i: int) -> None:
        body = urlencode(report_data(30_000 + i), doseq=True).encode()
        _expect(request(script, "POST", "/melding", body=body, content_type="application/x-www-form-urlencoded",
                        remote=f"198.51.100.{i % 250}"), 303, "public form")

    def login_page(i: int) -> None:
        _expect(request(script, "GET", "/beheer/inloggen"), 200, "login page")

    def vandaag(i: int) -> None:
        _expect(request(script, "GET", "/beheer/", cookie=cookie), 200, "Vandaag")

    def case_page(i: int) -> None:
        case_id = case_ids[i % len(case_ids)]
        _expect(request(script, "GET", f"/beheer/zaken/{case_id}", cookie=cookie), 200, "case page")

    return {"public_post": public_post, "login_page": login_page, "vandaag": vandaag, "case_page": case_page}


def _floor_call(i: int) -> None:
    subprocess.run([sys.executable, "-c", "import flask"], check=True)


def measure(instance: Path, case_ids: list[int], count: int = REQUESTS) -> dict:
    """p50/p95 per request, and of the floor (the cheapest Flask process: Python started and
    flask imported, like the script). Taken in turns, one of each per round, so a machine shared
    with others weighs on the floor and the requests alike: their ratio is the finding."""
    from bench.run import percentiles

    script = install(instance, instance / "public")
    cookie = log_in(script)
    calls_ = {"floor": _floor_call, **calls(script, cookie, case_ids)}
    for call in calls_.values():
        call(0)  # warm-up: compiled files and templates written, the day's retention check done
    samples: dict[str, list[float]] = {name: [] for name in calls_}
    started = time.perf_counter()
    for i in range(count):
        for name, call in calls_.items():
            begin = time.perf_counter()
            call(i + 1)
            samples[name].append(time.perf_counter() - begin)
        if time.perf_counter() - started > TIME_LIMIT * len(calls_) and i >= 4:
            break
    return {name: percentiles(values) for name, values in samples.items()}


def check(results: dict) -> list[dict]:
    """The CGI targets: each request's p50 within the size's multiple of the floor's p50."""
    out = []
    for size, limit in RATIO_LIMITS.items():
        measured = dict(results["sizes"].get(size, {}).get("cgi") or {})
        floor_ms = measured.pop("floor", {}).get("p50_ms")
        if not floor_ms:
            continue
        for name, figures in measured.items():
            value = round(figures["p50_ms"] / floor_ms, 2)
            out.append({"target": f"CGI {name} at {size}: p50 / import-flask floor", "value": value,
                        "limit": f"<= {limit}", "met": value <= limit})
    return out


def table(results: dict) -> list[str]:
    lines = ["CGI per request (deploy/app.cgi, a process each), against the floor `python -c \"import flask\"`:"]
    for size in RATIO_LIMITS:
        measured = results["sizes"].get(size, {}).get("cgi") or {}
        floor_ms = measured.get("floor", {}).get("p50_ms")
        for name, figures in measured.items():
            lines.append(f"  {size} {name:<12} p50 {figures['p50_ms']:>7.0f} ms  p95 {figures['p95_ms']:>7.0f} ms"
                         f"  {figures['p50_ms'] / floor_ms:>5.2f}x floor")
    return lines
