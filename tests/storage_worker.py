"""Subprocess helper for tests/test_storage.py (real processes, real locks).

Usage: storage_worker.py DATA_DIR MODE [ARGS...]
  insert TAG COUNT GO_FILE  wait for GO_FILE, run COUNT insert transactions,
                            print each doc id after its transaction returned
  writer RUN                insert forever into "records" (+ "progress"), print
                            "RUN:SEQ" after each acknowledged transaction
  pairs                     forever: one commit sets doc 1 of "left" and of "right" to
                            the same seq (and grows "log"); prints "ready" first
  serve                     JSON commands on stdin, one JSON answer per line
  restore BACKUP POINT      restore BACKUP and kill itself (SIGKILL) at POINT: "before-commit"
                            (before the commit record is in place) or "halfway" (after the
                            second table file was replaced)

       storage_worker.py forkserver SOCKET
  Imports the store once, then per connection on SOCKET forks a worker: the client sends one
  JSON line {"argv": [DATA_DIR, MODE, ...], "env": {...}}, the worker answers with its pid,
  talks over the connection as over stdin/stdout and ends with its exit status (EXIT_LINE). Each worker is still a process of its
  own (SIGKILL, flock and all), without the cost of a fresh interpreter (tests/test_storage.py).
"""

import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinydb import Query  # noqa: E402
from tinydb.table import Document  # noqa: E402

import db.storage  # noqa: E402
from db import Store  # noqa: E402


def insert(store: Store, tag: str, count: int, go_file: str) -> None:
    while not os.path.exists(go_file):
        time.sleep(0.002)
    for seq in range(count):
        with store.transaction() as tx:
            doc_id = tx.table("records").insert({"worker": tag, "seq": seq})
        print(doc_id, flush=True)


def writer(store: Store, run: int) -> None:
    print("ready", flush=True)
    seq = 0
    while True:
        with store.transaction() as tx:
            tx.table("records").insert({"run": run, "seq": seq, "pad": "x" * (seq % 50)})
            # A second table makes every commit a journaled multi-file commit.
            tx.table("progress").upsert({"run": run, "seq": seq}, Query().run == run)
        print(f"{run}:{seq}", flush=True)
        seq += 1


def pairs(store: Store) -> None:
    print("ready", flush=True)
    seq = 0
    while True:
        seq += 1
        with store.transaction() as tx:
            for name in ("left", "right"):
                tx.table(name).upsert(Document({"seq": seq}, doc_id=1))
            tx.table("log").insert({"seq": seq})


def serve(store: Store) -> None:
    for line in sys.stdin:
        cmd = json.loads(line)
        op, name = cmd["op"], cmd["table"]
        if op == "search":
            view = store.read()
            result = view.table(name).search(Query()[cmd["field"]] == cmd["value"])
            answer = [dict(doc) for doc in result]
        elif op == "insert":
            with store.transaction() as tx:
                answer = tx.table(name).insert(cmd["doc"])
        elif op == "update":
            with store.transaction() as tx:
                answer = tx.table(name).update(cmd["fields"], doc_ids=[cmd["doc_id"]])
        else:
            answer = f"unknown op {op}"
        print(json.dumps(answer), flush=True)


def restore_and_die(store: Store, backup_path: str, point: str) -> None:
    import signal

    from db.backup import restore

    real_replace, replaced = os.replace, []

    def replace(src, dst):
        dst = Path(dst)
        if point == "before-commit" and dst.name == ".generations":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)
        if dst.parent.name == "tables" and dst.suffix == ".json":
            replaced.append(dst)
            if point == "halfway" and len(replaced) == 2:
                os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace
    restore(store, backup_path)


EXIT_LINE = "\x04exit "  # a forked worker's last line: its exit status (none when it was killed)


def fork_server(socket_path: str) -> None:
    from tests.warm_python import fork_per_connection

    with tempfile.TemporaryDirectory() as warm:  # what the first transaction imports, once for all workers
        store = Store(Path(warm) / "data", lazy=("records",), parts={"records": 16})
        with store.transaction() as tx:
            tx.table("records").insert({"run": -1, "seq": 0})
            tx.table("progress").upsert({"run": -1, "seq": 0}, Query().run == -1)

    def receive(conn) -> dict:
        with conn.makefile("rb") as lines:
            return json.loads(lines.readline())

    def worker(conn, request: dict) -> None:
        os.dup2(conn.fileno(), 0)
        os.dup2(conn.fileno(), 1)
        conn.close()
        os.environ.update(request["env"])
        print(os.getpid(), flush=True)
        code = 0
        try:
            main(request["argv"])
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            print(f"{EXIT_LINE}{code}", flush=True)
            os._exit(code)

    fork_per_connection(socket_path, receive, worker)


def main(argv: list[str]) -> None:
    if argv[0] == "forkserver":
        fork_server(argv[1])
        return
    # STORE_LAZY=records,...: those tables are opened lazily (db/lazy.py), as the app does;
    # STORE_PARTS=records:16,...: those tables are kept in parts of so many documents (db/parts.py);
    # STORE_DURABLE=0: commits do not wait for the disk (db.storage.set_durable), for tests whose
    # subject is a killed process, which loses nothing fsync would keep.
    if os.environ.get("STORE_DURABLE") == "0":
        db.storage.set_durable(False)
    parts = dict(item.split(":") for item in filter(None, os.environ.get("STORE_PARTS", "").split(",")))
    store = Store(argv[0], lazy=tuple(filter(None, os.environ.get("STORE_LAZY", "").split(","))),
                  parts={name: int(size) for name, size in parts.items()})
    mode, args = argv[1], argv[2:]
    if mode == "insert":
        insert(store, args[0], int(args[1]), args[2])
    elif mode == "writer":
        writer(store, int(args[0]))
    elif mode == "serve":
        serve(store)
    elif mode == "pairs":
        pairs(store)
    elif mode == "restore":
        restore_and_die(store, args[0], args[1])
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
