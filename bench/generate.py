"""Synthetic data for the benchmark at sizes S, M and L, built from the demo generators.

The demo (`buurtbemiddeling/demo/`) writes one programme of about 60 cases; here the same
generators fill a programme of up to 15,000 cases over five years. Most demo generators
insert row by row, which copies the whole table on every insert (TinyDB rewrites its table
dict): fine for 60 cases, quadratic for 15,000. So the case-sized parts are built with the
demo's per-record builders and written with `insert_multiple`, a handful of transactions in
all; the programme-sized parts (partners, protocols, planning, publicity) are the demo's own.

    .venv/bin/python -m bench.generate L /tmp/bench-L    # a data folder to look around in
"""
from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from db import Store
from common import clock, tables
from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import numbering, records, repo, workflow
from buurtbemiddeling.demo import DEMO_EMAIL, DEMO_PASSWORD
from buurtbemiddeling.demo import budget as budget_demo, cases as case_demo, development as development_demo
from buurtbemiddeling.demo import matching as matching_demo, network as network_demo, planning as planning_demo
from buurtbemiddeling.demo import protocols as protocol_demo, publicity as publicity_demo, reports as report_demo
from buurtbemiddeling.demo import volunteers as volunteer_demo
from buurtbemiddeling.reports import intake as report_intake
from buurtbemiddeling.store import LAZY_TABLES, PARTS


@dataclass(frozen=True)
class Size:
    name: str
    cases: int
    volunteers: int
    years: int


SIZES = {
    "XS": Size("XS", 30, 8, 1),  # for the unit test only
    "S": Size("S", 150, 20, 1),
    "M": Size("M", 1_500, 80, 2),
    "L": Size("L", 15_000, 400, 5),
}
OPEN_STEPS = {step: n for step, n in case_demo.STEP_COUNTS.items() if step not in ("afgesloten", "ongeschikt")}
# About three months of a year's intake is still running at any time.
OPEN_SHARE_OF_A_YEAR = 0.25
UNSUITABLE_SHARE = case_demo.STEP_COUNTS["ongeschikt"] / (case_demo.STEP_COUNTS["ongeschikt"] + case_demo.STEP_COUNTS["afgesloten"])
UNHANDLED_REPORTS = 14  # the inbox; every other web report became a case or was handled


def _scaled(counts: tuple[tuple[str, int], ...], total: int) -> tuple[tuple[str, int], ...]:
    factor = total / sum(n for _, n in counts)
    return tuple((step, max(1, round(n * factor))) for step, n in counts)


def _finals(size: Size, rng: random.Random) -> list[str]:
    """The step each case is in now: a few months of intake open, the rest closed or unsuitable."""
    open_total = round(size.cases / size.years * OPEN_SHARE_OF_A_YEAR)
    weight = sum(OPEN_STEPS.values())
    finals = [step for step, n in OPEN_STEPS.items() for _ in range(max(1, round(n * open_total / weight)))]
    closed = size.cases - len(finals)
    unsuitable = round(closed * UNSUITABLE_SHARE)
    finals += ["ongeschikt"] * unsuitable + ["afgesloten"] * (closed - unsuitable)
    rng.shuffle(finals)
    return finals


def _outcomes(closed: int, rng: random.Random) -> list[str]:
    # As the demo: about 70% solved, 12% partly, the rest not.
    outcomes = ["opgelost"] * round(closed * 0.7) + ["deels-opgelost"] * round(closed * 0.12)
    outcomes += [workflow.NOT_SOLVED] * (closed - len(outcomes))
    rng.shuffle(outcomes)
    return outcomes


