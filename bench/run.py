"""`make bench`: generate S, M and L, measure through the WSGI app, print a table, write results.json.

Every page is requested through Flask's test client, logged in as the coordinator, so a
figure includes routing, login, the store, the audit line and the template, but no network
or web server. The floor (a one-line Flask route in the same process) shows what the
framework alone costs on this machine; read every figure as a multiple of it.
"""
from __future__ import annotations

import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from common import clock
from bench import cgi, flood, generate, multiworker, readme, targets, workers
from bench.report_post import report_data

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
READ_REQUESTS = 40        # per page and size; each request rotates over a few targets
WRITE_REQUESTS = 30
READ_TIME_LIMIT = 20.0    # seconds per page: a slow page is measured fewer times, never skipped
PROCESSES, SUBMISSIONS = 8, 50
COLD_STARTS = 5
PDF_RUNS = 2


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2), "n": len(ordered)}


def timed(call: Callable[[int], None], count: int, limit: float = READ_TIME_LIMIT, warmup: int = 2) -> dict[str, float]:
    for i in range(warmup):
        call(i)
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(count):
        begin = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - begin)
        if time.perf_counter() - started > limit and len(samples) >= 10:
            break
    return percentiles(samples)


def _get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")


def reads(client, pages: dict[str, list[str]]) -> dict[str, dict]:
    return {name: timed(lambda i, urls=urls: _get(client, urls[i % len(urls)]), READ_REQUESTS)
            for name, urls in pages.items()}


def writes(client, case_ids: list[int]) -> dict[str, dict]:
    def submit(i: int) -> None:
        response = client.post("/melding", data=report_data(i), environ_base={"REMOTE_ADDR": f"10.1.{i // 250}.{i % 250}"})
        if response.status_code != 303:
            raise RuntimeError(f"public form: {response.status_code}")

    def note(i: int) -> None:
        case_id = case_ids[i % len(case_ids)]
        response = client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": f"Benchmarknotitie {i}: partij A gebeld."})
        if response.status_code not in (302, 303):
            raise RuntimeError(f"case note: {response.status_code}")

    return {"public_form": timed(submit, WRITE_REQUESTS, limit=60), "case_note": timed(note, WRITE_REQUESTS, limit=60)}


def page_after_write(client, case_ids: list[int], count: int = 10) -> dict[str, float]:
    """A case page right after a note on it: the first reader rebuilds the kept indexes of the
    tables that changed (cases and case_events), so this is what the coordinator waits for."""
    samples = []
    for i in range(count):
        case_id = case_ids[i % len(case_ids)]
        client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": f"Benchmarknotitie {i}."})
        begin = time.perf_counter()
        _get(client, f"/beheer/zaken/{case_id}")
        samples.append(time.perf_counter() - begin)
    return percentiles(samples)


def floor() -> dict[str, float]:
    from flask import Flask

    app = Flask("floor")
    app.add_url_rule("/", "floor", lambda: "ok")
    client = app.test_client()
    return timed(lambda i: _get(client, "/"), 500, warmup=20)


