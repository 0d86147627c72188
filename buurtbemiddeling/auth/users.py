"""User accounts: creation, lookup, passwords and account state. No Flask request code here.

A user doc in table `users`: email, name, role, password_hash (None until an invited person
sets one), active, created_at, last_login_at, volunteer_id (a doc in `volunteers`, for role
volunteer), epoch (bumped to end every session of the account: deactivation, password or role
change), sessions ({hash of a session id: login time}: the sessions open on the server; a cookie
whose id is not there opens nothing), partner_id (a doc in `partners`, for role partner) and the TOTP fields (see `twofactor.py`).
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from tinydb import Query
from werkzeug.security import check_password_hash, generate_password_hash

from common import clock
from db import Store, StoreError
from common import tables

ROLES = ("coordinator", "volunteer", "partner")
ROLE_LABELS = {"coordinator": "Coördinator", "volunteer": "Vrijwilliger", "partner": "Netwerkpartner"}
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte "password" is a cheap way to burn CPU
TABLE = tables.USERS
# One round of PBKDF2 for apps made with TESTING (see `use_test_hashing`); never for real accounts.
TEST_HASH_METHOD = "pbkdf2:sha256:1"
_test_hashing = False


class AccountError(ValueError):
    """A user-facing problem with account data; the message is Dutch, `field` the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class User:
    """The logged-in user as Flask-Login sees it."""

    id: str
    email: str
    name: str
    role: str
    active: bool = True
    volunteer_id: int | None = None
    totp_enabled: bool = False
    epoch: int = 0
    sessions: frozenset[str] = field(default=frozenset(), repr=False)  # hashes of open session ids

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.id

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def _user(doc) -> User:
    return User(str(doc.doc_id), doc["email"], doc.get("name", ""), doc["role"], doc.get("active", True),
                doc.get("volunteer_id"), bool(doc.get("totp_enabled")), int(doc.get("epoch", 0)),
                frozenset(doc.get("sessions") or ()))


def _now() -> str:
    return clock.stamp()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens.", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Kies een wachtwoord van hoogstens {MAX_PASSWORD_LENGTH} tekens.", "password")


def has_users(store: Store) -> bool:
    return len(store.read().table(TABLE)) > 0


def _checked_email(email: str) -> str:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError("Vul een geldig e-mailadres in.", "email")
    return email


def _insert(store: Store, email: str, role: str, name: str, password_hash: str | None, *,
            only_if_first: bool = False, by: str | None = None, **extra: Any) -> User:
    email = _checked_email(email)
    if role not in ROLES:
        raise AccountError(f"Onbekende rol: {role}.", "role")
    name = name.strip()[:100]
    with store.transaction() as tx:
        users = tx.table(TABLE)
        if only_if_first and len(users) > 0:
            # Two browsers racing through the first-run page: only one wins.
            raise AccountError("Er bestaat al een account. Log in.")
        if users.contains(Query().email == email):
            raise AccountError("Er bestaat al een account met dit e-mailadres.", "email")
        doc_id = users.insert({
            "email": email, "name": name, "role": role, "password_hash": password_hash,
            "active": True, "created_at": _now(), "epoch": 0, **extra,
        })
        store.audit(by, "user.create", f"user:{doc_id}", role=role)
    return User(str(doc_id), email, name, role, volunteer_id=extra.get("volunteer_id"))


def create_user(store: Store, email: str, password: str, role: str, name: str = "", *, only_if_first: bool = False) -> User:
    """An account with a password, ready to log in (first run, CLI, tests)."""
    check_password(password)
    return _insert(store, email, role, name, _hash(password), only_if_first=only_if_first)


def create_account(store: Store, email: str, role: str, name: str = "", *, volunteer_id: int | None = None,
                   partner_id: int | None = None, by: str | None = None) -> User:
    """An account made by the coordinator; the person sets a password through an invitation."""
    if not name.strip():
        raise AccountError("Vul de naam in.", "name")
    if role == "volunteer" and volunteer_id is not None:
        if store.read().table(TABLE).contains(Query().volunteer_id == volunteer_id):
            raise AccountError("Deze vrijwilliger heeft al een account.", "volunteer_id")
    extra = {"volunteer_id": volunteer_id} if role == "volunteer" else {}
    if role == "partner":
        extra = {"partner_id": partner_id}  # a doc in `partners`: the portal shows its referred cases
    return _insert(store, email, role, name, None, by=by, **extra)


