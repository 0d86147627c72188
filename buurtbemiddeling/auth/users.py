"""User accounts: creation, lookup and password checks. No Flask request code here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from tinydb import Query
from werkzeug.security import check_password_hash, generate_password_hash

from db import Store

ROLES = ("coordinator", "volunteer", "partner")
MIN_PASSWORD_LENGTH = 12
TABLE = "users"


class AccountError(ValueError):
    """A user-facing problem with account data; the message is Dutch."""


@dataclass(frozen=True)
class User:
    """The logged-in user as Flask-Login sees it."""

    id: str
    email: str
    name: str
    role: str
    active: bool = True

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


def _user(doc) -> User:
    return User(str(doc.doc_id), doc["email"], doc.get("name", ""), doc["role"], doc.get("active", True))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens.")


def has_users(store: Store) -> bool:
    return len(store.read().table(TABLE)) > 0


def create_user(store: Store, email: str, password: str, role: str, name: str = "", *, only_if_first: bool = False) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Vul een geldig e-mailadres in.")
    if role not in ROLES:
        raise AccountError(f"Onbekende rol: {role}.")
    check_password(password)
    with store.transaction() as tx:
        users = tx.table(TABLE)
        if only_if_first and len(users) > 0:
            # Two browsers racing through the first-run page: only one wins.
            raise AccountError("Er bestaat al een account. Log in.")
        if users.contains(Query().email == email):
            raise AccountError("Er bestaat al een account met dit e-mailadres.")
        doc_id = users.insert({
            "email": email,
            "name": name.strip(),
            "role": role,
            "password_hash": generate_password_hash(password),
            "active": True,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        })
    store.audit(None, "user.create", f"user:{doc_id}", role=role)
    return User(str(doc_id), email, name.strip(), role)


def get_user(store: Store, user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    doc = store.read().table(TABLE).get(doc_id=int(user_id))
    return _user(doc) if doc else None


def authenticate(store: Store, email: str, password: str) -> User | None:
    doc = store.read().table(TABLE).get(Query().email == normalise_email(email))
    if doc is None:
        # Hash anyway so the response time does not tell which e-mail addresses exist.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(doc["password_hash"], password):
        return None
    return _user(doc)


_DUMMY_HASH = generate_password_hash("not-a-real-password")
