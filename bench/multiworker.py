"""`make bench`, several workers: four gunicorn worker processes on one instance, over real HTTP.

Passenger and every WSGI server run more than one worker process, each with its own caches, so
a page served by one worker right after another worker's change must see that change and still
be fast. Here gunicorn (a `bench` extra only) starts WORKERS sync workers on the instance, each
building its own app as a hosting worker would (no preloading), and CLIENTS users send a mixed
load for SECONDS after a warm-up: 80 % reads over the measured admin pages, 15 % notes and step
changes (a case put on hold and reopened), 5 % public posts. Each answer names its worker
(``X-Bench-Worker``, added by the wrapper below, not by the app), so the case page fetched
right after a note counts as "after another worker's change" when another worker served it.

Like a person at a screen, each user waits for an answer and then pauses a random moment,
THINK_SECONDS on average (exponentially distributed), before the next click: four users so
quick give some 20 requests a second, many times what a programme ever sees, yet a load the
machine can serve, so a page's time is what that page costs and not the queue for a saturated
CPU. What the workers can carry is measured after it, at full speed (users without pauses, the
machine saturated): requests per second, and the pages' times in that queue.

    .venv/bin/python -m bench.multiworker INSTANCE      # the load alone, on an instance made by bench.generate
"""
from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from bench import workers
from bench.report_post import report_data

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
CLIENTS = 4
SECONDS = 60.0
WARMUP_SECONDS = 15.0  # every worker builds its caches before the measured minute
THINK_SECONDS = 0.2  # a busy programme has a few requests a minute, not 20 a second
FULL_SPEED_SECONDS = 20.0
MIX = (("read", 0.80), ("change", 0.15), ("post", 0.05))
WORKER_HEADER = "X-Bench-Worker"
AFTER_ATTEMPTS = 6  # requests for the case page after a note, until another worker serves one
# Posts come from one address here: the form's rate limit per address is not what is measured.
# The first daily retention run over five years is measured on its own (run.retention_run); a
# worker would otherwise start it after its first answer, holding the data lock for seconds.
SERVER_SETTINGS = {"FORM_RATE_LIMIT": 1_000_000, "RETENTION_AUTO_RUN": False}
BOOT_TIMEOUT = 300.0  # a worker at L opens five years of data first


