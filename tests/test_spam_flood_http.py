"""A flood of 1,000 spam posts through real HTTP against a real server process (bench/flood.py),
while residents' real reports go through another server process on the same data. The flood
never takes the data lock (its refusals are counters, db/counters.py), so real writes are not
queued behind it. The absolute target, p95 of the real writes under 150 ms during the flood, is
measured by `make bench`; the assertions here hold on a loaded machine too."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench import flood
from bench.workers import report_data
from buurtbemiddeling import spam
from buurtbemiddeling.reports import intake
from db import Store

REFUSED = {303: flood.FLOOD // 2, 429: flood.FLOOD // 2}  # the hidden field "thanks"; the rate limit 429
COUNTED = {"honeypot": flood.FLOOD // 2, "rate_limit": flood.FLOOD // 2}


@pytest.fixture
def server():
    started = []

    def start(instance: Path) -> str:
        process, url = flood.start_server(instance)
        started.append(process)
        return url

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def robot_has_had_its_report(url: str) -> None:
    assert flood.post(url, report_data(0), flood.ROBOT)[0] == 303  # one an hour: the rest is refused


def p95(seconds: list[float]) -> float:
    return sorted(seconds)[int(len(seconds) * 0.95) - 1]


@pytest.mark.timeout(900)
def test_a_flood_of_1000_spam_posts_is_answered_while_another_process_holds_the_data_lock(tmp_path, server):
    url = server(tmp_path / "instance")
    robot_has_had_its_report(url)
    store = Store(tmp_path / "instance" / "data")
    with store.transaction():  # the data lock, held by this process for the whole flood
        statuses = flood.finish_flood(flood.start_flood(url))
    assert statuses == REFUSED  # every post answered as a person would see it
    assert spam.rejected_counts(store) == COUNTED
    assert len(store.read().table(intake.TABLE)) == 1


@pytest.mark.timeout(900)
def test_real_writes_during_a_flood_of_1000_spam_posts_are_not_queued_behind_it(tmp_path, server):
    data, other = tmp_path / "instance", tmp_path / "other"
    writer, flood_here, flood_elsewhere = server(data), server(data), server(other)
    for url in (flood_here, flood_elsewhere):
        robot_has_had_its_report(url)
    # The same flood against a server on other data first: the same work for the machine, no
    # shared lock. A busy machine slows both alike; only queueing behind the flood tells them apart.
    elsewhere, statuses = flood.writes_during(flood_elsewhere, writer, 0)
    assert statuses == REFUSED
    here, statuses = flood.writes_during(flood_here, writer, len(elsewhere))
    assert statuses == REFUSED
    assert len(elsewhere) >= 20 and len(here) >= 20, "too few writes during the floods to measure"
    store = Store(data / "data")
    assert len(store.read().table(intake.TABLE)) == len(elsewhere) + len(here) + 1  # every report kept
    assert spam.rejected_counts(store) == COUNTED
    print(f"real writes: {len(elsewhere)} and {len(here)}, p95 {p95(elsewhere) * 1000:.0f} ms with the flood "
          f"elsewhere, {p95(here) * 1000:.0f} ms with the flood on the same data")
    assert p95(here) <= max(0.150, 1.5 * p95(elsewhere)), (p95(elsewhere), p95(here))
