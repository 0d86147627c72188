"""Storage engine tests; the concurrency tests use real processes."""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from tinydb import Query
from tinydb.table import Document

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import db.audit  # noqa: E402
import db.migrations  # noqa: E402
import db.storage  # noqa: E402
import db.store  # noqa: E402
from common import clock  # noqa: E402
from db import Store, StoreError  # noqa: E402
from db.backup import backup, list_backups, restore  # noqa: E402

WORKER = Path(__file__).with_name("storage_worker.py")
from tests import storage_worker  # noqa: E402


def layout_env(lazy=(), parts=None) -> dict:
    return {"STORE_LAZY": ",".join(lazy),
            "STORE_PARTS": ",".join(f"{name}:{size}" for name, size in (parts or {}).items())}


class _SocketWriter:
    """A forked worker's stdin: what is written goes to it; closing ends its input (EOF)."""

    def __init__(self, sock) -> None:
        self._socket = sock

    def write(self, text: str) -> None:
        self._socket.sendall(text.encode())

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._socket.shutdown(socket.SHUT_WR)


class ForkedWorker:
    """A worker forked by the fork server (storage_worker.py forkserver): a process of its own,
    killed as any other, its output read over a socket as a Popen's stdout."""

    def __init__(self, socket_path, data_dir, *args, lazy=(), parts=None):
        self._socket = socket.socket(socket.AF_UNIX)
        self._socket.connect(str(socket_path))
        env = {**layout_env(lazy, parts), "STORE_DURABLE": "0"}  # see forked_worker
        request = {"argv": [str(data_dir), *map(str, args)], "env": env}
        self._socket.sendall(json.dumps(request).encode() + b"\n")
        self.stdout = self._socket.makefile("r")
        self.stdin = _SocketWriter(self._socket)
        self.pid = int(self.stdout.readline())

    def send_signal(self, sig) -> None:
        os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout):
        self.communicate(timeout)
        return self.returncode

    def communicate(self, timeout):
        """Everything it wrote until its end closed the connection; `returncode` is its exit
        status, None when it was killed."""
        self._socket.settimeout(timeout)
        out = self.stdout.read()
        self.stdout.close()
        self._socket.close()
        head, _, status = out.rpartition(storage_worker.EXIT_LINE)
        self.returncode = int(status) if _ else None
        return (head if _ else out), None


@pytest.fixture(scope="module")
def forked_worker(tmp_path_factory):
    """Starts workers as forks of one process that imported the store once: a fresh interpreter
    per killed writer cost ~0.2 s of CPU each, and the kill tests start hundreds. They commit
    without fsync: it only keeps what a power cut would lose, and no test here cuts the power (a
    killed process's writes stay in the page cache); waiting for the disk was most of a commit."""
    socket_path = tmp_path_factory.mktemp("fork") / "server"
    server = subprocess.Popen([sys.executable, str(WORKER), "forkserver", str(socket_path)],
                              stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    assert server.stdout.readline().strip() == "ready"
    yield lambda *args, **kwargs: ForkedWorker(socket_path, *args, **kwargs)
    server.kill()
    server.wait(timeout=10)


def load_table_file(data_dir, name):
    """Parse a table file the plain way, bypassing the store; a table kept in parts
    (db/parts.py: files ``<name>.<first>-<last>.json``) as the union of its part files."""
    tables = Path(data_dir) / "tables"
    found = {}
    for path in [tables / f"{name}.json", *tables.glob(f"{name}.*-*.json")]:
        if path.exists():
            docs = orjson.loads(path.read_bytes())[path.stem]
            assert not set(docs) & set(found), f"{path.name} holds a document another file holds too"
            found |= docs
    return found


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "data")


# -- real processes ------------------------------------------------------------


LAYOUTS = {"parsed": ((), None), "lazy": (("records",), None), "parts": (("records",), {"records": 16}),
           "parsed-parts": ((), {"records": 16})}


@pytest.mark.parametrize("lazy,parts", LAYOUTS.values(), ids=LAYOUTS)
def test_eight_processes_writing_at_once_lose_nothing(tmp_path, lazy, parts, forked_worker):
    data_dir, go = tmp_path / "data", tmp_path / "go"
    Store(data_dir, lazy=lazy, parts=parts)
    # Without fsync (forked_worker) the commits interleave as much (some 300 switches between
    # writers in 400 commits, as with it), at a fraction of the wait.
    procs = [forked_worker(data_dir, "insert", f"w{n}", 50, go, lazy=lazy, parts=parts) for n in range(8)]
    time.sleep(0.1)  # each is running (it sent its pid): let them reach the wait, then release all at once
    go.touch()
    acknowledged = []
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        acknowledged += [int(line) for line in out.split()]

    records = load_table_file(data_dir, "records")
    assert len(records) == 400
    assert sorted(acknowledged) == sorted(int(k) for k in records) == list(range(1, 401))
    assert {(d["worker"], d["seq"]) for d in records.values()} == {
        (f"w{n}", s) for n in range(8) for s in range(50)
    }
    if parts:  # 400 documents in parts of 16: files by range of ids, the last one full
        assert sorted(p.name for p in (data_dir / "tables").glob("records*.json")) == sorted(
            f"records.{first}-{first + 15}.json" for first in range(1, 401, 16))


@pytest.mark.parametrize("lazy,parts", LAYOUTS.values(), ids=LAYOUTS)
def test_a_writer_killed_at_random_moments_keeps_every_acknowledged_write(tmp_path, lazy, parts, forked_worker):
    data_dir = tmp_path / "data"
    Store(data_dir, lazy=lazy, parts=parts)
    rng = random.Random(1234)
    acknowledged = set()
    for run in range(100):
        # Without fsync (forked_worker): the random moments below fall on the commit's steps on
        # disk instead of mostly on waits for the disk.
        proc = forked_worker(data_dir, "writer", run, lazy=lazy, parts=parts)
        assert proc.stdout.readline().strip() == "ready"
        # Kill only once it writes: on a busy machine (other test processes) starting takes a while.
        # Then at a random moment within the time one commit took: every step of a commit gets hit
        # however fast the machine is (a fixed window let the writer run on for many commits).
        first = proc.stdout.readline()
        began = time.monotonic()
        second = proc.stdout.readline()
        time.sleep(rng.uniform(0, time.monotonic() - began))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
        # Only complete lines were acknowledged; a torn last line was not.
        lines = (first + second + out).split("\n")[:-1]
        acknowledged |= {tuple(map(int, line.split(":"))) for line in lines}

        records = load_table_file(data_dir, "records")  # must parse after every kill
        stored = {(d["run"], d["seq"]) for d in records.values()}
        assert acknowledged <= stored, f"run {run} lost {sorted(acknowledged - stored)[:5]}"
    assert len(acknowledged) >= 100  # every run wrote before its kill

    # The dead writer's flock is gone: a new store gets the lock at once.
    store = Store(data_dir, lock_timeout=5, lazy=lazy, parts=parts)
    with store.transaction() as tx:
        tx.table("records").insert({"run": -1, "seq": 0})
    assert len(store.read().table("records")) == len(load_table_file(data_dir, "records"))
    if parts:
        assert len(list((data_dir / "tables").glob("records.*-*.json"))) > 5, "the writes spread over parts"
    assert not list((data_dir / "tables").glob(".*.tmp"))
    assert not (data_dir / "tables" / ".journal").exists()


