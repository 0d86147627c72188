"""The benchmark suite runs end to end at a tiny size, and the store's speed-ups keep it correct.

No timings are asserted here: the targets are shown in bench/results.json by `make bench`.
"""
import orjson
import pytest

from bench import cgi, generate, readme, run, targets, workers
from db import Store


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench") / "XS"
    workers.fill(folder, "XS")
    return folder


def test_the_generator_fills_a_programme_of_the_asked_size(instance):
    view = Store(instance / "data").read()
    cases = view.table("cases").all()
    assert len(cases) == generate.SIZES["XS"].cases
    assert len({c["number"] for c in cases}) == len(cases), "every case has its own number"
    assert len(view.table("case_events")) > 5 * len(cases), "every case has a timeline"
    assert {c["step"] for c in cases} >= {"afgesloten", "ongeschikt", "intake"}
    for table in ("volunteers", "partners", "events", "budget_lines", "duo_proposals", "reports"):
        assert len(view.table(table)) > 0, table


def test_one_measurement_round_reads_every_page_and_writes_through_the_app(instance, monkeypatch):
    monkeypatch.setattr(run, "READ_REQUESTS", 2)
    monkeypatch.setattr(run, "WRITE_REQUESTS", 2)
    app, client = workers.logged_in(instance)
    pages = workers.pages(app)
    assert set(pages) == {"dashboard", "case_list_filtered", "search", "case_detail", "matching", "volunteer_list"}
    with app.app_context():
        reads = run.reads(client, pages)  # raises on any answer but 200
        writes = run.writes(client, workers.open_case_ids(app)[:2])
    results = {"floor": run.floor(), "sizes": {size: {"reads": reads, "writes": writes} for size in ("XS", "XL")}}
    results["targets"] = targets.check(results, "XS", "XL")
    assert all(figures["n"] == 2 for figures in reads.values())
    assert "case_detail" in targets.table(results, ("XS", "XL"))
    assert any(t["target"].startswith("case_note") for t in results["targets"])


def test_concurrent_submissions_are_all_stored(instance, monkeypatch):
    monkeypatch.setattr(run, "PROCESSES", 2)
    monkeypatch.setattr(run, "SUBMISSIONS", 3)
    result = run.concurrent_submissions(instance)
    assert result["stored"] == result["submissions"] == 6


def test_four_workers_behind_gunicorn_serve_the_mixed_load_over_http(instance, monkeypatch):
    from bench import multiworker

    # What is asserted (no errors, several workers answering, every post stored) holds for any
    # length of load; the timings over a real minute are `make bench`'s.
    monkeypatch.setattr(multiworker, "SECONDS", 1.0)
    monkeypatch.setattr(multiworker, "WARMUP_SECONDS", 0.3)
    monkeypatch.setattr(multiworker, "FULL_SPEED_SECONDS", 0.5)
    app = workers.create(instance)
    note_cases, hold_cases = multiworker.cases_for(app)
    # One gunicorn for the load and the checks after it: its workers start once (each imports the app).
    server = multiworker.Server(instance)
    try:
        result = multiworker.measure(instance, workers.pages(app), note_cases, hold_cases, server)
        # Every answer as expected: pages 200, writes redirected, every post stored.
        assert result["errors"] == 0, result["first_errors"]
        assert result["served_by"] >= 2, "several worker processes answered"
        assert result["reads"] and set(result["writes"]) <= {"case_note", "step_change", "public_form"}
        assert result["full_speed"]["reads"], "the load without pauses measured after the paced one"
        assert result["posts"]["stored"] == result["posts"]["sent"]
        listed = targets.several_workers(result, "XS")
        shown = "\n".join(readme.several_workers(result, "XS"))
        assert "gemiddeld 0,2 s wachten" in shown and "op volle snelheid" in shown and "| Vandaag (`/beheer/`) |" in shown
        assert any("another worker" in t["target"] for t in listed)

        # Notes and step changes, one after the other: the case page right after a note shows it,
        # also when another worker serves it (an error is counted otherwise).
        # The load left some cases on hold, at random: take the case to hold anew; notes go on the
        # first case chosen before the load (one may be on hold now, a note still goes on it).
        _, hold_cases = multiworker.cases_for(workers.create(instance))
        user = multiworker.Client(0, server.port, multiworker.log_in(server.port), {}, note_cases[:1], hold_cases[0],
                                  False, 0, seed=1)
        monkeypatch.setattr(user.rng, "random", lambda: 0.1)  # a note each time
        for _ in range(4):
            user.i += 1
            user.change()
        monkeypatch.setattr(user.rng, "random", lambda: 0.9)  # on hold and back
        user.change()
        user.change()
    finally:
        server.stop()
    assert user.errors == []
    assert sum(len(user.samples.get(key, [])) for key in ("after:same", "after:other")) >= 4
    assert len(user.samples["write:case_note"]) == 4 and len(user.samples["write:step_change"]) == 2


