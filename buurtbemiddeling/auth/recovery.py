"""Recovery codes for two-step login: for the day the phone is lost.

Ten codes are made when two-step login is switched on (and again on request); each works once
in place of the app's code. Only their hashes are stored. A code is 10 characters from a
32-letter alphabet (50 bits), so a salted SHA-256 is enough: there is nothing to guess offline
that a slow password hash would protect better, and login stays quick.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from db import Store

from . import users

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
FIELD = "recovery_codes"  # [{"salt", "hash"}] on the user document


def _hash(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise(code)}".encode()).hexdigest()


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def looks_like_one(code: str) -> bool:
    """A recovery code has letters; the app's code is six digits."""
    return len(normalise(code)) == 10 and not normalise(code).isdigit()


def renew(store: Store, user_id: str, *, by: str | None = None) -> list[str]:
    """New codes, replacing any earlier ones; returned once, to be shown once."""
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(COUNT)]
    stored = []
    for code in codes:
        salt = secrets.token_hex(8)
        stored.append({"salt": salt, "hash": _hash(code, salt)})
    with store.transaction():
        users.update(store, user_id, **{FIELD: stored})
        store.audit(by or user_id, "user.2fa_recovery_codes", f"user:{user_id}")
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def remaining(doc) -> int:
    return len((doc or {}).get(FIELD) or [])


def use(store: Store, user_id: str, code: str) -> bool:
    """True and the code spent, when it is one of the user's unused codes."""
    with store.transaction() as tx:
        table = tx.table(users.TABLE)
        doc = table.get(doc_id=int(user_id))
        left = list((doc or {}).get(FIELD) or [])
        match = next((c for c in left if hmac.compare_digest(c["hash"], _hash(code, c["salt"]))), None)
        if match is None:
            return False
        table.update({FIELD: [c for c in left if c is not match]}, doc_ids=[int(user_id)])
        store.audit(user_id, "login.recovery_code", f"user:{user_id}", left=len(left) - 1)
    return True