def test_a_write_in_one_process_is_seen_by_the_next_read_in_another(store, forked_worker):
    with store.transaction() as tx:
        tx.table("notes").insert({"text": "a"})
    cached = store.read()._table_data("notes")
    assert store.read()._table_data("notes") is cached  # same generation: cache hit, no parse

    other = forked_worker(store.data_dir, "serve")

    def ask(**cmd):
        other.stdin.write(json.dumps(cmd) + "\n")
        other.stdin.flush()
        return json.loads(other.stdout.readline())

    try:
        assert ask(op="insert", table="notes", doc={"text": "b"}) == 2
        assert [d["text"] for d in store.read().table("notes").all()] == ["a", "b"]

        # Same-size rewrites, many in a row: inode numbers may be reused and
        # timestamps are coarse, yet every change must be seen.
        for letter in "cdefghijklmnopqrstuvwxyz":
            assert store.read().table("notes").get(doc_id=1) is not None  # warm cache
            size = (store.tables_dir / "notes.json").stat().st_size
            ask(op="update", table="notes", fields={"text": letter}, doc_id=1)
            assert (store.tables_dir / "notes.json").stat().st_size == size
            assert store.read().table("notes").get(doc_id=1)["text"] == letter
    finally:
        other.stdin.close()
        other.wait(timeout=10)


def test_tables_have_no_stale_query_cache_across_processes(store, forked_worker):
    with store.transaction() as tx:
        tx.table("cases").insert({"status": "open", "n": 1})
    other = forked_worker(store.data_dir, "serve")

    def ask(**cmd):
        other.stdin.write(json.dumps(cmd) + "\n")
        other.stdin.flush()
        return json.loads(other.stdout.readline())

    try:
        open_cases = Query().status == "open"
        assert len(store.read().table("cases").search(open_cases)) == 1
        assert len(ask(op="search", table="cases", field="status", value="open")) == 1

        ask(op="insert", table="cases", doc={"status": "open", "n": 2})
        assert len(store.read().table("cases").search(open_cases)) == 2

        with store.transaction() as tx:
            tx.table("cases").insert({"status": "open", "n": 3})
        assert [d["n"] for d in ask(op="search", table="cases", field="status", value="open")] == [1, 2, 3]
        # Ids come from the file, not a stale in-process counter.
        assert ask(op="insert", table="cases", doc={"status": "closed"}) == 4
        with store.transaction() as tx:
            assert tx.table("cases").insert({"status": "closed"}) == 5
    finally:
        other.stdin.close()
        other.wait(timeout=10)


def test_backup_then_damage_then_restore_gives_identical_data(store, tmp_path):
    store.migrate()
    with store.transaction() as tx:
        tx.table("cases").insert_multiple({"n": i, "name": f"case {i}"} for i in range(50))
        tx.table("people").insert({"name": "Ann", "roles": ["admin"]})
    store.audit("ann", "case.create", "case-1", n=1)
    store.audit("bob", "case.edit", "case-2")
    before = {p.name: p.read_bytes() for p in store.tables_dir.glob("[!.]*.json")}
    audit_before = store.audit_entries()

    path = backup(store)
    assert path.parent == store.data_dir.parent / "backups"
    assert list_backups(store) == [path]
    manifest = orjson.loads((path / "manifest.json").read_bytes())
    assert set(manifest["files"]) >= {"tables/cases.json", "tables/people.json", "tables/_meta.json"}

    cases = store.tables_dir / "cases.json"
    cases.write_bytes(cases.read_bytes()[:100])  # truncated
    (store.tables_dir / "people.json").write_bytes(b"\x00garbage")
    with store.transaction() as tx:  # a table created after the backup
        tx.table("later").insert({"x": 1})
    with pytest.raises(StoreError):  # in a process that has not read it yet
        Store(store.data_dir).read().table("cases").all()

    restore(store, path)

    after = {p.name: p.read_bytes() for p in store.tables_dir.glob("[!.]*.json")}
    assert {k: orjson.loads(v) for k, v in after.items()} == {k: orjson.loads(v) for k, v in before.items()}
    assert len(store.read().table("cases")) == 50
    assert len(Store(store.data_dir).read().table("people")) == 1
    audit_after = store.audit_entries()
    assert audit_after[0]["action"] == "restore"
    assert audit_after[1:] == audit_before


def test_restore_refuses_a_backup_with_a_bad_checksum(store):
    with store.transaction() as tx:
        tx.table("cases").insert({"n": 1})
    path = backup(store)
    with store.transaction() as tx:
        tx.table("cases").insert({"n": 2})
    (path / "tables" / "cases.json").write_bytes(b'{"cases": {}}')
    with pytest.raises(StoreError, match="controlesom"):
        restore(store, path)
    assert len(store.read().table("cases")) == 2


def test_backups_beyond_keep_are_pruned_newest_first(store, tmp_path):
    paths = [backup(store, tmp_path / "b", keep=3) for _ in range(5)]
    assert list_backups(store, tmp_path / "b") == paths[:-4:-1]
    assert store.latest_backup_age(tmp_path / "b").total_seconds() < 60
    assert store.latest_backup_age(tmp_path / "none") is None


# -- transactions ----------------------------------------------------------------


def test_a_transaction_that_raises_writes_nothing(store):
    with store.transaction() as tx:
        tx.table("cases").insert({"status": "open", "tags": ["x"]})
    file = store.tables_dir / "cases.json"
    raw, stat = file.read_bytes(), file.stat()
    assert store.read().table("cases").get(doc_id=1)["status"] == "open"  # warm cache

    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            cases = tx.table("cases")
            cases.update({"status": "closed"}, doc_ids=[1])
            cases.update(lambda doc: doc["tags"].append("y"), doc_ids=[1])
            cases.insert({"status": "new"})
            tx.table("other").insert({"x": 1})
            assert cases.get(doc_id=1)["status"] == "closed"  # own writes visible
            raise RuntimeError("boom")

    assert file.read_bytes() == raw and file.stat().st_mtime_ns == stat.st_mtime_ns
    assert not (store.tables_dir / "other.json").exists()
    assert store.read().table("cases").all() == [{"status": "open", "tags": ["x"]}]
    assert store.read().table("other").all() == []


def test_uncommitted_updates_are_invisible_to_readers_in_the_same_process(store):
    with store.transaction() as tx:
        tx.table("cases").insert({"status": "open"})
    doc = store.read().table("cases").get(doc_id=1)
    with store.transaction() as tx:
        tx.table("cases").update({"status": "closed"}, doc_ids=[1])
        assert doc["status"] == "open"
    assert store.read().table("cases").get(doc_id=1)["status"] == "closed"


def test_a_read_view_rejects_every_write(store):
    with store.transaction() as tx:
        tx.table("cases").insert({"n": 1})
    cases = store.read().table("cases")
    for write in (
        lambda: cases.insert({"n": 2}),
        lambda: cases.insert_multiple([{"n": 2}]),
        lambda: cases.update({"n": 5}),
        lambda: cases.upsert({"n": 5}, Query().n == 1),
        lambda: cases.remove(doc_ids=[1]),
        lambda: cases.truncate(),
    ):
        with pytest.raises(StoreError):
            write()
    assert store.read().table("cases").all() == [{"n": 1}]


def test_nested_transactions_commit_once_at_the_outermost_exit(store):
    with store.transaction() as outer:
        outer.table("cases").insert({"n": 1})
        with store.transaction() as inner:
            assert inner is outer
            inner.table("cases").insert({"n": 2})
        assert load_table_file(store.data_dir, "cases") == {}  # not yet on disk
        assert len(store.read().table("cases")) == 2  # but visible inside
    assert len(load_table_file(store.data_dir, "cases")) == 2


def test_a_failed_nested_block_cancels_the_whole_transaction(store):
    with pytest.raises(StoreError, match="nested"):
        with store.transaction() as tx:
            tx.table("cases").insert({"n": 1})
            try:
                with store.transaction() as inner:
                    inner.table("cases").insert({"n": 2})
                    raise ValueError
            except ValueError:
                pass
    assert store.read().table("cases").all() == []


def test_a_finished_transaction_cannot_be_used(store):
    with store.transaction() as tx:
        cases = tx.table("cases")
    with pytest.raises(StoreError):
        cases.insert({"n": 1})


