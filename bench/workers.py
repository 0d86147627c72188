"""The benchmark's app, its pages, and the entry points of its worker processes.

    python -m bench.workers submit INSTANCE N COUNT            # one of the concurrent posters: "ready", waits for a line
    python -m bench.workers rss INSTANCE PAGES_JSON             # peak memory of a worker
"""
from __future__ import annotations

import datetime as dt
import json
import random
import resource
import sys
import time
from pathlib import Path

from bench import generate
from bench.report_post import report_data

SETTINGS = {"SECRET_KEY": "benchmark", "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False,
            "SERVE_PUBLIC": False, "LOGIN_THROTTLE_ENABLED": False}
TARGETS_PER_PAGE = 10


def create(instance: Path, settings: dict | None = None):
    from app import create_app

    return create_app({"INSTANCE_PATH": str(instance), **SETTINGS, **(settings or {})})


def fill(instance: Path, size: str) -> dict[str, int]:
    """A fresh instance folder with the size's data; the app migrates the store first."""
    app = create(instance)
    return generate.generate(app.extensions["store"], size)


def logged_in(instance: Path):
    app = create(instance)
    client = app.test_client()
    response = client.post("/beheer/inloggen", data={"email": generate.DEMO_EMAIL, "password": generate.DEMO_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")
    return app, client


def _view(app):
    return app.extensions["store"].read()


def open_case_ids(app) -> list[int]:
    from buurtbemiddeling.cases import repo, workflow

    return [c.doc_id for c in repo.all_cases(_view(app)) if workflow.is_open(c)]


def pages(app) -> dict[str, list[str]]:
    """Per measured page a few URLs; requests rotate over them so no single record decides."""
    from buurtbemiddeling.cases import repo

    view = _view(app)
    rng = random.Random(7)
    cases = repo.all_cases(view)
    running = [c for c in cases if c.get("step") not in ("afgesloten", "ongeschikt")]
    to_match = [c for c in running if c.get("step") == "intake"] or running
    wijken = sorted({c.get("wijk") for c in cases if c.get("wijk")})
    surnames = sorted({c["parties"][0]["name"].split()[-1] for c in cases if c.get("parties")})
    sample = rng.sample(cases, min(TARGETS_PER_PAGE // 2, len(cases))) + rng.sample(running, min(TARGETS_PER_PAGE // 2, len(running)))
    return {
        "dashboard": ["/beheer/"],
        "case_list_filtered": [f"/beheer/zaken/?step=open&wijk={w}" for w in wijken[:3]]
        + [f"/beheer/zaken/?type=geluidsoverlast&year={last_full_year()}"],
        "search": [f"/beheer/zaken/?q={name}" for name in rng.sample(surnames, min(5, len(surnames)))],
        "case_detail": [f"/beheer/zaken/{c.doc_id}" for c in sample],
        "matching": [f"/beheer/zaken/{c.doc_id}/koppelen" for c in to_match[:TARGETS_PER_PAGE]],
        "volunteer_list": ["/beheer/vrijwilligers/"],
    }


def last_full_year() -> int:
    return dt.date.today().year - 1


def report_count(instance: Path) -> int:
    from db import Store
    from buurtbemiddeling.reports import intake

    return len(Store(instance / "data").read().table(intake.TABLE))


def _peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Linux's getrusage() keeps the high-water mark of the process image before exec, i.e. the
    forked copy of a (big) parent; VmHWM in /proc belongs to this program alone."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kilobytes on Linux


class TimedLock:
    """The store's data lock, timed: how long each holder waited for it and held it."""

    def __init__(self, lock) -> None:
        self._lock, self.waited, self.held = lock, [], []

    def __enter__(self):
        begin = time.perf_counter()
        self._lock.__enter__()
        self._got = time.perf_counter()
        self.waited.append(self._got - begin)
        return self

    def __exit__(self, *exc) -> None:
        self.held.append(time.perf_counter() - self._got)
        self._lock.__exit__(*exc)


def submit(instance: Path, n: int, count: int) -> dict:
    """Says "ready" once its app is made, then posts as soon as a line comes on stdin (all at once)."""
    app = create(instance)
    client = app.test_client()
    store = app.extensions["store"]
    store._lock = lock = TimedLock(store._lock)
    print("ready", flush=True)
    sys.stdin.readline()
    accepted, latencies = 0, []
    for i in range(count):
        begin = time.perf_counter()
        response = client.post("/melding", data=report_data(n * 1000 + i), environ_base={"REMOTE_ADDR": f"10.2.{n}.{i}"})
        latencies.append(time.perf_counter() - begin)
        accepted += response.status_code == 303
    return {"accepted": accepted, "latencies": latencies, "finished": time.time(), "lock_waited": lock.waited,
            "lock_held": lock.held}


def rss(instance: Path, urls: dict[str, list[str]]) -> dict:
    """Serve every measured page at this size, as one worker would over a morning."""
    app, client = logged_in(instance)
    after_start = _peak_rss_mb()
    # The first case page of a fresh process parses the tables it reads: what CGI pays per request.
    begin = time.perf_counter()
    client.get(urls["case_detail"][0])
    first_case_page = time.perf_counter() - begin
    for page in urls.values():
        for url in page:
            client.get(url)
    after_pages = _peak_rss_mb()
    client.get(f"/beheer/rapportages/pdf?jaar={last_full_year()}")
    return {"after_start_mb": after_start, "after_pages_mb": after_pages, "after_pdf_mb": _peak_rss_mb(),
            "first_case_page_s": round(first_case_page, 2)}


if __name__ == "__main__":
    command, instance, *rest = sys.argv[1:]
    if command == "submit":
        out = submit(Path(instance), int(rest[0]), int(rest[1]))
    elif command == "rss":
        out = rss(Path(instance), json.loads(rest[0]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))
