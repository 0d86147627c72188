"""Scripts run as processes forked from a warm interpreter, for tests that start many of them.

A fresh interpreter for a CGI request costs ~0.35 s of CPU here, ~0.3 s of it importing Flask and
its libraries before the script does anything. `WarmPython(["flask"])` starts one server that
imports only those libraries (never the project's own modules: their import order and start-up
are part of what a script does), then forks a child per `run()`: a process of its own with the
given environment, working folder, argv, stdin, stdout and stderr, running the script as
``__main__``, its exit status reported. Fresh interpreters stay where a test is about start-up
itself (tests/test_startup_cost.py, bench/cgi.py) or needs another Python or account.

    python tests/warm_python.py SOCKET MODULE...   the server (started by WarmPython)
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


class WarmPython:
    """The server, started on the first `run()`; `stop()` ends it (its children's CPU time is
    then counted as this process's, as a subprocess's is)."""

    def __init__(self, modules: list[str]) -> None:
        self.modules = modules
        self.server: subprocess.Popen | None = None

    def _start(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="warm-python-")
        self.socket_path = os.path.join(self.folder, "server")
        # Without the test run's PYTHONPATH: a child gets the environment it is given, nothing more.
        env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
        self.server = subprocess.Popen([sys.executable, __file__, self.socket_path, *self.modules], env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        if self.server.stdout.readline().strip() != "ready":
            raise RuntimeError("the warm Python did not start")

    def run(self, argv: list[str], *, env: dict[str, str], input: bytes = b"", cwd: str | Path | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        """As ``subprocess.run([sys.executable, *argv], input=..., env=..., capture_output=True)``."""
        if self.server is None:
            self._start()
        with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout, \
                tempfile.TemporaryFile() as stderr, socket.socket(socket.AF_UNIX) as conn:
            stdin.write(input)
            stdin.seek(0)
            conn.settimeout(timeout)
            conn.connect(self.socket_path)
            request = {"argv": [str(a) for a in argv], "env": env, "cwd": str(cwd or os.getcwd())}
            socket.send_fds(conn, [json.dumps(request).encode()], [stdin.fileno(), stdout.fileno(), stderr.fileno()])
            status = conn.makefile("r").read().strip()  # the exit status; nothing when it was killed
            stdout.seek(0)
            stderr.seek(0)
            return subprocess.CompletedProcess(argv, int(status) if status else -9, stdout.read(), stderr.read())

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None
            os.unlink(self.socket_path)
            os.rmdir(self.folder)


def fork_per_connection(socket_path: str, receive, child, release=lambda request: None) -> None:
    """Serve forever on the unix socket `socket_path`: per connection, `receive(conn)` reads the
    request, then a forked child runs `child(conn, request)`, which ends the child's process, and
    the server lets go of the request (`release`); the server reaps every child, so their CPU time
    counts as the test run's (no zombies either). Prints "ready" once listening. Also the storage
    tests' fork server (tests/storage_worker.py)."""
    import signal

    def reap(*_):
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass

    signal.signal(signal.SIGCHLD, reap)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(socket_path)
    listener.listen()
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        request = receive(conn)
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            child(conn, request)
            os._exit(1)  # `child` ends the process; never back into the server's loop
        release(request)
        conn.close()  # the child holds the only other end: its death ends the client's read


def serve(socket_path: str, modules: list[str]) -> None:
    import importlib
    import runpy
    import traceback

    for module in modules:
        importlib.import_module(module)

    def receive(conn):
        message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
        return json.loads(message), fds

    def child(conn, request) -> None:
        request, fds = request
        for number, fd in enumerate(fds):
            os.dup2(fd, number)
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        script = request["argv"][0]
        sys.argv = request["argv"]
        sys.path[0] = os.path.dirname(os.path.abspath(script))  # as `python script` has it
        code = 0
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (exc.code is not None)
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            conn.sendall(f"{int(code)}\n".encode())
            os._exit(int(code))

    def release(request) -> None:  # the server keeps none of a child's files open
        for fd in request[1]:
            os.close(fd)

    fork_per_connection(socket_path, receive, child, release)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
