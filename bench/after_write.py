"""The CPU a page costs in a worker whose caches another worker's write just made stale.

With several workers (Passenger, gunicorn) a page is often served by a worker that did not
make the last change: its kept values (db/store.py: ``derived``, ``parted``, ``summed``,
``fold``) are stale and brought up to date on that page. Here one process is that worker (an
app in this process, warmed up on every measured page) and a second process writes: a note
on a case, a step change (a case put on hold and reopened), a public report. After each write
this process serves one page; the CPU time of that request (``time.process_time``: on a busy
machine wall time measures the neighbours) is recorded per page and kind of write, beside the
same page served warm, the first ranking of cases this worker never matched, and Vandaag and a
case page after BEHIND writes this worker served nothing between.

    .venv/bin/python -m bench.after_write INSTANCE [ROUNDS]    # an instance made by bench.generate
    .venv/bin/python -m bench.after_write INSTANCE --profile PAGE KIND   # cProfile of those requests
    .venv/bin/python -m bench.after_write INSTANCE --each [ROUNDS]     # and each request's CPU on stderr
"""
from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import multiworker, workers
from bench.report_post import report_data

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("note", "step", "post")
ROUNDS = 5  # requests per page and kind of write, rotating over the page's URLs
FIRST_RANKINGS = 10
BEHIND = 100  # notes and step changes another process makes before a page in this one ("behind")
VERBOSE = False  # each request's CPU and garbage collection on stderr (--each)


class Writer:
    """Another worker: a process of its own with its own app, writing when told (one line a write)."""

    def __init__(self, instance: Path, note_cases: list[int], hold_case: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.after_write", "--writer", str(instance), json.dumps(note_cases), str(hold_case)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._ask("ready")

    def _ask(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"writer: {line}: {answer or 'gone'}")

    def write(self, kind: str) -> None:
        self._ask(kind)

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def serve_writes(instance: Path, note_cases: list[int], hold_case: int) -> None:
    """The writer's loop (``--writer``): one write per line on stdin, "ok" when committed."""
    app, client = workers.logged_in(instance)
    app.config.update(multiworker.SERVER_SETTINGS)
    held, i = False, 0
    for line in sys.stdin:
        kind, i = line.strip(), i + 1
        if kind == "ready":
            response = None
        elif kind == "note":
            response = client.post(f"/beheer/zaken/{note_cases[i % len(note_cases)]}/notitie",
                                   data={"text": f"Na-schrijven {i}: partij B gebeld."})
        elif kind == "step":
            action, note = ("heropenen", "Bewoner belde terug.") if held else ("wacht", "Bewoner wil eerst zelf praten.")
            response = client.post(f"/beheer/zaken/{hold_case}/{action}", data={"note": note})
            held = not held
        elif kind == "post":
            response = client.post("/melding", data=report_data(80_000 + i),
                                   environ_base={"REMOTE_ADDR": f"10.9.{i // 250}.{i % 250}"})
        else:
            response = f"unknown write {kind}"
        ok = response is None or getattr(response, "status_code", 0) in (302, 303)
        print("ok" if ok else f"failed: {getattr(response, 'status_code', response)}", flush=True)


class Collections:
    """CPU the cyclic garbage collector took, and its full collections (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.ms, self.full, self._began = 0.0, 0, 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._began = time.process_time()
        else:
            self.ms += (time.process_time() - self._began) * 1000
            self.full += info["generation"] == 2


COLLECTIONS = Collections()


def cpu_ms(client, url: str) -> float:
    begin, collected = time.process_time(), COLLECTIONS.ms
    response = client.get(url)
    took = (time.process_time() - begin) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    if VERBOSE:
        print(f"{url}: {took:.1f} ms, of which {COLLECTIONS.ms - collected:.1f} collecting garbage", file=sys.stderr)
    return took


def summary(samples: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(samples), 1), "max": round(max(samples), 1), "n": len(samples)}


def setup(instance: Path):
    app, client = workers.logged_in(instance)
    app.config.update(multiworker.SERVER_SETTINGS)
    pages = workers.pages(app)
    note_cases, hold_cases = multiworker.cases_for(app)
    for _ in range(2):  # warm: every kept value of every measured page built
        for urls in pages.values():
            for url in urls:
                cpu_ms(client, url)
    return app, client, pages, note_cases, hold_cases[0]


def unmatched(app, pages: dict[str, list[str]], count: int) -> list[str]:
    """Koppelen of running cases this worker has not ranked yet."""
    shown = set(pages["matching"])
    urls = [f"/beheer/zaken/{case_id}/koppelen" for case_id in workers.open_case_ids(app)]
    return [url for url in urls if url not in shown][:count]


def measure(instance: Path, rounds: int = ROUNDS) -> dict:
    app, client, pages, note_cases, hold_case = setup(instance)
    first = unmatched(app, pages, FIRST_RANKINGS)
    writer = Writer(instance, note_cases, hold_case)
    try:
        result: dict[str, dict] = {}
        for name, urls in pages.items():
            result[name] = {"warm": summary([cpu_ms(client, urls[i % len(urls)]) for i in range(rounds)])}
            for kind in KINDS:
                samples = []
                for i in range(rounds):
                    writer.write(kind)
                    samples.append(cpu_ms(client, urls[i % len(urls)]))
                result[name][kind] = summary(samples)
        result["matching_first"] = {"warm": summary([cpu_ms(client, url) for url in first])}
        # A worker that served nothing while the others wrote (Passenger keeps idle ones).
        behind = {}
        for name in ("dashboard", "case_detail"):
            samples = []
            for i in range(2):
                for _ in range(BEHIND):
                    writer.write(KINDS[_ % 2])
                samples.append(cpu_ms(client, pages[name][i % len(pages[name])]))
            behind[name] = summary(samples)
        result["behind"] = behind
    finally:
        writer.stop()
    return result


def profile(instance: Path, page: str, kind: str, rounds: int = ROUNDS) -> None:
    import cProfile
    import pstats

    app, client, pages, note_cases, hold_case = setup(instance)
    urls = unmatched(app, pages, rounds) if page == "matching_first" else pages[page]
    writer = Writer(instance, note_cases, hold_case) if kind != "warm" else None
    profiler = cProfile.Profile()
    try:
        for i in range(rounds):
            if writer is not None:
                writer.write(kind)
            profiler.enable()
            client.get(urls[i % len(urls)])
            profiler.disable()
    finally:
        if writer is not None:
            writer.stop()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def table(result: dict) -> str:
    columns = ("warm",) + KINDS
    lines = ["CPU ms per page (median / max)     " + "".join(f"{c:>14}" for c in columns)]
    for name, row in result.items():
        if name == "behind":
            lines += [f"{page + f' after {BEHIND} writes':<34} {cpu['median']:>7} /{cpu['max']:>5}"
                      for page, cpu in row.items()]
            continue
        cells = "".join(f"{row[c]['median']:>7} /{row[c]['max']:>5}" if c in row else f"{'':>14}" for c in columns)
        lines.append(f"{name:<34} {cells}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv[0] == "--writer":
        serve_writes(Path(argv[1]), json.loads(argv[2]), int(argv[3]))
        return
    instance = Path(argv[0])
    if argv[1:2] == ["--profile"]:
        profile(instance, argv[2], argv[3])
        return
    global VERBOSE
    VERBOSE = argv[1:2] == ["--each"]
    rest = argv[1 + VERBOSE:]
    result = measure(instance, int(rest[0]) if rest else ROUNDS)
    print(table(result))
    print(f"garbage collector: {COLLECTIONS.ms:.0f} ms CPU in all, {COLLECTIONS.full} full collections")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
