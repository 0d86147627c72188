"""Login throttling: too many failures lock an account name or an address for a while.

Failures are counted per e-mail address as typed (also for addresses without an account, so
the lock does not tell which accounts exist) and per client address. A key is locked once it
has `limit` failures inside the window, until the oldest of those falls out of the window.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tinydb import Query

from db import Store

TABLE = "login_throttle"


@dataclass(frozen=True)
class Limits:
    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)
    enabled: bool = True

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]), int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
                   timedelta(seconds=int(config["LOGIN_THROTTLE_WINDOW"])), bool(config["LOGIN_THROTTLE_ENABLED"]))


def account_key(email: str) -> str:
    return "account:" + email.strip().lower()[:254]


def address_key(address: str | None) -> str:
    return "address:" + (address or "unknown")[:64]


def locked_until(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> datetime | None:
    """Pure rule: when a key with these failure times is free again, or None if it is free now."""
    recent = sorted(t for t in failures if now - t < window)
    if limit <= 0 or len(recent) < limit:
        return None
    return recent[-limit] + window


def _times(view, key: str) -> list[datetime]:
    doc = view.table(TABLE).get(Query().key == key)
    return [datetime.fromisoformat(t) for t in doc["failures"]] if doc else []


def wait_seconds(view, email: str, address: str | None, limits: Limits, now: datetime | None = None) -> tuple[int, str | None]:
    """Seconds until a login attempt is allowed again, and which lock holds it ('account', 'address')."""
    if not limits.enabled:
        return 0, None
    now = now or datetime.now(timezone.utc)
    for kind, key, limit in (("account", account_key(email), limits.per_account),
                             ("address", address_key(address), limits.per_address)):
        until = locked_until(_times(view, key), limit, limits.window, now)
        if until is not None:
            return max(1, math.ceil((until - now).total_seconds())), kind
    return 0, None


def record_failure(store: Store, keys: list[str], limits: Limits, now: datetime | None = None) -> None:
    if not limits.enabled:
        return
    now = now or datetime.now(timezone.utc)
    cutoff = now - limits.window
    keep = max(limits.per_account, limits.per_address)
    with store.transaction() as tx:
        table = tx.table(TABLE)
        # Forget stale keys as we go, so a spray of addresses cannot grow the table for ever.
        table.remove(Query().last < cutoff.isoformat())
        for key in keys:
            doc = table.get(Query().key == key)
            times = [t for t in (doc["failures"] if doc else []) if t >= cutoff.isoformat()]
            times = (times + [now.isoformat()])[-keep:]
            if doc:
                table.update({"failures": times, "last": now.isoformat()}, doc_ids=[doc.doc_id])
            else:
                table.insert({"key": key, "failures": times, "last": now.isoformat()})


def clear(store: Store, key: str) -> None:
    with store.transaction() as tx:
        tx.table(TABLE).remove(Query().key == key)


def message(seconds: int, kind: str | None) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    when = "over 1 minuut" if minutes == 1 else f"over {minutes} minuten"
    where = "met dit e-mailadres" if kind == "account" else "vanaf dit netwerkadres"
    return (f"Er is te vaak een verkeerd wachtwoord of een verkeerde code ingevoerd {where}. "
            f"Om uw account te beschermen kunt u {when} opnieuw proberen.")