def test_threads_in_one_process_do_not_lose_writes(store):
    def insert_many():
        for i in range(25):
            with store.transaction() as tx:
                tx.table("cases").insert({"i": i})

    threads = [threading.Thread(target=insert_many) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(load_table_file(store.data_dir, "cases")) == 100


def test_an_interrupt_after_the_commit_point_finishes_the_commit_before_it_is_raised(store, monkeypatch):
    real_replace, interrupted = os.replace, []

    def crash_on_second_table(src, dst):
        if str(dst).endswith("b.json") and not interrupted:
            interrupted.append(dst)
            raise KeyboardInterrupt("simulated interrupt")
        real_replace(src, dst)

    monkeypatch.setattr(db.store.os, "replace", crash_on_second_table)
    with pytest.raises(KeyboardInterrupt):
        with store.transaction() as tx:
            tx.table("a").insert({"x": 1})
            tx.table("b").insert({"x": 2})
    monkeypatch.setattr(db.store.os, "replace", real_replace)
    # Finished before the interrupt went on: the plain files too, with no temp files left.
    assert load_table_file(store.data_dir, "a") == {"1": {"x": 1}}
    assert load_table_file(store.data_dir, "b") == {"1": {"x": 2}}
    assert store.read().table("b").all() == [{"x": 2}]
    assert not list(store.tables_dir.glob(".*.tmp"))


def test_an_error_after_the_commit_point_is_not_raised_so_a_retry_cannot_write_twice(store, monkeypatch, caplog):
    def broken_cleanup(names, current):
        raise OSError("disk hiccup while cleaning up")

    monkeypatch.setattr(store, "_clean_versions", broken_cleanup)
    with store.transaction() as tx:  # returns normally: the commit happened
        tx.table("cases").insert({"n": 1})
        tx.table("events").insert({"n": 1})
    assert "the commit stands" in caplog.text
    assert len(Store(store.data_dir).read().table("cases")) == 1
    assert len(Store(store.data_dir).read().table("events")) == 1


def _a_failing_commit_leaves_nothing(store, monkeypatch, error: str) -> None:
    """A commit of two tables fails with ``error`` (patched in by the caller); after the patches
    are undone, only the first commit is there, with no temp file or version link left."""
    with pytest.raises(OSError, match=error):
        with store.transaction() as tx:
            tx.table("cases").insert({"n": 2})
            tx.table("events").insert({"n": 2})
    monkeypatch.undo()
    fresh = Store(store.data_dir)
    assert [d["n"] for d in fresh.read().table("cases").all()] == [1]
    assert fresh.read().table("events").all() == []
    assert not list(store.tables_dir.glob(".*.tmp")) and not list(store.tables_dir.glob(".*.g2.json"))


def test_an_error_before_the_commit_point_leaves_nothing(store, monkeypatch):
    with store.transaction() as tx:
        tx.table("cases").insert({"n": 1})
    real_replace = os.replace

    def failing_commit_record(src, dst):
        if Path(dst).name == ".generations":
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(db.store.os, "replace", failing_commit_record)
    _a_failing_commit_leaves_nothing(store, monkeypatch, "disk full")
    with store.transaction() as tx:  # and the next commit goes through
        tx.table("cases").insert({"n": 3})
    assert [d["n"] for d in Store(store.data_dir).read().table("cases").all()] == [1, 3]


def test_a_file_the_disk_fails_to_sync_fails_the_commit_and_leaves_nothing(store, monkeypatch):
    """The new versions and the commit record are fsynced at once, each in its own thread: an
    error in any of them is the commit's error, raised after all have finished."""
    with store.transaction() as tx:
        tx.table("cases").insert({"n": 1})
    real_fsync, synced = os.fsync, []

    def failing_fsync(fd):
        synced.append(threading.current_thread().name)
        if os.readlink(f"/proc/self/fd/{fd}").split("/")[-1].startswith(".events.json."):
            raise OSError("I/O error")
        real_fsync(fd)

    monkeypatch.setattr(db.storage, "_durable", True)
    monkeypatch.setattr(db.storage.os, "fsync", failing_fsync)
    _a_failing_commit_leaves_nothing(store, monkeypatch, "I/O error")
    assert len(synced) == 3 and "fsync" in synced, "two tables and the record, in helper threads"


def test_a_waiter_that_gave_up_leaves_the_lock_free_and_the_next_waiter_gets_it(tmp_path):
    """The lock is waited for in the kernel by a helper thread; a waiter that times out must not
    leave that helper holding the lock once the holder lets go. Two ProcessLocks on one file
    contend as two processes do (an flock belongs to the open file)."""
    from db.locking import ProcessLock

    path = tmp_path / ".lock"
    holder, waiter = ProcessLock(path, timeout=5), ProcessLock(path, timeout=0.2)
    taken, release, order = threading.Event(), threading.Event(), []

    def hold():
        with holder:
            taken.set()
            release.wait(10)
            order.append("holder lets go")

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(5)
    with pytest.raises(StoreError, match="timed out"):
        with waiter:
            pass
    release.set()
    with ProcessLock(path, timeout=5):  # waits for the holder, not for the helper that gave up
        order.append("next waiter")
    thread.join(5)
    assert order == ["holder lets go", "next waiter"]
    with waiter:  # and the one that gave up may take it again
        pass


def test_table_names_are_files_and_unsafe_names_are_refused(store):
    with store.transaction() as tx:
        tx.table("cases").insert({})
        tx.table("people").insert({})
    assert store.table_names() == ["cases", "people"]
    for bad in ("../x", "a/b", ".hidden", ""):
        with pytest.raises(StoreError):
            store.read().table(bad)


# -- migrations ------------------------------------------------------------------


def test_migrations_run_once_and_record_the_version(store, monkeypatch):
    latest = max(v for v, _ in db.migrations.MIGRATIONS)
    assert store.schema_version == 0
    assert store.migrate() == list(range(1, latest + 1))
    assert store.schema_version == latest
    assert store.migrate() == []

    runs = []

    def add_status(tx):
        runs.append(1)
        tx.table("cases").update({"status": "open"})

    with store.transaction() as tx:
        tx.table("cases").insert({"n": 1})
    monkeypatch.setattr(db.migrations, "MIGRATIONS", [*db.migrations.MIGRATIONS, (latest + 1, add_status)])
    assert store.migrate() == [latest + 1]
    assert Store(store.data_dir).migrate() == []
    assert runs == [1]
    assert store.schema_version == latest + 1
    assert store.read().table("cases").all() == [{"n": 1, "status": "open"}]
    assert load_table_file(store.data_dir, "_meta") == {"1": {"schema": latest + 1}}


def _files_as_kept(data_dir: Path) -> dict:
    """Every file of a store by path: its mode and bytes. A table's current version file is
    named by its table, as the commit record's numbers differ with the number of commits;
    superseded versions are left out, as they are removed KEEP_SECONDS after a commit."""
    tables = data_dir / "tables"
    record = orjson.loads((tables / db.store.GENERATIONS).read_bytes())
    current = {db.storage.version_path(tables, name, generation): name for name, generation in record["tables"].items()}
    kept = {}
    for path in sorted(data_dir.rglob("*")):
        if path.name == db.store.GENERATIONS or (path.name.startswith(".") and ".g" in path.name and path not in current):
            continue
        name = f"current version of {current[path]}" if path in current else str(path.relative_to(data_dir))
        kept[name] = (oct(path.stat().st_mode), None if path.is_dir() else path.read_bytes())
    return kept


def test_a_new_store_is_migrated_in_one_commit_to_what_an_old_one_is_migrated_to(tmp_path):
    """A new instance folder gets every migration in one transaction; an old store, one each.
    Both end with the same files, modes and contents, and the same tables in the commit record."""
    from tests.conftest import new_app

    old = Store(tmp_path / "old" / "data")
    with old.transaction() as tx:  # as the first release left it
        tx.table(db.store.META_TABLE).insert({"schema": 1})
    latest = max(v for v, _ in db.migrations.MIGRATIONS)
    migrated = new_app(tmp_path / "old").extensions["store"]
    fresh = new_app(tmp_path / "new").extensions["store"]
    assert fresh.schema_version == migrated.schema_version == latest
    assert migrated._generations()["commit"] == latest  # 1 written above, then one commit per migration
    assert fresh._generations()["commit"] == 1
    assert fresh._generations()["tables"].keys() == migrated._generations()["tables"].keys()
    assert fresh._generations()["last"] == migrated._generations()["last"]
    assert _files_as_kept(fresh.data_dir) == _files_as_kept(migrated.data_dir)


def test_a_failing_migration_leaves_the_version_unchanged(store, monkeypatch):
    store.migrate()
    version = store.schema_version

    def broken(tx):
        tx.table("cases").insert({"half": True})
        raise RuntimeError("bad migration")

    monkeypatch.setattr(db.migrations, "MIGRATIONS", [*db.migrations.MIGRATIONS, (version + 1, broken)])
    with pytest.raises(RuntimeError):
        store.migrate()
    assert store.schema_version == version
    assert store.read().table("cases").all() == []


# -- audit -------------------------------------------------------------------------


def test_audit_entries_filter_by_user_record_and_period_across_months(store):
    moments = [
        (datetime(2024, 1, 31, 23, 59, 59, tzinfo=timezone.utc), "ann", "case-1"),
        (datetime(2024, 2, 1, 0, 0, 0, tzinfo=timezone.utc), "bob", "case-1"),
        (datetime(2024, 2, 15, 12, 0, 0, tzinfo=timezone.utc), "ann", "case-2"),
        (datetime(2024, 3, 1, 8, 0, 0, tzinfo=timezone.utc), "ann", None),
    ]
    for at, user, record in moments:
        with clock.using(at):
            store.audit(user, "edit", record, field="status")
    assert sorted(p.name for p in store.audit_dir.glob("*.jsonl")) == [
        "audit-2024-01.jsonl",
        "audit-2024-02.jsonl",
        "audit-2024-03.jsonl",
    ]

    def ats(entries):
        return [e["at"][:10] for e in entries]

    assert ats(store.audit_entries()) == ["2024-03-01", "2024-02-15", "2024-02-01", "2024-01-31"]
    assert ats(store.audit_entries(user="ann")) == ["2024-03-01", "2024-02-15", "2024-01-31"]
    assert ats(store.audit_entries(record="case-1")) == ["2024-02-01", "2024-01-31"]
    feb = dict(since=datetime(2024, 2, 1, tzinfo=timezone.utc), until=datetime(2024, 2, 29, tzinfo=timezone.utc))
    assert ats(store.audit_entries(**feb)) == ["2024-02-15", "2024-02-01"]
    assert ats(store.audit_entries(**feb, user="bob", record="case-1")) == ["2024-02-01"]
    # Only the month files in range are opened.
    assert [p.name for p in store._audit_log._files(feb["since"], feb["until"])] == ["audit-2024-02.jsonl"]

    entry = store.audit_entries(user="bob")[0]
    assert entry == {"at": "2024-02-01T00:00:00.000000+00:00", "user": "bob", "action": "edit",
                     "record": "case-1", "field": "status"}


def test_an_audit_line_torn_by_a_crash_does_not_spoil_the_next_one(store):
    store.audit("ann", "login")
    path = next(store.audit_dir.glob("audit-*.jsonl"))
    with open(path, "ab") as fh:
        fh.write(b'{"at": "20')  # a writer died mid-line
    store.audit("bob", "login")
    assert [e["user"] for e in store.audit_entries()] == ["bob", "ann"]


def test_audit_does_not_wait_for_a_data_transaction(store):
    with store.transaction() as tx:
        tx.table("cases").insert({"n": 1})
        done = []
        t = threading.Thread(target=lambda: done.append(store.audit("ann", "view", "case-1")))
        t.start()
        t.join(timeout=5)
        assert done


def test_a_backup_also_brings_back_uploaded_files(tmp_path):
    from db.backup import backup, restore

    store = Store(tmp_path / "data")
    receipt = tmp_path / "data" / "uploads" / "ab12cd.pdf"
    receipt.parent.mkdir(parents=True)
    receipt.write_bytes(b"%PDF-1.4 bon")
    document = tmp_path / "data" / "documents" / "7" / "verslag.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.4 verslag")
    saved = backup(store)
    receipt.unlink()
    document.write_bytes(b"garbled")
    restore(store, saved)
    assert receipt.read_bytes() == b"%PDF-1.4 bon"
    assert document.read_bytes() == b"%PDF-1.4 verslag"


