"""A flood of spam posts through real HTTP against a real server process (bench/flood.py), while
residents' real reports go through another server process on the same data. The flood never
takes the data lock (its refusals are counters, db/counters.py), so real writes are not queued
behind it. How fast real writes are during a flood of 1,000 posts (p95 under 150 ms) is measured
by `make bench`; nothing here depends on the machine's speed, nor on the flood's size: what holds
for 200 posts (every one answered and counted, every real report kept) holds for 1,000; 200
still gave some 140 real reports during the flood, against the 20 asked for below."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench import flood
from bench.report_post import report_data
from buurtbemiddeling import spam
from buurtbemiddeling.reports import intake
from db import Store

POSTS = 200  # make bench floods with flood.FLOOD (1,000)
REFUSED = {303: POSTS // 2, 429: POSTS // 2}  # the hidden field "thanks"; the rate limit 429
COUNTED = {"honeypot": POSTS // 2, "rate_limit": POSTS // 2}


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


@pytest.mark.timeout(900)
def test_a_flood_of_spam_posts_is_answered_while_another_process_holds_the_data_lock(tmp_path, server):
    url = server(tmp_path / "instance")
    robot_has_had_its_report(url)
    store = Store(tmp_path / "instance" / "data")
    with store.transaction():  # the data lock, held by this process for the whole flood
        statuses = flood.finish_flood(flood.start_flood(url, POSTS))
    assert statuses == REFUSED  # every post answered as a person would see it
    assert spam.rejected_counts(store) == COUNTED
    assert len(store.read().table(intake.TABLE)) == 1


@pytest.mark.timeout(900)
def test_every_real_report_sent_during_a_flood_of_spam_posts_is_kept(tmp_path, server):
    """How fast they are during the flood is `make bench`'s to measure (bench/flood.py), not a unit test's."""
    data = tmp_path / "instance"
    writer, flood_here = server(data), server(data)
    robot_has_had_its_report(flood_here)
    reports, statuses = flood.writes_during(flood_here, writer, 0, POSTS)
    assert statuses == REFUSED
    assert len(reports) >= 20, "too few reports during the flood"
    store = Store(data / "data")
    assert len(store.read().table(intake.TABLE)) == len(reports) + 1  # every report kept, and the robot's one
    assert spam.rejected_counts(store) == COUNTED
