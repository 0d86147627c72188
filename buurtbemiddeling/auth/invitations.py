"""Single-use, expiring links with which an invited person sets their password.

Only a SHA-256 of the token is stored: someone who reads the data files cannot use an open
invitation. The token itself carries 256 random bits, so a fast hash is enough. Issuing a new
invitation for an account withdraws the open ones, so only the latest link works.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tinydb import Query

from db import Store
from common import clock

from . import users
from common import tables

TABLE = tables.INVITATIONS
PURPOSES = {"invite": "Uitnodiging", "reset": "Nieuw wachtwoord"}
LINK_INVALID = ("Deze link werkt niet meer: hij is al gebruikt, vervangen door een nieuwere of verlopen. "
                "Vraag de coördinator om een nieuwe link.")


@dataclass(frozen=True)
class Invitation:
    """An open invitation or password-reset link: whose, what for, and until when."""

    doc_id: int
    user_id: str
    purpose: str
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> datetime:
    return clock.now()


def issue(store: Store, user_id: str, purpose: str, *, max_age: timedelta, by: str | None = None,
          now: datetime | None = None) -> str:
    """Make a new link token for the account and withdraw its open ones."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with store.transaction() as tx:
        table = tx.table(TABLE)
        table.update({"withdrawn_at": clock.stamp(now)},
                     (Query().user_id == str(user_id)) & (Query().used_at == None))  # noqa: E711
        table.insert({
            "user_id": str(user_id), "purpose": purpose, "token_hash": _hash(token),
            "created_at": clock.stamp(now), "created_by": by,
            "expires_at": clock.stamp(now + max_age), "used_at": None,
        })
        store.audit(by, f"user.{purpose}", f"user:{user_id}")
    return token


def find(view, token: str, *, now: datetime | None = None) -> Invitation | None:
    """The open invitation for this token, or None if unknown, used, withdrawn or expired."""
    if not token or len(token) > 200:
        return None
    doc = view.table(TABLE).get(Query().token_hash == _hash(token))
    if doc is None or doc.get("used_at") or doc.get("withdrawn_at"):
        return None
    expires = datetime.fromisoformat(doc["expires_at"])
    if (now or _now()) >= expires:
        return None
    user = users.get_doc(view, doc["user_id"])
    if user is None or not user.get("active", True):
        return None
    return Invitation(doc.doc_id, doc["user_id"], doc["purpose"], expires)


def redeem(store: Store, token: str, password: str, *, now: datetime | None = None) -> users.User:
    """Set the password and use up the link; raises AccountError (Dutch) when that cannot be."""
    users.check_password(password)
    now = now or _now()
    with store.transaction() as tx:
        # Look up and mark used under one lock, so a link works exactly once.
        invitation = find(store.read(), token, now=now)
        if invitation is None:
            raise users.AccountError(LINK_INVALID)
        tx.table(TABLE).update({"used_at": clock.stamp(now)}, doc_ids=[invitation.doc_id])
        users.set_password(store, invitation.user_id, password)
        store.audit(invitation.user_id, "user.password_set", f"user:{invitation.user_id}", via=invitation.purpose)
    return users.get_user(store, invitation.user_id)


def open_invitation(view, user_id: str, *, now: datetime | None = None):
    """The latest unused, unexpired invitation doc of an account, or None."""
    now = now or _now()
    docs = [d for d in view.table(TABLE).search(Query().user_id == str(user_id))
            if not d.get("used_at") and not d.get("withdrawn_at") and datetime.fromisoformat(d["expires_at"]) > now]
    return max(docs, key=lambda d: d["created_at"], default=None)


STATES = {
    "active": "Actief",
    "invited": "Uitgenodigd",
    "expired": "Link verlopen",
    "inactive": "Gedeactiveerd",
}


def account_state(view, doc, *, now: datetime | None = None) -> str:
    """One word for the accounts list: active, invited (open link), expired (no password, no link), inactive."""
    if not doc.get("active", True):
        return "inactive"
    if doc.get("password_hash"):
        return "active"
    return "invited" if open_invitation(view, str(doc.doc_id), now=now) else "expired"


def message(purpose: str, *, name: str, email: str, link: str, hours: int, organisation: str, sender: str):
    """The e-mail that carries the link (pure; the caller queues it in the outbox)."""
    from ..mail import Mail

    if purpose == "reset":
        subject = f"Nieuw wachtwoord instellen voor {organisation}"
        opening = (f"{sender} heeft het wachtwoord van uw account bij {organisation} opnieuw ingesteld. "
                   "Uw oude wachtwoord werkt niet meer. Kies via deze link een nieuw wachtwoord:")
    else:
        subject = f"Uw account bij {organisation}"
        opening = (f"{sender} heeft een account voor u gemaakt in het registratiesysteem van {organisation}. "
                   "Kies via deze link zelf een wachtwoord:")
    body = "\n".join([
        f"Beste {name or email},", "", opening, "", link, "",
        f"De link werkt één keer en is {hours} uur geldig. Verwacht u deze e-mail niet, dan kunt u hem negeren.",
        "", "Met vriendelijke groet,", organisation,
    ])
    return Mail(to=email, subject=subject, body=body, kind=f"account-{purpose}")
