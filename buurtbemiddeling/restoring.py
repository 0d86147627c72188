"""Restoring a backup: what the programme re-applies to the restored data inside the restore's
own commit (db/backup.py `restore(after=...)`), so it can never be forgotten or half done."""
from __future__ import annotations

from db import Store
from db.backup import restore

from .auth import users
from .privacy import erasure


def after_restore(tx, live) -> None:
    """``tx``: the restore's transaction, holding the backup's tables; ``live``: the data as it was."""
    users.keep_security_settings(tx, live)
    # What was erased on request (also after the backup was made) must not come back.
    erasure.reapply(tx)


def restore_backup(store: Store, backup_path) -> list[int]:
    """Restore, then bring the restored data up to the current schema; returns the migrations run."""
    restore(store, backup_path, after=after_restore)
    return store.migrate()
