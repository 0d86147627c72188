"""Backups of the data directory and restore with checksum verification.

A backup is ``<dest_dir>/<YYYYmmdd-HHMMSS[-n]>/`` (UTC) holding copies of
``tables/*.json`` and ``audit/*.jsonl`` plus ``manifest.json``::

    {"format": 1, "created": "<ISO UTC>", "schema": N,
     "files": {"tables/cases.json": "<sha256>", ...}}

It is assembled in a hidden temp folder and renamed into place, so a folder
with a manifest is always complete.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

from .errors import StoreError
from .storage import atomic_write, dumps, fsync_dir, loads

_NAME_RE = re.compile(r"^(\d{8}-\d{6})(?:-(\d+))?$")
_FILE_RE = re.compile(r"^(tables/[A-Za-z0-9_][A-Za-z0-9_.-]*\.json|audit/audit-\d{4}-\d{2}\.jsonl"
                      r"|(?:documents|uploads)(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)+)$")
# Uploaded files (case documents, receipts, certificates) live beside the tables and are
# written once under random names, so a backup copies them as they are.
ATTACHMENT_DIRS = ("documents", "uploads")


def _dest(store, dest_dir) -> Path:
    return Path(dest_dir) if dest_dir is not None else store.data_dir.parent / "backups"


def _copy(src: Path, dst: Path) -> str:
    data = src.read_bytes()
    with open(dst, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return hashlib.sha256(data).hexdigest()


def backup(store, dest_dir=None, keep: int = 14) -> Path:
    """Copy tables and audit log to a new backup folder; keep the newest ``keep``."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    dest = _dest(store, dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    created = datetime.now(timezone.utc)
    tmp = dest / f".tmp-{created:%Y%m%d-%H%M%S}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "tables").mkdir(parents=True)
    (tmp / "audit").mkdir()
    files: dict[str, str] = {}
    with store._lock:  # a consistent snapshot of all tables
        store._recover()
        schema = store.schema_version
        for src in sorted(store.tables_dir.glob("*.json")):
            if not src.name.startswith("."):
                files[f"tables/{src.name}"] = _copy(src, tmp / "tables" / src.name)
    with store._audit_log.lock:  # no torn last line
        for src in sorted(store.audit_dir.glob("audit-*.jsonl")):
            files[f"audit/{src.name}"] = _copy(src, tmp / "audit" / src.name)
    for folder in ATTACHMENT_DIRS:
        for src in sorted((store.data_dir / folder).rglob("*")):
            rel = src.relative_to(store.data_dir).as_posix()
            if src.is_file() and _FILE_RE.match(rel):
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                files[rel] = _copy(src, tmp / rel)
    manifest = {"format": 1, "created": created.isoformat(), "schema": schema, "files": files}
    atomic_write(tmp / "manifest.json", dumps(manifest))
    fsync_dir(tmp / "tables")
    fsync_dir(tmp / "audit")
    base = f"{created:%Y%m%d-%H%M%S}"
    # Continue after the highest suffix so the newest backup also sorts newest,
    # even when older ones with this base were pruned.
    n = max((int(m[2] or 0) + 1 for p in dest.iterdir() if (m := _NAME_RE.match(p.name)) and m[1] == base), default=0)
    while True:
        final = dest / (base if n == 0 else f"{base}-{n}")
        try:
            os.rename(tmp, final)  # fails if a complete backup already has this name
            break
        except OSError:
            if not final.exists():
                raise
            n += 1
    fsync_dir(dest)
    for old in list_backups(store, dest)[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    # Leftovers of interrupted backups (older than a day, so never a running one).
    for stale in dest.glob(".tmp-*"):
        if time.time() - stale.stat().st_mtime > 86400:
            shutil.rmtree(stale, ignore_errors=True)
    return final


def list_backups(store, dest_dir=None) -> list[Path]:
    """Complete backup folders, newest first."""
    dest = _dest(store, dest_dir)
    if not dest.is_dir():
        return []
    found = []
    for path in dest.iterdir():
        m = _NAME_RE.match(path.name)
        if m and (path / "manifest.json").is_file():
            found.append(((m[1], int(m[2] or 0)), path))
    return [path for _, path in sorted(found, reverse=True)]


def backup_created(backup_path) -> datetime:
    manifest = loads((Path(backup_path) / "manifest.json").read_bytes())
    return datetime.fromisoformat(manifest["created"])


def _verified_files(backup_path: Path) -> dict[str, bytes]:
    try:
        manifest = loads((backup_path / "manifest.json").read_bytes())
        expected = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"backup {backup_path} has no readable manifest") from exc
    contents = {}
    for rel, digest in expected.items():
        if not _FILE_RE.match(rel):
            raise StoreError(f"backup {backup_path} lists an unexpected file: {rel}")
        try:
            data = (backup_path / rel).read_bytes()
        except OSError as exc:
            raise StoreError(f"backup {backup_path} is incomplete: {rel} is missing") from exc
        if hashlib.sha256(data).hexdigest() != digest:
            raise StoreError(f"backup {backup_path} is damaged: checksum mismatch for {rel}")
        contents[rel] = data
    return contents


def restore(store, backup_path) -> None:
    """Replace all tables with the backup's, after verifying every checksum.

    The audit log is history, not state: live audit files are kept (entries
    written after the backup stay), only month files missing here are copied
    back.  A "restore" entry is appended.  Run ``store.migrate()`` afterwards
    if the backup may predate the current schema.
    """
    backup_path = Path(backup_path)
    contents = _verified_files(backup_path)
    tables = {rel.split("/", 1)[1]: data for rel, data in contents.items() if rel.startswith("tables/")}
    with store._lock:
        store._recover()  # an old journal must not replay over the restored files
        for name, data in tables.items():
            atomic_write(store.tables_dir / name, data, sync_dir=False)
        for path in store.tables_dir.glob("*.json"):
            if not path.name.startswith(".") and path.name not in tables:
                path.unlink()
        fsync_dir(store.tables_dir)
        store.drop_caches()
    with store._audit_log.lock:
        for rel, data in contents.items():
            target = store.data_dir / rel
            if rel.startswith("audit/") and not target.exists():
                atomic_write(target, data)
    for rel, data in contents.items():
        if rel.split("/", 1)[0] in ATTACHMENT_DIRS:
            (store.data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            atomic_write(store.data_dir / rel, data)
    store.audit(None, "restore", None, backup=backup_path.name)