def concurrent_submissions(instance: Path) -> dict:
    """8 processes post 50 public forms each, all at once; every one must be stored."""
    before = workers.report_count(instance)
    procs = [subprocess.Popen([sys.executable, "-m", "bench.workers", "submit", str(instance), str(n), str(SUBMISSIONS)],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for n in range(PROCESSES)]
    # Every poster imports and opens the store first; once all are ready they start together.
    if [p.stdout.readline().strip() for p in procs] != ["ready"] * PROCESSES:
        raise RuntimeError("a posting process did not start")
    start_at = time.time()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    outputs = [json.loads(p.communicate()[0]) for p in procs]
    stored = workers.report_count(instance) - before
    latencies = [x for out in outputs for x in out["latencies"]]
    return {"processes": PROCESSES, "submissions": PROCESSES * SUBMISSIONS, "accepted": sum(o["accepted"] for o in outputs),
            "stored": stored, "wall_s": round(max(o["finished"] for o in outputs) - start_at, 2), **percentiles(latencies),
            # The data lock as the posters' stores took it: time waiting for it and time holding it.
            "lock_waited": percentiles([x for out in outputs for x in out["lock_waited"]]),
            "lock_held": percentiles([x for out in outputs for x in out["lock_held"]])}


def spam_flood(instance: Path) -> dict:
    """Residents' reports through one server process while robots send 1,000 spam posts to
    another on the same data: real HTTP, real processes (bench/flood.py)."""
    measured = flood.measure(instance)
    return {"spam_posts": flood.FLOOD, "answers": measured["statuses"], "flood_s": measured["flood_s"],
            "quiet": percentiles(measured["quiet"]), "during": percentiles(measured["during"])}


def annual_pdf(client, year: int) -> dict:
    url = f"/beheer/rapportages/pdf?jaar={year}"
    samples = []
    for _ in range(PDF_RUNS):
        begin = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - begin)
        if response.status_code != 200 or not response.data.startswith(b"%PDF"):
            return {"available": False, "status": response.status_code}
    return {"available": True, "year": year, "first_s": round(samples[0], 2), "best_s": round(min(samples), 2),
            "bytes": len(response.data)}


def build_site(data_dir: Path) -> dict:
    with tempfile.TemporaryDirectory() as out:
        begin = time.perf_counter()
        done = subprocess.run([sys.executable, "build.py", "--out", out, "--data", str(data_dir)], cwd=ROOT,
                              capture_output=True, text=True)
        took = time.perf_counter() - begin
    return {"ok": done.returncode == 0, "s": round(took, 2), "output": (done.stdout or done.stderr).strip()[-300:]}


def worker_rss(instance: Path, pages: dict[str, list[str]]) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.workers", "rss", str(instance), json.dumps(pages)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def cold_start(instance: Path) -> dict:
    env = {**os.environ, "BUURTBEMIDDELING_INSTANCE": str(instance)}
    samples = []
    for _ in range(COLD_STARTS):
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import app; app.create_app()"], cwd=ROOT, env=env, check=True)
        samples.append(time.perf_counter() - begin)
    return {"median_s": round(statistics.median(samples), 3), "min_s": round(min(samples), 3), "n": len(samples)}


def retention_run(app) -> dict:
    """The first retention run over five years of data (after an upgrade or an import): every
    record past its period anonymised in one transaction. Runs last: it changes the data."""
    from common import clock
    from buurtbemiddeling.privacy import retention

    begin = time.perf_counter()
    due = retention.run(app.extensions["store"], clock.today())
    return {"anonymised": len(due), "s": round(time.perf_counter() - begin, 1)}


def prepare(size: str, workdir: Path) -> tuple[Path, dict, float]:
    instance = workdir / size
    begin = time.perf_counter()
    counts = workers.fill(instance, size)
    took = time.perf_counter() - begin
    gc.collect()  # the generator's garbage is not the app's: a worker starts without it
    return instance, counts, took


def commit() -> str:
    """The commit measured; "+changes" when the working tree differs from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def only_cgi(sizes: tuple[str, ...]) -> int:
    """`python -m bench --only cgi [S M]`: the CGI requests alone, printed, results.json left as it is
    (the full `make bench` writes it)."""
    results: dict = {"sizes": {}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for size in sizes:
            print(f"generating {size} ...", flush=True)
            instance, _, _ = prepare(size, Path(tmp))
            app = workers.create(instance)
            print(f"CGI requests at {size} ...", flush=True)
            results["sizes"][size] = {"cgi": cgi.measure(instance, workers.open_case_ids(app)[:10])}
            del app
    print("\n".join(cgi.table(results)))
    for target in cgi.check(results):
        print(f"{target['target']}: {target['value']} ({target['limit']}){'' if target['met'] else '  NOT MET'}")
    return 0


def only_concurrent(size: str) -> int:
    """`python -m bench --only concurrent [SIZE]`: only the concurrent posts at SIZE (default L), printed;
    results.json is left as the last full run wrote it."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        print(f"generating {size} ...", flush=True)
        instance, _, _ = prepare(size, Path(tmp))
        result = {"commit": commit(), "load_before": loadavg(), **concurrent_submissions(instance), "load_after": loadavg()}
    print(json.dumps(result, indent=2))
    return 0


