"""Cross-process lock: an in-process thread lock plus flock(2) on a lock file.

A waiter sleeps in the kernel until the holder lets go, instead of polling. A poller that
sleeps between tries (filelock's 50 ms) loses the lock again and again to processes that
happen to try right after a release: with eight writers some waited 0.4 to 0.8 s for a lock
held a few milliseconds at a time (`python -m bench --only concurrent`).
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from .errors import StoreError

PRIVATE_FILE = 0o600  # as db/storage.py: the lock file sits among personal data


class ProcessLock:
    """Exclusive between threads and processes; not re-entrant.

    Each hold opens the lock file anew and closing it lets go: the kernel does that too when
    the holder dies, so a killed writer never leaves the lock taken, and nothing is shared with
    a process forked meanwhile (gunicorn's preload).
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._pid: int | None = None
        self._held: int | None = None  # the descriptor holding the flock

    def _threads(self) -> threading.Lock:
        if self._pid != os.getpid():  # a lock inherited across fork may be in any state
            self._thread_lock = threading.Lock()
            self._pid = os.getpid()
        return self._thread_lock

    def __enter__(self) -> ProcessLock:
        threads = self._threads()
        # Threads queue on the in-process lock; one of them at a time waits for the file.
        if not threads.acquire(timeout=self.timeout):
            raise StoreError(f"timed out waiting for {self.path}")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                _wait_for(fd, self.timeout, self.path)  # closes fd unless it got the lock
            except BaseException:
                os.close(fd)
                raise
        except BaseException:
            threads.release()
            raise
        self._held = fd
        return self

    def __exit__(self, *exc) -> None:
        fd, self._held = self._held, None
        try:
            os.close(fd)  # lets go of the flock
        finally:
            self._thread_lock.release()


def _wait_for(fd: int, timeout: float, path: Path) -> None:
    """Take the flock on ``fd``, waiting at most ``timeout`` seconds; on failure ``fd`` is closed.

    A blocking flock has no timeout, so a helper thread makes the blocking call and this one
    waits for it. Given up on, the helper closes ``fd`` (letting go of the lock if it got it);
    the lock belongs to the open file, not the thread, so this thread holds it once the helper has it.
    """
    state = {"got": False, "abandoned": False, "error": None}
    done, guard = threading.Event(), threading.Lock()

    def take() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException as exc:  # reported to the waiting thread
            state["error"] = exc
        with guard:
            if state["abandoned"]:
                os.close(fd)
                return
            state["got"] = state["error"] is None
        done.set()

    threading.Thread(target=take, name="data-lock-wait", daemon=True).start()
    try:
        done.wait(timeout)
    finally:  # also on an interrupt: the helper must not keep the lock for nobody
        with guard:
            if not done.is_set():
                state["abandoned"] = True  # the helper closes fd
    if state["abandoned"]:
        raise StoreError(f"timed out waiting for {path}")
    if not state["got"]:
        os.close(fd)
        raise state["error"]