def get_user(store: Store, user_id: str) -> User | None:
    doc = get_doc(store.read(), user_id)
    return _user(doc) if doc else None


def get_doc(view, user_id: str | int):
    """The stored user doc, or None. Callers must not mutate it."""
    user_id = str(user_id)
    if not user_id.isdigit():
        return None
    return view.table(TABLE).get(doc_id=int(user_id))


def all_users(view) -> list:
    """Every account: active ones first, then by role and name."""
    order = {role: n for n, role in enumerate(ROLES)}
    return sorted(view.table(TABLE).all(),
                  key=lambda d: (not d.get("active", True), order.get(d["role"], 9), (d.get("name") or d["email"]).lower()))


def volunteer_users(view) -> list:
    """Active volunteer accounts: the people who must read the protocols."""
    return [d for d in all_users(view) if d["role"] == "volunteer" and d.get("active", True)]


def account_of_volunteer(view, volunteer_id: int):
    """The account linked to a volunteer, or None."""
    return view.table(TABLE).get(Query().volunteer_id == volunteer_id)


def find_by_email(view, email: str):
    return view.table(TABLE).get(Query().email == normalise_email(email))


def authenticate(store: Store, email: str, password: str) -> User | None:
    doc = find_by_email(store.read(), email)
    if doc is None or not doc.get("password_hash") or len(password) > MAX_PASSWORD_LENGTH:
        # Hash anyway so the response time does not tell which e-mail addresses exist.
        check_password_hash(_DUMMY_TEST_HASH if _test_hashing else _DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        return None
    if not check_password_hash(doc["password_hash"], password):
        return None
    return _user(doc)


# Fields whose change must end every session of the account: only through `bump_epoch`.
SESSION_ENDING = frozenset({"password_hash", "role", "active", "epoch", "sessions"})
MAX_SESSIONS = 10  # open sessions kept per account; a newer login ends the oldest beyond this


def update(store: Store, user_id: str, **fields: Any) -> None:
    if SESSION_ENDING & fields.keys():
        raise ValueError(f"use bump_epoch to change {sorted(SESSION_ENDING & fields.keys())}")
    with store.transaction() as tx:
        tx.table(TABLE).update(fields, doc_ids=[int(user_id)])


def bump_epoch(store: Store, user_id: str, **fields: Any) -> None:
    """Change fields and end every open session of the account."""
    with store.transaction() as tx:
        table = tx.table(TABLE)
        doc = table.get(doc_id=int(user_id))
        table.update({**fields, "epoch": int(doc.get("epoch", 0)) + 1, "sessions": {}}, doc_ids=[int(user_id)])


def session_hash(session_id: str | None) -> str:
    """What is stored of a session id: the id itself only ever lives in the signed cookie."""
    return hashlib.sha256((session_id or "").encode()).hexdigest()[:32]


def open_session(store: Store, user_id: str) -> str:
    """A new session on the server for the account (a login); returns its id for the cookie."""
    session_id = secrets.token_urlsafe(32)
    now = int(time.time())
    with store.transaction() as tx:
        table = tx.table(TABLE)
        doc = table.get(doc_id=int(user_id))
        kept = sorted((doc.get("sessions") or {}).items(), key=lambda item: item[1])[-(MAX_SESSIONS - 1):]
        table.update({"sessions": dict(kept) | {session_hash(session_id): now}, "last_login_at": _now()},
                     doc_ids=[int(user_id)])
    return session_id


def end_session(store: Store, user_id: str, session_id: str | None) -> None:
    """Logout: this session's id no longer opens anything, wherever the cookie was copied to."""
    with store.transaction() as tx:
        table = tx.table(TABLE)
        doc = table.get(doc_id=int(user_id)) if str(user_id).isdigit() else None
        if doc is not None and session_hash(session_id) in (doc.get("sessions") or {}):
            remaining = {k: v for k, v in doc["sessions"].items() if k != session_hash(session_id)}
            table.update({"sessions": remaining}, doc_ids=[doc.doc_id])


def end_all_sessions(store: Store, user_id: str) -> None:
    """"Overal uitloggen": every session of the account ends, this one included."""
    bump_epoch(store, user_id)


def set_role(store: Store, user_id: str, role: str, *, by: str | None = None) -> None:
    """A new role; the account's sessions end, so no page opened under the old role stays open."""
    if role not in ROLES:
        raise AccountError(f"Onbekende rol: {role}.", "role")
    with store.transaction():
        bump_epoch(store, user_id, role=role)
        store.audit(by, "user.role", f"user:{user_id}", role=role)


def set_password(store: Store, user_id: str, password: str) -> None:
    check_password(password)
    bump_epoch(store, user_id, password_hash=_hash(password), password_set_at=_now())


def clear_password(store: Store, user_id: str) -> None:
    """A reset: the old password stops working at once; the invitation sets a new one."""
    bump_epoch(store, user_id, password_hash=None)


def set_active(store: Store, user_id: str, active: bool, *, by: str | None = None) -> None:
    doc = get_doc(store.read(), user_id)
    if doc is None:
        raise AccountError("Dit account bestaat niet.")
    if not active and doc["role"] == "coordinator":
        others = [d for d in store.read().table(TABLE).all()
                  if d["role"] == "coordinator" and d.get("active", True) and d.doc_id != doc.doc_id]
        if not others:
            raise AccountError("Dit is het laatste actieve coördinatoraccount; dat kan niet uit.")
    with store.transaction():
        bump_epoch(store, user_id, active=active)
        store.audit(by, "user.activate" if active else "user.deactivate", f"user:{user_id}")


def use_test_hashing(on: bool) -> None:
    """Hash new passwords cheaply (on) or with werkzeug's default, scrypt (off).

    create_app turns it on only for TESTING, where every persona login would otherwise cost three
    scrypt hashes. Checking reads the method from the stored hash, so both kinds keep verifying.
    """
    global _test_hashing
    _test_hashing = on


def _hash(password: str) -> str:
    return generate_password_hash(password, TEST_HASH_METHOD) if _test_hashing else generate_password_hash(password)


# A fixed hash of a random, forgotten password, in werkzeug's default method: hashing one at
# import cost ~90 ms, paid by every CGI request. Checking it costs what a real check costs.
_DUMMY_HASH = ("scrypt:32768:8:1$e9QhUmbK3Lzu5UCj$6716f68285b0e53757d62988d92ae71a5dd7a083cca22a8be21b5210"
               "689e8fae248db38c7729a312a83638073a11e30426ef5184442e8399491051d9534d4627")
# Its twin for TESTING: one round, so computing it at import costs nothing.
_DUMMY_TEST_HASH = generate_password_hash("", TEST_HASH_METHOD)


# What a restore leaves as it is now (db/backup.py `restore(after=...)`): a backup must not bring
# back an old password, a switched-off second step or a deactivated account's access.
SECURITY_FIELDS = ("password_hash", "password_set_at", "role", "active", "totp_enabled", "totp_secret",
                   "totp_pending", "totp_last_step", "recovery_codes")


def keep_security_settings(tx, live) -> None:
    """Inside a restore: each restored account keeps the security settings it has now (same id
    and e-mail address), and every session ends (epoch past both, no open sessions)."""
    try:
        now = {str(doc.doc_id): doc for doc in live.table(TABLE).all()}
    except StoreError:
        now = {}  # the live table is damaged: the backup's settings are all there is
    table = tx.table(TABLE)
    for doc in table.all():
        current = now.get(str(doc.doc_id))
        kept = {}
        if current is not None and current.get("email") == doc.get("email"):
            kept = {field: current.get(field) for field in SECURITY_FIELDS if field in current or field in doc}
        epoch = max(int(doc.get("epoch", 0)), int((current or {}).get("epoch", 0))) + 1
        table.update({**kept, "epoch": epoch, "sessions": {}}, doc_ids=[doc.doc_id])
