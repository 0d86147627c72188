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
from collections.abc import Callable
from pathlib import Path

from .errors import StoreError
from .storage import PRIVATE_FILE, atomic_write, dumps, fsync_dir, loads, private_dir, sync

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
    with os.fdopen(os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE), "wb") as fh:
        fh.write(data)
        fh.flush()
        sync(fh.fileno())
    return hashlib.sha256(data).hexdigest()


def backup(store, dest_dir=None, keep: int = 14) -> Path:
    """Copy tables and audit log to a new backup folder; keep the newest ``keep``."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    dest = _dest(store, dest_dir)
    private_dir(dest)
    created = datetime.now(timezone.utc)
    tmp = dest / f".tmp-{created:%Y%m%d-%H%M%S}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    private_dir(tmp / "tables")
    private_dir(tmp / "audit")
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
                private_dir((tmp / rel).parent)
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


class BackupError(StoreError):
    """A backup that cannot be restored; the message, in Dutch, says why and is shown as is."""


def _table_docs(rel: str, data: bytes) -> dict:
    """The documents of one table file, or BackupError if it is not a whole, valid table."""
    name = rel.removeprefix("tables/").removesuffix(".json")
    try:
        parsed = loads(data)
    except ValueError as exc:
        raise BackupError(f"Tabel {name} in de reservekopie is beschadigd: het is geen geldige JSON ({exc}).") from exc
    docs = parsed.get(name) if isinstance(parsed, dict) and set(parsed) <= {name} else None
    if parsed == {}:
        docs = {}
    if not isinstance(docs, dict) or not all(k.isdigit() and isinstance(v, dict) for k, v in docs.items()):
        raise BackupError(f"Tabel {name} in de reservekopie heeft niet de vorm van een tabel.")
    return docs


def check(backup_path) -> tuple[dict[str, dict], dict[str, bytes]]:
    """Every check a restore needs, before anything live is touched: the manifest, each file's
    presence and checksum, each table parsed whole, and a schema version this code knows.
    Returns ({table name: documents}, {other file: bytes}); raises BackupError."""
    from .migrations import latest_schema

    backup_path = Path(backup_path)
    try:
        manifest = loads((backup_path / "manifest.json").read_bytes())
        expected, schema = manifest["files"], int(manifest.get("schema", 0))
        if not isinstance(expected, dict):
            raise TypeError("files is not a mapping")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"Reservekopie {backup_path.name} heeft geen leesbare inhoudslijst (manifest.json).") from exc
    if schema > latest_schema():
        raise BackupError(f"Reservekopie {backup_path.name} is gemaakt door een nieuwere versie van het programma "
                          f"(gegevensversie {schema}; deze versie kent tot {latest_schema()}). "
                          "Werk eerst het programma bij en zet de reservekopie dan terug.")
    tables, others = {}, {}
    for rel, digest in expected.items():
        if not _FILE_RE.match(rel):
            raise BackupError(f"Reservekopie {backup_path.name} noemt een onbekend bestand: {rel}.")
        try:
            data = (backup_path / rel).read_bytes()
        except OSError as exc:
            raise BackupError(f"Reservekopie {backup_path.name} is onvolledig: {rel} ontbreekt.") from exc
        if hashlib.sha256(data).hexdigest() != digest:
            raise BackupError(f"Reservekopie {backup_path.name} is beschadigd: {rel} is veranderd sinds de kopie "
                              "gemaakt is (de controlesom klopt niet).")
        if rel.startswith("tables/"):
            tables[rel.removeprefix("tables/").removesuffix(".json")] = _table_docs(rel, data)
        else:
            others[rel] = data
    meta = tables.get("_meta", {}).get("1", {})
    if int(meta.get("schema", 0)) != schema:
        raise BackupError(f"Reservekopie {backup_path.name} is onvolledig: de tabel met de gegevensversie "
                          f"(_meta) ontbreekt of zegt iets anders dan de inhoudslijst.")
    return tables, others


def restore(store, backup_path, *, after: Callable | None = None) -> None:
    """Replace all tables with the backup's, all or nothing.

    Everything is checked first (`check`); only then are the tables written, in one commit
    through the journal, so a crash leaves the old data or the whole backup, never a mix.
    ``after(tx, live)`` runs inside that commit, before it is written, with ``live`` a read
    view of the data as it was: the hook where the programme re-applies what must survive a
    restore (the accounts' security settings; the privacy erasure ledger). The audit log is
    history, not state: live audit files are kept, only month files missing here are copied
    back. A "restore" entry is appended. Run ``store.migrate()`` afterwards: the backup may
    predate the current schema.
    """
    from .store import ReadView

    backup_path = Path(backup_path)
    tables, others = check(backup_path)
    for rel, data in others.items():  # written once under random names: copying them first is harmless
        if rel.split("/", 1)[0] in ATTACHMENT_DIRS:
            private_dir((store.data_dir / rel).parent)
            atomic_write(store.data_dir / rel, data)
    with store.transaction() as tx:
        live = ReadView(store)  # reads the files as they are: nothing is written before the commit
        tx.replace_all(tables)
        if after is not None:
            after(tx, live)
        store.audit(None, "restore", None, backup=backup_path.name)
    store.drop_caches()
    with store._audit_log.lock:
        for rel, data in others.items():
            target = store.data_dir / rel
            if rel.startswith("audit/") and not target.exists():
                atomic_write(target, data)
