"""Append-only audit log in JSON Lines, one file per month (UTC).

``audit/audit-YYYY-MM.jsonl`` holds one JSON object per line.  Appends take
their own lock (``audit/.lock``) so they never wait on data transactions, and
are flushed and fsynced.  A line left half-written by a crash is closed with
a newline before the next append and skipped when reading.

Entries made inside a data transaction are written by its commit (db/store.py): the change
and its entry exist together or not at all. Recovery after a crash may write such an entry a
second time; the copies are identical to the microsecond and read as one.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Collection

import orjson

from common import clock

from .locking import ProcessLock
from .storage import PRIVATE_FILE, atomic_write, sync

_FILE_RE = re.compile(r"^audit-(\d{4})-(\d{2})\.jsonl$")
_RESERVED = {"at", "user", "action", "record"}


def _now() -> datetime:
    # The programme's clock (common/clock.py, injected in tests); the log keeps UTC.
    return clock.now().astimezone(timezone.utc)


def _iso(dt: datetime) -> str:
    # Naive datetimes count as local time (Python's convention); entries use UTC.
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


class AuditLog:
    def __init__(self, directory: Path, lock_timeout: float) -> None:
        self.directory = directory
        self.lock = ProcessLock(directory / ".lock", lock_timeout)

    def path_for(self, year: int, month: int) -> Path:
        return self.directory / f"audit-{year:04d}-{month:02d}.jsonl"

    @staticmethod
    def entry(user: str | None, action: str, record: str | None, details: dict) -> dict:
        clash = _RESERVED & details.keys()
        if clash:
            raise ValueError(f"reserved audit fields in details: {sorted(clash)}")
        return {"at": _iso(_now()), "user": user, "action": action, "record": record, **details}

    def append(self, user: str | None, action: str, record: str | None, details: dict) -> dict:
        entry = self.entry(user, action, record, details)
        self.write([entry])
        return entry

    def write(self, entries: list[dict]) -> None:
        """Append whole entries (one fsync), each to the file of its month."""
        by_month: dict[Path, bytes] = {}
        for entry in entries:
            at = datetime.fromisoformat(entry["at"])
            line = orjson.dumps(entry, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE, default=str)
            path = self.path_for(at.year, at.month)
            by_month[path] = by_month.get(path, b"") + line
        for path, lines in by_month.items():
            self._append(path, lines)

    def _append(self, path: Path, line: bytes) -> None:
        with self.lock:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    line = b"\n" + line  # isolate a torn line from a crashed writer
                view = memoryview(line)
                while view:
                    view = view[os.write(fd, view):]
                sync(fd)
            finally:
                os.close(fd)

    def rewrite(self, change: Callable[[dict], dict]) -> int:
        """Pass every entry through ``change`` and replace each month file whose entries changed
        (atomically, under the log's lock); returns how many entries changed. Only for erasure on
        request (an address typed at a failed login): otherwise the log is append-only."""
        changed = 0
        with self.lock:
            for path in self._files(None, None):
                lines, dirty = [], False
                for raw in path.read_bytes().splitlines():
                    try:
                        entry = orjson.loads(raw)
                    except orjson.JSONDecodeError:
                        lines.append(raw)  # a torn line stays as it is (skipped when reading)
                        continue
                    new = change(entry)
                    if new != entry:
                        changed, dirty = changed + 1, True
                        raw = orjson.dumps(new, option=orjson.OPT_NON_STR_KEYS, default=str)
                    lines.append(raw)
                if dirty:
                    atomic_write(path, b"".join(line + b"\n" for line in lines))
        return changed

    def _files(self, since: datetime | None, until: datetime | None) -> list[Path]:
        lo = since.astimezone(timezone.utc).strftime("%Y-%m") if since else "0000-00"
        hi = until.astimezone(timezone.utc).strftime("%Y-%m") if until else "9999-99"
        files = []
        for name in os.listdir(self.directory):
            m = _FILE_RE.match(name)
            if m and lo <= f"{m[1]}-{m[2]}" <= hi:
                files.append(self.directory / name)
        return sorted(files, reverse=True)

    def entries(
        self,
        since: datetime | None,
        until: datetime | None,
        user: str | None,
        record: str | Collection[str] | None,
    ) -> list[dict]:
        """`record`: one record key, or several (entries of any of them)."""
        # All "at" values share one format, so string comparison is time order.
        records = None if record is None else {record} if isinstance(record, str) else set(record)
        lo = _iso(since) if since else None
        hi = _iso(until) if until else None
        result, seen = [], set()
        for path in self._files(since, until):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue
            for line in data.splitlines():
                if line in seen:
                    continue  # written twice by the recovery of a commit (see the module docstring)
                seen.add(line)
                try:
                    entry = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue  # torn line from a crash
                if not isinstance(entry, dict):
                    continue
                at = entry.get("at", "")
                if lo and at < lo or hi and at > hi:
                    continue
                if user is not None and entry.get("user") != user:
                    continue
                if records is not None and entry.get("record") not in records:
                    continue
                result.append(entry)
        # Read oldest first; reversed before the stable sort, entries of the same moment (a fixed
        # clock, or one commit's several) come newest first too.
        result.reverse()
        result.sort(key=lambda e: e.get("at", ""), reverse=True)
        return result

