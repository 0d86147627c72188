"""A flood of spam posts through real HTTP against a real server process, and residents' real
reports meanwhile through another server process on the same data, as two Passenger workers (or
two CGI processes) would have it.

    python -m bench.flood serve INSTANCE    # the app as an HTTP server on a free port: "port N"
    python -m bench.flood robot URL COUNT   # COUNT spam posts: "started", "done", then the statuses

`make bench` measures the real writes during a flood of 1,000 posts (bench/run.py, target: p95
under 150 ms); tests/test_spam_flood_http.py asserts what holds on a loaded machine too.
"""
from __future__ import annotations

import http.client
import logging
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from bench.report_post import report_data

ROOT = Path(__file__).resolve().parent.parent
FLOOD, ROBOTS = 1000, 2  # posts in all, and the robot processes sending them at once
ROBOT = "203.0.113.9"
# Behind a proxy each visitor has their own address (PROXY_FIX_X_FOR); one report an hour each,
# so a robot's second valid report is refused by the rate limit.
SERVER_SETTINGS = {"TESTING": True, "SECRET_KEY": "flood", "SESSION_COOKIE_SECURE": False,
                   "RETENTION_AUTO_RUN": False, "PROXY_FIX_X_FOR": 1, "FORM_RATE_LIMIT": 1}


def serve(instance: Path) -> None:
    from werkzeug.serving import make_server

    from app import create_app

    app = create_app({"INSTANCE_PATH": instance, **SERVER_SETTINGS})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"port {server.server_port}", flush=True)
    server.serve_forever()


def post(url: str, data: dict, address: str) -> tuple[int, float]:
    """One post to the report form from `address`: the HTTP status and how long the answer took."""
    target = urllib.parse.urlsplit(url)
    begin = time.perf_counter()
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
    connection.request("POST", "/melding", body=urllib.parse.urlencode(data, doseq=True),
                       headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.perf_counter() - begin


def robot(url: str, count: int) -> Counter:
    """Every other post fills the hidden field; the rest are valid reports over the rate limit."""
    from forms.form import HONEYPOT_FIELD

    posts = [{**report_data(0), HONEYPOT_FIELD: "http://spam.example"}, report_data(0)]
    statuses: Counter = Counter()
    for n in range(count):
        statuses[post(url, posts[n % 2], ROBOT)[0]] += 1
        if n == 0:
            print("started", flush=True)
    return statuses


def start_server(instance: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, "-m", "bench.flood", "serve", str(instance)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().split()
    if line[:1] != ["port"]:
        server.kill()
        raise RuntimeError("the server did not start")
    return server, f"http://127.0.0.1:{line[1]}"


def start_flood(url: str, posts: int = FLOOD) -> list[subprocess.Popen]:
    floods = [subprocess.Popen([sys.executable, "-m", "bench.flood", "robot", url, str(posts // ROBOTS)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True) for _ in range(ROBOTS)]
    if [flood.stdout.readline().strip() for flood in floods] != ["started"] * ROBOTS:
        raise RuntimeError("a robot did not start")
    return floods


def finish_flood(floods: list[subprocess.Popen]) -> Counter:
    """The HTTP statuses the robots got, once they are done."""
    statuses: Counter = Counter()
    for flood in floods:
        if flood.stdout.readline().strip() != "done":
            raise RuntimeError("a robot stopped before it was done")
        statuses.update({int(status): int(n) for status, n in
                         (pair.split(":") for pair in flood.stdout.readline().split())})
        flood.wait(timeout=600)
    return statuses


def resident(n: int) -> str:
    """The n-th resident's own address."""
    return f"10.{n // 60000}.{n // 250 % 240}.{n % 250 + 1}"


def writes_during(flood_url: str, writer_url: str, first: int, posts: int = FLOOD) -> tuple[list[float], Counter]:
    """Residents' reports to `writer_url`, one after another, for as long as a flood of `posts`
    posts to `flood_url` runs: how long each took, and the statuses the robots got."""
    floods = start_flood(flood_url, posts)
    seconds = []
    while any(flood.poll() is None for flood in floods):
        status, took = post(writer_url, report_data(first + len(seconds)), resident(first + len(seconds)))
        if status != 303:
            raise RuntimeError(f"a resident's report was answered with {status}")
        seconds.append(took)
    return seconds, finish_flood(floods)


def measure(instance: Path, quiet_writes: int = 30) -> dict:
    """Real writes without and during a flood of FLOOD spam posts, against `instance`'s data."""
    writer, writer_url = start_server(instance)
    flooded, flood_url = start_server(instance)
    try:
        post(flood_url, report_data(0), ROBOT)  # the robot's address has had its one report
        quiet = [post(writer_url, report_data(n), resident(n))[1] for n in range(quiet_writes)]
        begin = time.perf_counter()
        during, statuses = writes_during(flood_url, writer_url, quiet_writes)
        took = time.perf_counter() - begin
    finally:
        for server in (writer, flooded):
            server.terminate()
            server.wait(timeout=30)
    return {"quiet": quiet, "during": during, "statuses": dict(statuses), "flood_s": round(took, 1)}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "serve":
        serve(Path(args[0]))
    elif command == "robot":
        answered = robot(args[0], int(args[1]))
        print("done", flush=True)
        print(" ".join(f"{status}:{n}" for status, n in sorted(answered.items())), flush=True)
    else:
        raise SystemExit(f"unknown command {command}")