# -- lazy tables (db/lazy.py) ---------------------------------------------------------


def _same_changes(store) -> None:
    with store.transaction() as tx:
        tx.table("events").insert_multiple({"case_id": n % 7, "n": n, "text": "regel 1\nregel 2"} for n in range(60))
    with store.transaction() as tx:
        events = tx.table("events")
        events.update({"n": -10}, doc_ids=[10])
        events.remove(doc_ids=[11, 12])
        events.insert({"case_id": 3, "n": 100})
        events.remove(doc_ids=[13])
        events.insert(Document({"case_id": 5, "n": 13}, doc_id=13))  # a replacement keeps its id
    with store.transaction() as tx:
        tx.table("events").insert({"case_id": 3, "n": 101})


def _seen(store) -> dict:
    view = store.read()
    events = view.table("events")
    # A replaced document keeps its place in a lazy file and goes last in a dict: compare by id.
    return {"all": sorted((d.doc_id, dict(d)) for d in events.all()), "len": len(events),
            "get": [events.get(doc_id=n) for n in (1, 10, 11, 13, 62, 99)],
            "search": sorted(d.doc_id for d in events.search(Query().case_id == 3)),
            "index": {k: sorted(d.doc_id for d in v) for k, v in sorted(view.index("events", "case_id").items())}}


def test_a_lazy_table_answers_exactly_as_a_parsed_one(tmp_path):
    parsed, lazy = Store(tmp_path / "parsed"), Store(tmp_path / "lazy", lazy=("events",))
    for store in (parsed, lazy):
        _same_changes(store)
    assert _seen(lazy) == _seen(parsed)
    assert _seen(Store(tmp_path / "lazy", lazy=("events",))) == _seen(parsed)  # a fresh process
    assert load_table_file(tmp_path / "lazy", "events") == load_table_file(tmp_path / "parsed", "events")
    assert _seen(lazy)["get"][2] is None and _seen(lazy)["get"][3] == {"case_id": 5, "n": 13}


def test_the_index_of_a_lazy_table_follows_appends_here_and_in_another_process(tmp_path, forked_worker):
    store = Store(tmp_path / "data", lazy=("events",))
    with store.transaction() as tx:
        tx.table("events").insert_multiple({"case_id": n % 3} for n in range(9))
    assert [d.doc_id for d in store.read().index("events", "case_id")[1]] == [2, 5, 8]
    with store.transaction() as tx:  # appended here: the kept index is continued
        tx.table("events").insert({"case_id": 1})
    assert [d.doc_id for d in store.read().index("events", "case_id")[1]] == [2, 5, 8, 10]
    for _ in range(3):  # several appends before the next read: continued over all of them
        with store.transaction() as tx:
            tx.table("events").insert({"case_id": 2})
    assert [d.doc_id for d in store.read().index("events", "case_id")[2]] == [3, 6, 9, 11, 12, 13]

    other = forked_worker(store.data_dir, "serve", lazy=("events",))
    try:
        other.stdin.write(json.dumps({"op": "insert", "table": "events", "doc": {"case_id": 1}}) + "\n")
        other.stdin.flush()
        assert json.loads(other.stdout.readline()) == 14
        # A rewrite in the other process: no append record, so the next read scans the file.
        other.stdin.write(json.dumps({"op": "update", "table": "events", "fields": {"case_id": 0}, "doc_id": 2}) + "\n")
        other.stdin.flush()
        assert json.loads(other.stdout.readline()) == [2]
    finally:
        other.stdin.close()
        other.wait(timeout=10)
    assert [d.doc_id for d in store.read().index("events", "case_id")[1]] == [5, 8, 10, 14]
    assert [d.doc_id for d in store.read().index("events", "case_id")[0]] == [1, 2, 4, 7]


