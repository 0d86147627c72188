"""Cross-process lock: an in-process thread lock plus a filelock.FileLock."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StoreError

if TYPE_CHECKING:
    import filelock


class ProcessLock:
    """Exclusive between threads and processes; not re-entrant.

    FileLock uses flock(2), which the kernel releases when a holder dies.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._pid: int | None = None

    def _locks(self) -> tuple[threading.Lock, filelock.FileLock]:
        # filelock refuses objects inherited across fork (gunicorn preload):
        # build the locks per process.
        if self._pid != os.getpid():
            import filelock  # on demand: a request that locks nothing never loads it (CGI pays every import)

            self._thread_lock = threading.Lock()
            self._file_lock = filelock.FileLock(
                self.path,
                timeout=self.timeout,
                # A soft lock file would survive a killed worker and block forever.
                fallback_to_soft=False,
            )
            self._pid = os.getpid()
        return self._thread_lock, self._file_lock

    def __enter__(self) -> ProcessLock:
        thread_lock, file_lock = self._locks()
        # Threads queue on a cheap in-process lock instead of polling flock.
        if not thread_lock.acquire(timeout=self.timeout):
            raise StoreError(f"timed out waiting for {self.path}")
        try:
            file_lock.acquire()
        except BaseException as exc:
            import filelock

            thread_lock.release()
            if isinstance(exc, filelock.Timeout):
                raise StoreError(f"timed out waiting for {self.path}") from exc
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._file_lock.release()
        finally:
            self._thread_lock.release()