# -- the store's indexes and appends ------------------------------------------------------

@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "data")


def test_a_derived_value_is_kept_until_its_table_changes(store):
    with store.transaction() as tx:
        tx.table("events").insert_multiple([{"case_id": 1}, {"case_id": 2}])
    built = []

    def count(view):
        built.append(1)
        return len(view.table("events"))

    assert store.read().derived("count", count) == 2
    assert store.read().derived("count", count) == 2
    assert len(built) == 1, "the second reader got the kept value"
    with store.transaction() as tx:
        tx.table("events").insert({"case_id": 1})
        assert tx.index("events", "case_id")[1] == [{"case_id": 1}, {"case_id": 1}], "a transaction sees its writes"
    assert store.read().derived("count", count) == 3
    assert [e.doc_id for e in store.read().index("events", "case_id")[1]] == [1, 3]


def test_adding_documents_appends_to_the_file_and_it_reads_back_the_same(store):
    with store.transaction() as tx:
        tx.table("events").insert_multiple([{"n": i, "text": "é"} for i in range(5)])
    with store.transaction() as tx:
        tx.table("events").insert({"n": 5, "nested": {"1": [1, 2]}})
    raw = (store.tables_dir / "events.json").read_bytes()
    assert orjson.loads(raw) == {"events": {str(i + 1): {"n": i, "text": "é"} for i in range(5)}
                                 | {"6": {"n": 5, "nested": {"1": [1, 2]}}}}
    with store.transaction() as tx:  # a change to a stored document writes the whole table
        tx.table("events").update({"n": 99}, doc_ids=[1])
        tx.table("events").insert({"n": 6})
    store.drop_caches()
    docs = store.read().table("events").all()
    assert [d["n"] for d in docs] == [99, 1, 2, 3, 4, 5, 6] and docs[-1].doc_id == 7


def test_documents_from_a_read_are_shared_and_readers_never_see_uncommitted_changes(store):
    with store.transaction() as tx:
        tx.table("cases").insert({"step": "intake"})
    first = store.read().table("cases").all()[0]
    assert store.read().table("cases").all()[0] is first, "no copy per all()"
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.table("cases").update({"step": "gekoppeld"}, doc_ids=[1])
            raise RuntimeError("abandoned")
    assert first["step"] == "intake" and store.read().table("cases").get(doc_id=1)["step"] == "intake"


def test_cgi_requests_go_through_the_published_script_with_a_real_session(instance):
    app = workers.create(instance)
    measured = cgi.measure(instance, workers.open_case_ids(app)[:2], count=1)  # raises on any unexpected answer
    assert set(measured) == {"floor", "public_post", "login_page", "vandaag", "case_page"}
    assert all(figures["n"] == 1 for figures in measured.values())
    results = {"sizes": {"S": {"cgi": measured}}}
    assert [t["target"] for t in cgi.check(results)] == [
        f"CGI {name} at S: p50 / import-flask floor" for name in ("public_post", "login_page", "vandaag", "case_page")]
    assert any("vandaag" in line for line in cgi.table(results))


def test_one_part_can_be_measured_alone_and_leaves_the_results_of_whole_runs(capsys):
    before = run.RESULTS.read_bytes()
    assert run.main(["--only", "rss", "XS"]) == 0
    printed = capsys.readouterr().out
    measured = orjson.loads(printed[printed.index("{"):])
    entry = measured["sizes"]["XS"]
    assert entry["rss"]["after_pages_mb"] >= entry["rss"]["after_start_mb"] > 0
    assert [t["target"] for t in entry["targets"]] == ["peak RSS of a worker at XS (MB)"]
    assert run.RESULTS.read_bytes() == before


def test_the_readme_shows_the_figures_of_the_stored_run():
    # make bench writes both; a hand edit of either, or a run whose README part was not written, shows here.
    results = orjson.loads((readme.ROOT / "bench" / "results.json").read_bytes())
    assert readme.current() == readme.block(results)
    shown = readme.current()
    assert f"commit `{results['commit']}`" in shown
    met = sum(t["met"] for t in results["targets"])
    assert f"**{met} van de {len(results['targets'])} doelen gehaald**" in shown
    assert readme.number(1234.5) == "1.234" and readme.number(2.35, 2) == "2,35" and readme.number(7.44) == "7,4"