# Two appends there before the next read here; and the notes of a busy hour while this worker
# served no page that reads the timeline: still continued, not read again from the first event.
@pytest.mark.parametrize("appends", [2, 300])
def test_lines_another_process_appended_are_read_on_top_of_the_kept_version(tmp_path, appends, forked_worker):
    store = Store(tmp_path / "data", lazy=("events",))
    with store.transaction() as tx:
        tx.table("events").insert_multiple({"case_id": n % 3} for n in range(9))
    before = store.read()
    assert [d.doc_id for d in before.index("events", "case_id")[1]] == [2, 5, 8]
    other = forked_worker(store.data_dir, "serve", lazy=("events",))
    try:
        for _ in range(appends):
            other.stdin.write(json.dumps({"op": "insert", "table": "events", "doc": {"case_id": 1}}) + "\n")
            other.stdin.flush()
            other.stdout.readline()
    finally:
        other.stdin.close()
        other.wait(timeout=10)
    view = store.read()
    assert [d.doc_id for d in view.index("events", "case_id")[1]] == [2, 5, 8, *range(10, 10 + appends)]
    # Read as the kept version plus the new lines, so what was kept for it can be continued.
    assert before._pinned["events"] in view._table_data("events").lineage


@pytest.mark.parametrize("lazy", [(), ("events",)], ids=["parsed", "lazy"])
def test_a_fold_continues_over_a_part_another_process_began(tmp_path, lazy, forked_worker):
    # Every thousand events the timeline begins a part: what a worker folded over the events
    # before (its index, each case's activity) goes on with the new part's, not from the first.
    store = Store(tmp_path / "data", lazy=lazy, parts={"events": 4})
    with store.transaction() as tx:
        tx.table("events").insert_multiple({"case_id": n % 3} for n in range(8))  # two full parts
    folded = []

    def add(acc: dict, doc) -> None:
        folded.append(doc.doc_id)
        acc[doc["case_id"]] = acc.get(doc["case_id"], 0) + 1

    def counts() -> dict:
        return store.read().fold("per_case", "events", add)

    assert counts() == {0: 3, 1: 3, 2: 2}
    other = forked_worker(store.data_dir, "serve", lazy=lazy, parts={"events": 4})
    try:
        folded.clear()
        assert _ask(other, op="insert", table="events", doc={"case_id": 2}) == 9  # the part 9-12 begins
        assert counts() == {0: 3, 1: 3, 2: 3} and folded == [9]
        folded.clear()
        for case_id in (0, 1, 2, 0):  # the part 9-12 filled, the part 13-16 begun
            _ask(other, op="insert", table="events", doc={"case_id": case_id})
            store.read().table("events").all()  # another page here reads each version
        # A lazy part (the timeline's) remembers what it grew from; a parsed one is folded whole.
        assert counts() == {0: 5, 1: 4, 2: 4} and folded == ([10, 11, 12, 13] if lazy else list(range(1, 14)))
        folded.clear()
        _ask(other, op="update", table="events", fields={"case_id": 0}, doc_id=2)  # an older part changed
        assert _ask(other, op="insert", table="events", doc={"case_id": 1}) == 14
        assert counts() == {0: 6, 1: 4, 2: 4} and folded == list(range(1, 15)), "folded again from the first"
    finally:
        other.stdin.close()
        other.wait(timeout=10)


# -- tables in parts (db/parts.py) ----------------------------------------------------


@pytest.mark.parametrize("lazy", [(), ("events",)], ids=["parsed", "lazy"])
def test_a_table_in_parts_answers_exactly_as_one_in_one_file(tmp_path, lazy):
    plain, parted = Store(tmp_path / "plain", lazy=lazy), Store(tmp_path / "parts", lazy=lazy, parts={"events": 8})
    for store in (plain, parted):
        _same_changes(store)
    assert _seen(parted) == _seen(plain)
    assert _seen(Store(tmp_path / "parts")) == _seen(plain)  # another process, without the setting
    assert load_table_file(tmp_path / "parts", "events") == load_table_file(tmp_path / "plain", "events")
    assert parted.table_names() == plain.table_names() == ["events"]
    # 62 ids in parts of 8: eight files, each holding its own range
    files = sorted((parted.tables_dir).glob("events.*.json"), key=lambda p: int(p.stem.split(".")[1].split("-")[0]))
    assert [p.name for p in files] == [f"events.{n}-{n + 7}.json" for n in range(1, 63, 8)]
    assert set(orjson.loads(files[1].read_bytes())["events.9-16"]) == {"9", "10", "14", "15", "16", "13"}


def test_adding_to_a_table_in_parts_writes_only_its_newest_part(tmp_path):
    store = Store(tmp_path / "data", lazy=("events",), parts={"events": 10, "cases": 5})
    with store.transaction() as tx:
        tx.table("cases").insert_multiple({"n": n} for n in range(20))
        tx.table("events").insert_multiple({"case_id": n % 20 + 1} for n in range(95))
    files = {p.name: p.stat().st_ino for p in store.tables_dir.glob("[!.]*.json")}
    with store.transaction() as tx:  # a note: the case changes, an event is added
        tx.table("cases").update({"n": -1}, doc_ids=[7])
        assert tx.table("events").insert({"case_id": 7}) == 96
    changed = {name for name, inode in files.items() if (store.tables_dir / name).stat().st_ino != inode}
    assert changed == {"cases.6-10.json", "events.91-100.json"}
    assert store._generations()["last"] == ["cases.6-10", "events.91-100"]
    with store.transaction() as tx:  # the 101st event starts a new part
        assert tx.table("events").insert_multiple([{"case_id": 1}] * 6) == list(range(97, 103))
    assert store._generations()["last"] == ["events.91-100", "events.101-110"]
    view = store.read()
    assert [e.doc_id for e in view.index("events", "case_id")[7]] == [7, 27, 47, 67, 87, 96]
    assert view.table("cases").get(doc_id=7) == {"n": -1} and len(view.table("events")) == 102


def test_the_index_of_a_table_in_parts_is_continued_after_an_append(tmp_path):
    store = Store(tmp_path / "data", lazy=("events",), parts={"events": 10})
    with store.transaction() as tx:
        tx.table("events").insert_multiple({"case_id": n % 3} for n in range(25))
    folded = []

    def add(acc, doc):
        folded.append(doc.doc_id)
        acc[doc["case_id"]] = acc.get(doc["case_id"], ()) + (doc.doc_id,)

    assert store.read().fold("by_case", "events", add)[1] == (2, 5, 8, 11, 14, 17, 20, 23)
    folded.clear()
    with store.transaction() as tx:
        tx.table("events").insert({"case_id": 1})
    assert store.read().fold("by_case", "events", add)[1][-1] == 26
    assert folded == [26], "only the appended event was folded in"
    with store.transaction() as tx:  # an older part changed: folded again from the start
        tx.table("events").update({"case_id": 2}, doc_ids=[2])
    folded.clear()
    assert store.read().fold("by_case", "events", add)[1] == (5, 8, 11, 14, 17, 20, 23, 26)
    assert len(folded) == 26


def _ask(other, **cmd) -> object:
    other.stdin.write(json.dumps(cmd) + "\n")
    other.stdin.flush()
    return json.loads(other.stdout.readline())