def only_one(part: str, sizes: tuple[str, ...]) -> int:
    """`python -m bench --only workers [L]` or `--only rss [L]`: the several workers' mixed load,
    or a worker's memory, alone at each size (default L); printed with its targets, results.json
    left as the last full run wrote it."""
    results: dict = {"commit": commit(), "load_before": loadavg(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for size in sizes:
            print(f"generating {size} ...", flush=True)
            instance, _, _ = prepare(size, Path(tmp))
            app = workers.create(instance)
            if part == "workers":
                print(f"{multiworker.WORKERS} workers behind gunicorn, {multiworker.SECONDS:.0f} s ...", flush=True)
                entry = multiworker.measure(instance, workers.pages(app), *multiworker.cases_for(app))
                listed = targets.several_workers(entry, size)
            else:
                entry = worker_rss(instance, workers.pages(app))
                listed = [targets.memory(entry, size)]
            results["sizes"][size] = {part: entry, "targets": listed}
            del app
    results["load_after"] = loadavg()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] in (["--only", "workers"], ["--only", "rss"]):
        return only_one(argv[1], tuple(argv[2:]) or ("L",))
    if argv[:2] == ["--only", "cgi"]:
        return only_cgi(tuple(argv[2:]) or cgi.SIZES)
    if argv[:2] == ["--only", "concurrent"]:
        return only_concurrent(argv[2] if len(argv) > 2 else "L")
    sizes = ("S", "M", "L") if not argv else tuple(argv)
    small, large = sizes[0], sizes[-1]
    results: dict = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                                 "cpus": os.cpu_count(), "load_before": loadavg()},
                     "commit": commit(), "measured_on": clock.today().isoformat(), "sizes": {}, "floor": floor()}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        for size in dict.fromkeys(sizes):
            print(f"generating {size} ...", flush=True)
            instance, counts, took = prepare(size, work)
            app, client = workers.logged_in(instance)
            pages = workers.pages(app)
            entry = {"generate_s": round(took, 1), "counts": counts}
            print(f"measuring reads at {size} ...", flush=True)
            with app.app_context():
                entry["reads"] = reads(client, pages)
                entry["writes"] = writes(client, workers.open_case_ids(app)[:10])
                entry["case_page_after_note"] = page_after_write(client, workers.open_case_ids(app)[:10])
            if size in cgi.SIZES:
                print(f"CGI requests at {size} ...", flush=True)
                entry["cgi"] = cgi.measure(instance, workers.open_case_ids(app)[:10])
            if size != small:
                entry["rss"] = worker_rss(instance, pages)
            if size == large:
                print("concurrent submissions, spam flood, PDF, build, cold start ...", flush=True)
                entry["concurrent"] = concurrent_submissions(instance)
                entry["flood"] = spam_flood(instance)
                print(f"{multiworker.WORKERS} workers behind gunicorn, {multiworker.SECONDS:.0f} s ...", flush=True)
                entry["workers"] = multiworker.measure(instance, pages, *multiworker.cases_for(app))
                entry["annual_pdf"] = annual_pdf(client, workers.last_full_year())
                entry["build"] = build_site(instance / "data")
                entry["cold_start"] = cold_start(instance)
                entry["retention"] = retention_run(app)
            results["sizes"][size] = entry
            del app, client  # the next size gets the memory
    results["machine"]["load_after"] = loadavg()
    results["targets"] = targets.check(results, small, large)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    readme.update(results)
    print(targets.table(results, sizes))
    met = sum(t["met"] for t in results["targets"])
    print(f"{met} of {len(results['targets'])} targets met; written to {RESULTS.relative_to(ROOT)} and README.md")
    return 0  # a target not met is a finding, shown above and in results.json, not a failed run