def application():
    """The WSGI app one gunicorn worker serves (``bench.multiworker:application()``)."""
    app = workers.create(Path(os.environ["BENCH_INSTANCE"]), SERVER_SETTINGS)
    pid = str(os.getpid())

    def named(environ, start_response):
        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, (WORKER_HEADER, pid)], exc_info)

        return app(environ, start)

    return named


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with WORKERS sync workers on the instance, until ``stop``."""

    def __init__(self, instance: Path) -> None:
        self.port = _free_port()
        env = {**os.environ, "BENCH_INSTANCE": str(instance), "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--timeout", str(int(BOOT_TIMEOUT)), "--log-level", "warning",
             "bench.multiworker:application()"],
            cwd=ROOT, env=env)
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            try:
                status, _, _ = request(self.port, "GET", "/beheer/inloggen")
                if status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def request(port: int, method: str, url: str, form: dict | None = None, cookie: str = "") -> tuple[int, dict, bytes]:
    """One request on its own connection (sync workers close each one); (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # The search pages ask for names such as "Yıldız": a request line is ASCII.
        connection.request(method, quote(url, safe="/?&=%+:"), body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()


def log_in(port: int) -> str:
    status, headers, _ = request(port, "POST", "/beheer/inloggen",
                                 {"email": workers.generate.DEMO_EMAIL, "password": workers.generate.DEMO_PASSWORD})
    if status != 302 or "set-cookie" not in headers:
        raise RuntimeError(f"login over HTTP failed: {status}")
    return headers["set-cookie"].split(";", 1)[0]


class Client(threading.Thread):
    """One user of the admin (or of the public form), request after request until ``until``."""

    def __init__(self, n: int, port: int, cookie: str, pages: dict[str, list[str]], note_cases: list[int],
                 hold_case: int, held: bool, until: float, seed: int, think: float = 0.0) -> None:
        super().__init__(daemon=True)
        self.n, self.port, self.cookie, self.pages = n, port, cookie, pages
        self.note_cases, self.hold_case, self.until = note_cases, hold_case, until
        self.rng = random.Random(seed)
        self.think = think  # mean pause after an answer, in seconds; 0: none
        self.held = held  # whether its case is on hold now
        self.samples: dict[str, list[float]] = {}  # "page:<name>", "write:<kind>", "after:other", "after:same"
        self.errors: list[str] = []
        self.posted = 0
        self.served_by: set[str] = set()  # the worker processes that answered
        self.i = 0

    def run(self) -> None:
        kinds, weights = zip(*MIX)
        while time.monotonic() < self.until:
            if self.think:
                time.sleep(self.rng.expovariate(1 / self.think))
            self.i += 1
            kind = self.rng.choices(kinds, weights)[0]
            try:
                getattr(self, kind)()
            except Exception as exc:  # counted as an error, never a user silently gone from the load
                self.errors.append(f"{kind}: {exc!r}")

    def _timed(self, key: str, method: str, url: str, form: dict | None = None, expect=(200,)):
        begin = time.perf_counter()
        status, headers, _ = request(self.port, method, url, form, self.cookie)
        took = time.perf_counter() - begin
        if status not in expect:
            self.errors.append(f"{method} {url}: {status}")
        else:
            self.samples.setdefault(key, []).append(took)
        self.served_by.add(headers.get(WORKER_HEADER.lower()))
        return headers.get(WORKER_HEADER.lower())

    def read(self) -> None:
        name = self.rng.choice(sorted(self.pages))
        urls = self.pages[name]
        self._timed(f"page:{name}", "GET", urls[self.i % len(urls)])

    def change(self) -> None:
        if self.rng.random() < 0.5:
            case_id = self.rng.choice(self.note_cases)
            writer = self._timed("write:case_note", "POST", f"/beheer/zaken/{case_id}/notitie",
                                 {"text": f"Belasting {self.n}.{self.i}: partij B gebeld."}, expect=(302, 303))
            # The coordinator looks at the case right away. The worker that just answered is
            # usually the first to take the next connection, so the page is asked again until
            # another worker serves it: that one's first page since the change is measured.
            for attempt in range(AFTER_ATTEMPTS):
                begin = time.perf_counter()
                status, headers, body = request(self.port, "GET", f"/beheer/zaken/{case_id}", cookie=self.cookie)
                took = time.perf_counter() - begin
                if status != 200 or f"Belasting {self.n}.{self.i}:".encode() not in body:
                    self.errors.append(f"case {case_id} right after its note: {status}, note not shown")
                    break
                same = headers.get(WORKER_HEADER.lower()) == writer
                if attempt == 0 or not same:
                    self.samples.setdefault("after:same" if same else "after:other", []).append(took)
                if not same:
                    break
        else:
            action, note = ("heropenen", "Bewoner belde terug.") if self.held else ("wacht", "Bewoner wil eerst zelf praten.")
            self._timed("write:step_change", "POST", f"/beheer/zaken/{self.hold_case}/{action}", {"note": note},
                        expect=(302, 303))
            self.held = not self.held

    def post(self) -> None:
        self._timed("write:public_form", "POST", "/melding", report_data(90_000 + self.n * 10_000 + self.i),
                    expect=(303,))
        self.posted += 1


def _load(port: int, cookie: str, pages, note_cases, hold_cases, held: list[bool], seconds: float,
          seed: int, think: float) -> list[Client]:
    """CLIENTS users for `seconds`, each pausing `think` seconds on average after an answer."""
    until = time.monotonic() + seconds
    clients = [Client(n, port, cookie, pages, note_cases, hold_cases[n], held[n], until, seed + n, think)
               for n in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return clients


def _figures(clients: list[Client], seconds: float) -> dict:
    from bench.run import percentiles

    samples: dict[str, list[float]] = {}
    for client in clients:
        for key, values in client.samples.items():
            samples.setdefault(key, []).extend(values)
    group = lambda prefix: {key.split(":", 1)[1]: percentiles(values) for key, values in sorted(samples.items())
                            if key.startswith(prefix)}
    requests = sum(map(len, samples.values()))
    return {"seconds": seconds, "requests": requests, "requests_per_s": round(requests / seconds, 1),
            "reads": group("page:"), "writes": group("write:"), "after_change": group("after:")}


def measure(instance: Path, pages: dict[str, list[str]], note_cases: list[int], hold_cases: list[int],
            server: Server | None = None) -> dict:
    """The mixed load on a running gunicorn, users pausing THINK_SECONDS, then at full speed;
    figures per page, per write and after a change. On `server` if given (left running for the
    caller: the bench test goes on with it rather than start the workers again), else on its own."""
    from bench.run import loadavg

    if len(hold_cases) < CLIENTS:
        raise ValueError(f"{CLIENTS} cases that can go on hold are needed, one per client")
    before = workers.report_count(instance)
    own = server is None
    server = server or Server(instance)
    try:
        cookie = log_in(server.port)
        load_before = loadavg()
        runs = [_load(server.port, cookie, pages, note_cases, hold_cases, [False] * CLIENTS, WARMUP_SECONDS, 1,
                      THINK_SECONDS)]
        for seconds, seed, think in ((SECONDS, 2, THINK_SECONDS), (FULL_SPEED_SECONDS, 3, 0.0)):
            runs.append(_load(server.port, cookie, pages, note_cases, hold_cases, [c.held for c in runs[-1]], seconds,
                              seed, think))
    finally:
        if own:
            server.stop()
    clients = [client for run in runs for client in run]
    errors = [error for client in clients for error in client.errors]
    return {"workers": WORKERS, "served_by": len(set().union(*(c.served_by for c in clients)) - {None}),
            "clients": CLIENTS, "think_s": THINK_SECONDS, "warmup_s": WARMUP_SECONDS, **_figures(runs[1], SECONDS),
            "full_speed": _figures(runs[2], FULL_SPEED_SECONDS), "errors": len(errors), "first_errors": errors[:5],
            "posts": {"sent": sum(c.posted for c in clients), "stored": workers.report_count(instance) - before},
            "load_before": load_before, "load_after": loadavg()}


def cases_for(app) -> tuple[list[int], list[int]]:
    """(cases to write notes on, cases to put on hold and reopen: one per client, none of them on hold)."""
    from buurtbemiddeling.cases import repo, workflow

    view = app.extensions["store"].read()
    running = [c for c in repo.all_cases(view) if workflow.is_open(c)]
    can_hold = [c.doc_id for c in running if workflow.can_hold(c) and c.get("step") != "in-de-wacht"]
    hold = can_hold[-CLIENTS:]
    return [c.doc_id for c in running if c.doc_id not in hold][:20], hold


def main(argv: list[str]) -> None:
    instance = Path(argv[0])
    app = workers.create(instance)
    note_cases, hold_cases = cases_for(app)
    print(json.dumps(measure(instance, workers.pages(app), note_cases, hold_cases), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