@pytest.mark.parametrize("lazy", [(), ("cases",)], ids=["parsed", "lazy"])
def test_a_value_kept_per_part_is_built_again_only_for_the_part_another_process_changed(tmp_path, lazy, forked_worker):
    store = Store(tmp_path / "data", lazy=lazy, parts={"cases": 5})
    with store.transaction() as tx:
        tx.table("cases").insert_multiple({"step": "open" if n % 3 else "dicht"} for n in range(20))
    built = []

    def running(docs) -> list[int]:
        ids = [d.doc_id for d in docs if d["step"] == "open"]
        built.append(ids)
        return ids

    def seen() -> list[int]:
        return [i for part in store.read().parted("running", "cases", running) for i in part]

    assert seen() == [n + 1 for n in range(20) if n % 3] and len(built) == 4
    assert seen() == [n + 1 for n in range(20) if n % 3] and len(built) == 4  # kept
    other = forked_worker(store.data_dir, "serve", lazy=lazy, parts={"cases": 5})
    try:
        assert _ask(other, op="update", table="cases", fields={"step": "open"}, doc_id=7) == [7]
        built.clear()
        assert 7 in seen() and built == [[6, 7, 8, 9]], "only the part holding case 7 was built again"
        assert _ask(other, op="insert", table="cases", doc={"step": "open"}) == 21
        assert _ask(other, op="update", table="cases", fields={"step": "dicht"}, doc_id=2) == [2]
        built.clear()
        assert seen() == [3, 5, 6, 7, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21]
        assert sorted(map(tuple, built)) == [(3, 5), (21,)]
    finally:
        other.stdin.close()
        other.wait(timeout=10)
    with store.transaction() as tx:  # inside a transaction: its own writes, nothing kept
        tx.table("cases").update({"step": "dicht"}, doc_ids=[21])
        assert [i for part in tx.read().parted("running", "cases", running) for i in part][-1] == 20
    assert seen()[-1] == 20


def _steps_summed(tmp_path, rounds: int):
    """A store of cases in parts of 4 (intake, gekoppeld, afgesloten, `rounds` times), the ids each
    count was given, the count, and the kept sum of the steps."""
    store = Store(tmp_path / "data", parts={"cases": 4})
    with store.transaction() as tx:
        tx.table("cases").insert_multiple({"step": step} for step in ["intake", "gekoppeld", "afgesloten"] * rounds)
    counted = []

    def steps(docs) -> Counter:
        docs = list(docs)
        counted.extend(d.doc_id for d in docs)
        return Counter(d["step"] for d in docs)

    return store, counted, steps, lambda: store.read().summed("steps", "cases", steps)


def test_a_sum_over_parts_takes_off_what_another_process_changed(tmp_path, forked_worker):
    store, counted, steps, total = _steps_summed(tmp_path, 5)
    assert total() == {"intake": 5, "gekoppeld": 5, "afgesloten": 5} and len(counted) == 15
    assert total() is total()  # kept while no part changed
    other = forked_worker(store.data_dir, "serve", parts={"cases": 4})
    try:
        first = total()
        _ask(other, op="update", table="cases", fields={"step": "afgesloten"}, doc_id=7)
        counted.clear()
        assert total() == {"intake": 4, "gekoppeld": 5, "afgesloten": 6}
        # Only the changed part, on its version before (still in memory) and after.
        assert sorted(counted) == [5, 5, 6, 6, 7, 7, 8, 8]
        assert first == {"intake": 5, "gekoppeld": 5, "afgesloten": 5}, "a kept total is shared: never changed in place"
        now = total()
        _ask(other, op="update", table="cases", fields={"note": "gebeld"}, doc_id=7)
        assert total() is now and now == {"intake": 4, "gekoppeld": 5, "afgesloten": 6}, "counts the same: the same object"
        for doc_id in (1, 4, 10, 13):  # every intake closed
            _ask(other, op="update", table="cases", fields={"step": "afgesloten"}, doc_id=doc_id)
        assert total() == {"gekoppeld": 5, "afgesloten": 10}, "a count that came to 0 is left out"
        assert _ask(other, op="insert", table="cases", doc={"step": "nazorg"}) == 16
        counted.clear()
        assert total() == {"gekoppeld": 5, "afgesloten": 10, "nazorg": 1}
        assert sorted(counted) == [13, 13, 14, 14, 15, 15, 16]
        store._cache.clear()  # the versions before are gone from memory (the sum is kept): counted whole, once
        _ask(other, op="update", table="cases", fields={"step": "nazorg"}, doc_id=2)
        counted.clear()
        assert total() == {"gekoppeld": 4, "afgesloten": 10, "nazorg": 2} and sorted(counted) == list(range(1, 17))
    finally:
        other.stdin.close()
        other.wait(timeout=10)
    fresh = Store(store.data_dir)  # a process that never counted: the same sum from scratch
    assert fresh.read().summed("steps", "cases", steps) == total()


def test_documents_by_id_come_in_the_order_asked_shared_and_in_a_transaction_as_written(tmp_path):
    store = Store(tmp_path / "data", parts={"cases": 4})
    with store.transaction() as tx:
        tx.table("cases").insert_multiple({"n": n} for n in range(10))
    table = store.read().table("cases")
    found = table.by_ids([9, 2, 42, 5])
    assert [(d.doc_id, d["n"]) for d in found] == [(9, 8), (2, 1), (5, 4)]  # 42 is not there
    assert found[0] is store.read().table("cases").by_ids([9])[0], "the kept document, not a copy"
    with store.transaction() as tx:
        tx.table("cases").update({"n": 99}, doc_ids=[2])
        assert [d["n"] for d in tx.table("cases").by_ids([2, 5])] == [99, 4]
    assert [d["n"] for d in store.read().table("cases").by_ids([2])] == [99]
    with store.transaction() as tx:  # runs in one part, back to an earlier one, a removed id, 0
        tx.table("cases").remove(doc_ids=[3])
    assert [d.doc_id for d in store.read().table("cases").by_ids([1, 3, 4, 6, 2, 0, 10, 9, 11])] == [1, 4, 6, 2, 10, 9]


def test_a_sum_takes_off_a_version_that_left_memory_as_it_was_counted_when_it_left(tmp_path, forked_worker):
    # A worker reads each new version of a part between another process's writes (its pages):
    # the version a kept sum was counted on leaves the table cache before the sum is asked again.
    store, counted, steps, total = _steps_summed(tmp_path, 4)

    def write(doc_id: int, step: str, then_a_page: bool = True) -> None:
        _ask(other, op="update", table="cases", fields={"step": step}, doc_id=doc_id)
        if then_a_page:
            store.read().table("cases").all()

    assert total() == {"intake": 4, "gekoppeld": 4, "afgesloten": 4}
    other = forked_worker(store.data_dir, "serve", parts={"cases": 4})
    try:
        write(5, "afgesloten")
        counted.clear()
        write(5, "nazorg")  # the version the sum was counted on leaves: counted now, that part alone
        assert sorted(counted) == [5, 6, 7, 8]
        counted.clear()
        assert total() == {"intake": 4, "gekoppeld": 3, "afgesloten": 4, "nazorg": 1}
        assert sorted(counted) == [5, 6, 7, 8], "only the new version is counted"
        write(5, "intake", then_a_page=False)  # the version before is in memory: its counts taken off
        counted.clear()
        assert total() == {"intake": 5, "gekoppeld": 3, "afgesloten": 4}
        assert sorted(counted) == [5, 5, 6, 6, 7, 7, 8, 8]
        # Counts kept of a version the sum then did not take off (it counted whole: another part's
        # version before was gone uncounted) are never taken off a later version.
        write(5, "afgesloten")
        write(5, "nazorg")  # the version the sum was counted on leaves: counted as it leaves
        write(1, "nazorg", then_a_page=False)
        store._cache.clear()
        assert total() == {"intake": 3, "gekoppeld": 3, "afgesloten": 4, "nazorg": 2}
        write(5, "intake", then_a_page=False)
        assert total() == {"intake": 4, "gekoppeld": 3, "afgesloten": 4, "nazorg": 1}
    finally:
        other.stdin.close()
        other.wait(timeout=10)
    assert Store(store.data_dir).read().summed("steps", "cases", steps) == total()