def _cases(store: Store, size: Size, rng: random.Random, today: dt.date) -> tuple[int, int]:
    """Cases with their timelines, spread over `size.years`; two inserts in one transaction."""
    view = store.read()
    volunteers = [v.doc_id for v in repo.active_volunteers(view)]
    coordinator = next(u for u in view.table(tables.USERS).all() if u.get("role") == "coordinator")
    by = {"user": str(coordinator.doc_id), "user_name": coordinator.get("name", "")}
    finals = _finals(size, rng)
    outcomes = _outcomes(finals.count("afgesloten"), rng)
    # The demo places a closed case up to 540 days back; older years shift its "today".
    spread = max(0, size.years * 365 - 540)
    built = []
    for final in finals:
        closed = final in ("afgesloten", "ongeschikt")
        day = today - dt.timedelta(days=rng.randint(0, spread)) if closed else today
        outcome = outcomes.pop() if final == "afgesloten" else ""
        built.append(case_demo._case(rng, final, day, volunteers, outcome))
    built.sort(key=lambda pair: pair[0]["reported_at"])
    serials: dict[int, int] = {}
    docs = []
    for case, _ in built:
        year = int(case["reported_at"][:4])
        serials[year] = serials.get(year, 0) + 1
        docs.append(records.new_case(case, number=numbering.format_number(year, serials[year]),
                                     now=dt.datetime.fromisoformat(case["reported_at"]), step=case["step"]))
    with store.transaction() as tx:
        ids = tx.table(repo.CASES).insert_multiple(docs)
        events = [{"case_id": case_id, "recorded_at": e["at"], **by, **e}
                  for case_id, (_, timeline) in zip(ids, built) for e in timeline]
        tx.table(repo.EVENTS).insert_multiple(events)
    return len(docs), len(events)


def _reports(store: Store, size: Size, rng: random.Random) -> None:
    """Web reports: those that became cases are handled, the newest few wait in the inbox."""
    report_demo.add(store, rng, max(UNHANDLED_REPORTS, size.cases // 8))
    with store.transaction() as tx:
        table = tx.table(report_intake.TABLE)
        newest = sorted(table.all(), key=lambda r: r.get("received_at", ""))[-UNHANDLED_REPORTS:]
        keep = {r.doc_id for r in newest}
        handled = [r.doc_id for r in table.all() if r.doc_id not in keep]
        if handled:
            table.update({"status": "afgehandeld", "handled_reason": "dubbel"}, doc_ids=handled)


def _volunteers(store: Store, size: Size, rng: random.Random, today: dt.date) -> None:
    pool = _scaled(volunteer_demo.POOL, size.volunteers)
    applicants = _scaled(volunteer_demo.APPLICANTS, max(5, size.volunteers // 4))
    volunteer_demo.add(store, rng, today=today, pool=pool, applicants=applicants)


def generate(store: Store, size: Size | str, seed: int = 2026) -> dict[str, int]:
    """Fill an empty store; returns the number of documents per table."""
    size = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)
    today = clock.today()
    if not users.has_users(store):
        users.create_user(store, DEMO_EMAIL, DEMO_PASSWORD, "coordinator", "Carla de Coördinator")
    _reports(store, size, rng)
    _volunteers(store, size, rng, today)
    _cases(store, size, rng, today)
    protocol_demo.add(store, rng, password=DEMO_PASSWORD)
    network_demo.add(store, rng, today)
    for year in range(today.year - 2, today.year - size.years - 1, -2):
        budget_demo.add(store, rng, dt.date(year, 12, 31))  # each call writes that year and the one before
    budget_demo.add(store, rng, today)
    planning_demo.add(store, rng, today)
    development_demo.add(store, rng, today)
    matching_demo.add(store, random.Random(seed + 6))  # collects and bulk-inserts, fit for L
    publicity_demo.add(store, random.Random(seed + 7), today)
    view = store.read()
    return {name: len(view.table(name)) for name in store.table_names() if not name.startswith("_")}


def main(argv: list[str]) -> None:
    import time

    name, folder = (argv + ["S", ""])[:2] if argv else ("S", "")
    target = Path(folder or f"/tmp/bench-{name}")
    store = Store(target / "data", lazy=LAZY_TABLES, parts=PARTS)
    store.migrate()
    started = time.perf_counter()
    counts = generate(store, name)
    print(f"{name} in {time.perf_counter() - started:.1f} s at {target}: {counts}")
    print(f"Log in with {DEMO_EMAIL} / {DEMO_PASSWORD}")


if __name__ == "__main__":
    main(sys.argv[1:])
