"""Login throttling: too many failures lock an account name or an address for a while.

Failures are counted per e-mail address as typed (also for addresses without an account, so
the lock does not tell which accounts exist) and per client address. A key is locked once it
has `limit` failures inside the window, until the oldest of those falls out of the window.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from db import Store

TABLE = "login_throttle"  # a counter set (db/counters.py): {key: [failure times, oldest first]}


@dataclass(frozen=True)
class Limits:
    """Failed logins allowed per account and per address within the window."""

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


def _recent(times: list, window: timedelta, now: datetime) -> list[str]:
    return [t for t in times if now - datetime.fromisoformat(t) < window]


def attempt(store: Store, email: str, address: str | None, limits: Limits,
            now: datetime | None = None) -> tuple[int, str | None]:
    """Count one attempt for the account and the address before its password or code is checked.

    Check and count are one atomic step (a burst of parallel guesses cannot all pass a check
    made before any of them is counted): returns (0, None) when the attempt may go ahead,
    counted as a failure until `take_back`; else the seconds to wait and which lock holds it
    ('account', 'address'), and nothing is counted.
    """
    if not limits.enabled:
        return 0, None
    now = now or datetime.now(timezone.utc)
    keep = max(limits.per_account, limits.per_address)
    wanted = (("account", account_key(email), limits.per_account),
              ("address", address_key(address), limits.per_address))
    with store.counters.update(TABLE) as failures:
        # Forget stale keys as we go, so a spray of addresses cannot grow the set for ever.
        for key in [k for k, times in failures.items() if not _recent(times[-1:], limits.window, now)]:
            del failures[key]
        for kind, key, limit in wanted:
            times = [datetime.fromisoformat(t) for t in failures.get(key, [])]
            until = locked_until(times, limit, limits.window, now)
            if until is not None:
                return max(1, math.ceil((until - now).total_seconds())), kind
        for _, key, _ in wanted:
            failures[key] = (failures.get(key, []) + [now.isoformat()])[-keep:]
    return 0, None


def take_back(store: Store, email: str, address: str | None, *, forget_account: bool = False) -> None:
    """The password or code was right: the attempt no longer counts; on a completed login
    (`forget_account`) the account's earlier failures are forgotten too."""
    with store.counters.update(TABLE) as failures:
        for key in (account_key(email), address_key(address)):
            times = failures.get(key)
            if times and forget_account and key.startswith("account:"):
                del failures[key]
            elif times:
                times.pop()


def message(seconds: int, kind: str | None) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    when = "over 1 minuut" if minutes == 1 else f"over {minutes} minuten"
    where = "met dit e-mailadres" if kind == "account" else "vanaf dit netwerkadres"
    return (f"Er is te vaak een verkeerd wachtwoord of een verkeerde code ingevoerd {where}. "
            f"Om uw account te beschermen kunt u {when} opnieuw proberen.")