def test_short_strings_are_shared_on_a_first_read_and_when_many_parts_changed(tmp_path):
    store = Store(tmp_path / "data", parts={"cases": 4})
    with store.transaction() as tx:
        tx.table("cases").insert_multiple({"step": "afgesloten", "n": n} for n in range(24))

    def shared(view) -> bool:  # the same value is one object in every document of a part
        docs = view.table("cases").all()
        return all(docs[i]["step"] is docs[i + 1]["step"] for i in range(0, 24, 2))

    assert shared(store.read())
    other = Store(store.data_dir, parts={"cases": 4})  # another process: its own caches
    with other.transaction() as tx:  # a retention run's or an import's change over many parts
        tx.table("cases").update({"step": "afgesloten", "checked": True}, doc_ids=range(1, 25))
    view = store.read()
    assert shared(view) and view.table("cases").get(doc_id=24) == {"step": "afgesloten", "n": 23, "checked": True}


def test_a_part_another_process_changed_is_parsed_only_where_its_lines_changed(tmp_path):
    store = Store(tmp_path / "data", parts={"cases": 4})
    with store.transaction() as tx:
        tx.table("cases").insert_multiple({"step": "intake", "n": n} for n in range(8))
    before = {d.doc_id: d for d in store.read().table("cases").all()}
    other = Store(store.data_dir, parts={"cases": 4})  # another process: its own caches
    with other.transaction() as tx:
        tx.table("cases").update({"step": "gekoppeld"}, doc_ids=[6])
        tx.table("cases").remove(doc_ids=[7])
    docs = store.read().table("cases").all()
    assert docs == Store(store.data_dir, parts={"cases": 4}).read().table("cases").all()  # as a fresh read
    assert [(d.doc_id, d["step"]) for d in docs][4:] == [(5, "intake"), (6, "gekoppeld"), (8, "intake")]
    # The unchanged documents are the ones held; the changed one is new.
    assert all(d is before[d.doc_id] for d in docs if d.doc_id != 6) and docs[5] is not before[6]
    # The held version's file gone (cleaned up after a while): the part is parsed whole.
    with other.transaction() as tx:
        tx.table("cases").update({"step": "gesprek-a"}, doc_ids=[5])
    for old in store.data_dir.glob("tables/.cases.5-8.g*.json"):
        if int(old.name.split(".g")[-1][:-5]) != store._generations()["tables"]["cases.5-8"]:
            old.unlink()
    docs = store.read().table("cases").all()
    assert [(d.doc_id, d["step"]) for d in docs][4:] == [(5, "gesprek-a"), (6, "gekoppeld"), (8, "intake")]
    assert not any(d is before[d.doc_id] for d in docs[4:])


def test_a_mapped_value_follows_changes_of_another_process_and_finds_every_id(tmp_path):
    store = Store(tmp_path / "data", parts={"cases": 3})
    with store.transaction() as tx:
        tx.table("cases").insert_multiple({"name": f"Naam {n}"} for n in range(1, 11))
    names = store.read().mapped("upper", "cases", lambda d: d["name"].upper())
    assert names[10] == "NAAM 10" and names.get(11) is None and 0 not in names and "1" not in names
    assert list(names) == list(range(1, 11)) and len(names) == 10
    other = Store(store.data_dir, parts={"cases": 3})  # another process: its own caches
    with other.transaction() as tx:
        tx.table("cases").update({"name": "Anders"}, doc_ids=[5])
        tx.table("cases").remove(doc_ids=[9])
    names = store.read().mapped("upper", "cases", lambda d: d["name"].upper())
    assert dict(names.items()) == {n: "ANDERS" if n == 5 else f"NAAM {n}" for n in range(1, 11) if n != 9}


def test_a_view_reads_every_part_at_one_commit(tmp_path):
    store = Store(tmp_path / "data", parts={"log": 4})
    with store.transaction() as tx:
        tx.table("log").insert_multiple({"seq": 0} for _ in range(10))
    view = store.read()
    assert len(view.table("cases")) == 0  # pins the state
    other = Store(store.data_dir, parts={"log": 4})  # another process
    with other.transaction() as tx:
        tx.table("log").update({"seq": 1}, doc_ids=[1, 10])
        tx.table("log").insert({"seq": 1})
    assert [d["seq"] for d in view.table("log").all()] == [0] * 10
    assert [d["seq"] for d in store.read().table("log").all()] == [1] + [0] * 8 + [1, 1]


def test_a_table_in_one_file_is_split_into_parts_by_the_migration(tmp_path, monkeypatch):
    old = Store(tmp_path / "data", lazy=("events",))  # data from before the parts
    with old.transaction() as tx:
        tx.table("events").insert_multiple({"case_id": n % 4, "n": n} for n in range(30))
        tx.table("cases").insert_multiple({"n": n} for n in range(7))
        tx.table("_meta").insert({"schema": 4})
    before = load_table_file(old.data_dir, "events")
    store = Store(tmp_path / "data", lazy=("events",), parts={"events": 10, "cases": 5})
    assert [d["n"] for d in store.read().table("events").all()] == list(range(30))  # read as it is
    assert store.migrate() == [5]
    tables = store.tables_dir
    assert not (tables / "events.json").exists() and not (tables / "cases.json").exists()
    assert sorted(p.name for p in tables.glob("[!.]*.json")) == [
        "_meta.json", "cases.1-5.json", "cases.6-10.json", "events.1-10.json", "events.11-20.json", "events.21-30.json"]
    assert load_table_file(tables.parent, "events") == before
    assert "events" not in store._generations()["tables"]
    fresh = Store(tmp_path / "data")  # any process reads the parts, whatever it was told
    assert [d.doc_id for d in fresh.read().index("events", "case_id")[1]] == [2, 6, 10, 14, 18, 22, 26, 30]
    with fresh.transaction() as tx:  # and writes into them, in their size
        assert tx.table("events").insert({"case_id": 1}) == 31
    assert (tables / "events.31-40.json").exists()


def test_a_backup_holds_every_part_and_restores_all_or_nothing(tmp_path):
    store = Store(tmp_path / "data", parts={"events": 4})
    store.migrate()
    with store.transaction() as tx:
        tx.table("events").insert_multiple({"n": n} for n in range(10))
    path = backup(store)
    manifest = orjson.loads((path / "manifest.json").read_bytes())
    assert {"tables/events.1-4.json", "tables/events.5-8.json", "tables/events.9-12.json"} <= set(manifest["files"])
    with store.transaction() as tx:  # after the backup: an old part changed, a new part made
        tx.table("events").update({"n": -1}, doc_ids=[2])
        tx.table("events").insert_multiple({"n": n} for n in range(10, 14))
    restore(store, path)
    assert [d["n"] for d in store.read().table("events").all()] == list(range(10))
    assert not (store.tables_dir / "events.13-16.json").exists()
    assert [d["n"] for d in Store(store.data_dir).read().table("events").all()] == list(range(10))


def test_a_backup_from_before_the_parts_is_restored_and_split_by_the_next_write(tmp_path):
    old = Store(tmp_path / "old")
    old.migrate()
    with old.transaction() as tx:
        tx.table("events").insert_multiple({"n": n} for n in range(6))
    path = backup(old)
    store = Store(tmp_path / "data", parts={"events": 4})
    store.migrate()
    with store.transaction() as tx:
        tx.table("events").insert_multiple({"n": -n} for n in range(9))
    restore(store, path)
    assert sorted(p.name for p in store.tables_dir.glob("events*.json")) == ["events.json"]
    assert [d["n"] for d in store.read().table("events").all()] == list(range(6))
    with store.transaction() as tx:
        tx.table("events").insert({"n": 6})
    assert sorted(p.name for p in store.tables_dir.glob("events*.json")) == ["events.1-4.json", "events.5-8.json"]
    assert [d["n"] for d in Store(store.data_dir).read().table("events").all()] == list(range(7))


