"""Counters: small, hot state kept off the data lock (login throttle, form rate limit,
refused-post counts).

A robot can post a thousand times a minute; if each post were a data transaction, every real
write would queue behind them. So each counter set is one JSON object in
``<data_dir>/counters/<name>.json`` with its own lock (``counters/.<name>.lock``): a flood only
waits on itself. A change is a whole read-modify-write under that lock, so a check and its
count are one atomic step (the login throttle counts an attempt before the password is
checked). Files are replaced atomically but not fsynced: a crash may lose the last counts,
never data. Counters are not part of backups.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from .errors import StoreError
from .locking import ProcessLock
from .storage import PRIVATE_FILE

_NAME_RE = re.compile(r"^[a-z0-9_]{1,64}$")


class Counters:
    def __init__(self, directory: Path, timeout: float) -> None:
        self.directory = directory
        self.timeout = timeout
        self._locks: dict[str, ProcessLock] = {}
        directory.mkdir(mode=0o700, exist_ok=True)

    def _path(self, name: str) -> Path:
        if not _NAME_RE.match(name):
            raise StoreError(f"invalid counter set name: {name!r}")
        return self.directory / f"{name}.json"

    def read(self, name: str) -> dict:
        """The counter set as last written (lock-free: files are replaced whole)."""
        try:
            data = orjson.loads(self._path(name).read_bytes())
        except FileNotFoundError:
            return {}
        except orjson.JSONDecodeError:
            return {}  # counters are disposable: a damaged file starts over
        return data if isinstance(data, dict) else {}

    @contextmanager
    def update(self, name: str) -> Iterator[dict]:
        """The counter set to change in place, written back when the block ends normally."""
        path = self._path(name)
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = ProcessLock(self.directory / f".{name}.lock", self.timeout)
        with lock:
            data = self.read(name)
            before = orjson.dumps(data)
            yield data
            after = orjson.dumps(data)
            if after != before:
                tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(after)
                os.replace(tmp, path)