def test_a_lazy_table_in_the_old_one_line_layout_is_rewritten_when_the_store_opens(tmp_path):
    tables = tmp_path / "data" / "tables"
    tables.mkdir(parents=True)
    (tables / "events.json").write_bytes(orjson.dumps({"events": {"1": {"n": 1}, "2": {"n": 2}}}))
    store = Store(tmp_path / "data", lazy=("events",))
    assert (tables / "events.json").read_bytes().startswith(b'{"events":{\n"1":')
    assert [d["n"] for d in store.read().table("events").all()] == [1, 2]


def test_a_damaged_lazy_table_file_is_reported_not_misread(tmp_path):
    store = Store(tmp_path / "data", lazy=("events",))
    with store.transaction() as tx:
        tx.table("events").insert_multiple({"n": n} for n in range(3))
    path = store.tables_dir / "events.json"
    path.write_bytes(path.read_bytes()[:-2])  # the closing braces gone
    with pytest.raises(StoreError, match="damaged"):
        Store(tmp_path / "data", lazy=("events",)).read().table("events").all()


def test_old_versions_of_a_lazy_table_are_closed_without_waiting_for_the_garbage_collector(tmp_path):
    import gc

    store = Store(tmp_path / "data", lazy=("events",))
    gc.disable()  # nothing may depend on a cycle being collected
    try:
        for n in range(5):
            with store.transaction() as tx:
                tx.table("events").insert({"n": n})
            assert len(store.read().table("events")) == n + 1
        links = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                links.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                pass
    finally:
        gc.enable()
    held = [link for link in links if link.startswith(str(store.tables_dir))]
    # The current version and the one before it (for a view that began just before the last commit).
    assert str(store.tables_dir / "events.json") in held and len(held) == db.storage.VERSIONS_IN_MEMORY


# -- generations and consistent read views -------------------------------------------------


def test_a_same_size_same_second_rewrite_on_a_reused_inode_is_served_fresh(store, monkeypatch, forked_worker):
    with store.transaction() as tx:
        tx.table("notes").insert({"text": "a"})
    assert store.read().table("notes").get(doc_id=1)["text"] == "a"  # cached here
    # A file system with coarse timestamps that reuses a freed inode (NFS, CIFS): every table
    # file looks to this process exactly as it did before the rewrite.
    looks = {}
    real_stat = os.stat

    def frozen(result, path):
        key = Path(str(path)).name.split(".g")[0].lstrip(".").removesuffix(".json")
        return looks.setdefault(key, result) if key == "notes" else result

    monkeypatch.setattr(os, "stat", lambda path, *a, **k: frozen(real_stat(path, *a, **k), path))
    os.stat(store.tables_dir / "notes.json")
    other = forked_worker(store.data_dir, "serve")
    try:
        for letter in "bcdefgh":
            other.stdin.write(json.dumps({"op": "update", "table": "notes", "fields": {"text": letter}, "doc_id": 1}) + "\n")
            other.stdin.flush()
            other.stdout.readline()
            assert os.stat(store.tables_dir / "notes.json") == looks["notes"]  # same inode, size and time
            assert store.read().table("notes").get(doc_id=1)["text"] == letter
    finally:
        other.stdin.close()
        other.wait(timeout=10)


def test_a_concurrent_reader_never_sees_half_of_a_multi_table_commit(tmp_path, forked_worker):
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    writer_proc = forked_worker(data_dir, "pairs")
    try:
        assert writer_proc.stdout.readline().strip() == "ready"
        seen, deadline = set(), time.monotonic() + 60
        while len(seen) < 40 and time.monotonic() < deadline:
            view = store.read()
            left = view.table("left").get(doc_id=1)
            time.sleep(0.002)  # a page doing some work between two tables
            right = view.table("right").get(doc_id=1)
            logged = len(view.table("log"))
            if left is None:
                assert right is None and logged == 0
                continue
            assert left["seq"] == right["seq"] == logged, "a view saw half of a commit"
            seen.add(left["seq"])
        assert len(seen) >= 40  # the reads did interleave with many commits
    finally:
        writer_proc.kill()
        writer_proc.wait(timeout=10)


def test_a_view_keeps_reading_its_state_while_other_commits_land(store):
    for n in range(1, 4):
        with store.transaction() as tx:
            tx.table("a").upsert(Document({"n": n}, doc_id=1))
            tx.table("b").upsert(Document({"n": n}, doc_id=1))
    view = store.read()
    assert view.table("a").get(doc_id=1)["n"] == 3
    other = Store(store.data_dir)  # another process: its own caches
    for n in range(4, 7):
        with other.transaction() as tx:
            tx.table("a").upsert(Document({"n": n}, doc_id=1))
            tx.table("b").upsert(Document({"n": n}, doc_id=1))
    store.drop_caches()  # nothing in memory: read from the version kept on disk
    assert view.table("b").get(doc_id=1)["n"] == 3
    assert store.read().table("b").get(doc_id=1)["n"] == 6


def test_a_derived_value_records_the_tables_its_build_read(store):
    with store.transaction() as tx:
        tx.table("cases").insert({"wijk": "noord"})
        tx.table("settings").insert({"label": "Noord"})
    builds = []

    def labelled(view):
        builds.append(1)
        labels = {d["label"].lower(): d["label"] for d in view.table("settings").all()}
        return [labels.get(c["wijk"], c["wijk"]) for c in view.table("cases").all()]

    assert store.read().derived("labelled", labelled) == ["Noord"]
    assert store.read().derived("labelled", labelled) == ["Noord"] and len(builds) == 1
    with store.transaction() as tx:
        tx.table("settings").update({"label": "Noordwijk"})
        tx.table("settings").insert({"label": "noord"})
    assert store.read().derived("labelled", labelled) == ["noord"] and len(builds) == 2


def test_a_derived_value_follows_a_table_the_view_had_read_before_the_build(store):
    """An index over a small table: the view reads the table first, then builds on it."""
    for hours in (3, 3, 3):
        with store.transaction() as tx:
            tx.table("training_records").insert({"volunteer_id": 1, "hours": hours})
        view = store.read()
        view.table("training_records").all()
        assert len(view.index("training_records", "volunteer_id")[1]) == len(view.table("training_records"))


def test_kept_derived_values_are_bounded(store):
    with store.transaction() as tx:
        tx.table("cases").insert({"n": 1})
    view = store.read()
    for n in range(db.store.DERIVED_KEPT + 50):
        view.derived(f"per-case.{n}", lambda v: len(v.table("cases")))
    assert len(store._derived) == db.store.DERIVED_KEPT
    assert "per-case.0" not in store._derived and f"per-case.{db.store.DERIVED_KEPT + 49}" in store._derived


def test_a_table_without_history_keeps_no_old_version_on_disk(tmp_path):
    store = Store(tmp_path / "data", no_history=("users",))
    with store.transaction() as tx:
        tx.table("users").insert({"secret": "oud-geheim"})
        tx.table("cases").insert({"n": "oud"})
    with store.transaction() as tx:
        tx.table("users").update({"secret": "verzegeld"}, doc_ids=[1])
        tx.table("cases").update({"n": "nieuw"}, doc_ids=[1])
    holding = [p.name for p in store.tables_dir.iterdir() if p.is_file() and b"oud" in p.read_bytes()]
    assert holding == [".cases.g1.json"]  # an ordinary table keeps it a while for readers
