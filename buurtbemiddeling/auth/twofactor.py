"""Optional two-step login with a TOTP app (RFC 6238), recommended for coordinators.

Enrolment stores a pending secret; only a correct code from the app turns it on, so nobody
locks themselves out with a half-scanned QR code. The last accepted time step is stored, so
a code seen over someone's shoulder cannot be replayed within its 30 seconds.

Both secrets are stored encrypted (Fernet) with a key file in the instance folder, outside the
data folder and its backups. A secret stored before that is plain base32 and still works; the next
successful code, or `flask encrypt-2fa`, stores it encrypted.
"""
from __future__ import annotations

import hmac
import logging
import re
import time
from pathlib import Path

from markupsafe import Markup

from db import Store

from ..config import instance_secret
from . import users

log = logging.getLogger(__name__)
FIELDS = ("totp_secret", "totp_pending")
_PLAIN = re.compile(r"[A-Z2-7]+=*")  # base32; a Fernet token has lower case letters ("gAAAAA...")
_REMEDY = "Put the right key file back, or turn 2FA off for the account with `flask --app app disable-2fa EMAIL`."


# pyotp, segno and cryptography are imported where used: most requests (and every CGI cold start) need none.

def _totp(secret: str):
    import pyotp

    return pyotp.TOTP(secret)


def _is_plain(stored: str | None) -> bool:
    return bool(stored) and _PLAIN.fullmatch(stored) is not None


def _fernet(key_file: str | Path, *, create: bool = False):
    from cryptography.fernet import Fernet

    path = Path(key_file)
    if create:
        return Fernet(instance_secret(path, lambda: Fernet.generate_key().decode()))
    return Fernet(path.read_text().strip())


def _seal(secret: str, key_file: str | Path) -> str:
    return _fernet(key_file, create=True).encrypt(secret.encode()).decode()


def _unseal(stored: str | None, key_file: str | Path, user_id: str) -> str | None:
    """The plain secret, or None: there is none, or it cannot be decrypted (logged; the code is refused)."""
    if not stored or _is_plain(stored):
        return stored
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(key_file).decrypt(stored.encode()).decode()
    except OSError as exc:
        log.error("2FA key file cannot be read (%s): user %s cannot log in with a code. %s", exc, user_id, _REMEDY)
    except (InvalidToken, ValueError):
        log.error("2FA secret of user %s does not decrypt with the key in %s: wrong or damaged key file. %s",
                  user_id, key_file, _REMEDY)
    return None


def start_enrolment(store: Store, user_id: str, key_file: str | Path) -> str:
    import pyotp

    secret = pyotp.random_base32()
    users.update(store, user_id, totp_pending=_seal(secret, key_file))
    return secret


def pending_secret(store: Store, user_id: str, key_file: str | Path) -> str | None:
    doc = users.get_doc(store.read(), user_id)
    return _unseal(doc.get("totp_pending"), key_file, user_id) if doc else None


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return _totp(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG, made on the server: no script, no image request, CSP-proof."""
    import segno

    svg = segno.make_qr(uri, error="l").svg_inline(scale=5, omitsize=True, dark="#000", light="#fff",
                                                 title="QR-code voor uw authenticator-app")
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR-code voor uw authenticator-app" ', 1))


def group_secret(secret: str) -> str:
    """Groups of four characters are easier to type over from a screen."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())[:12]


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """Pure: the time step the code belongs to (one step of clock drift either way), or None."""
    code = _clean(code)
    if len(code) != 6 or not secret:
        return None
    now = time.time() if now is None else now
    totp = _totp(secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(code, totp.generate_otp(candidate)):
            return candidate
    return None


def confirm_enrolment(store: Store, user_id: str, code: str, key_file: str | Path, now: float | None = None) -> bool:
    secret = pending_secret(store, user_id, key_file)
    step = matching_step(secret, code, now) if secret else None
    if step is None:
        return False
    with store.transaction():
        users.update(store, user_id, totp_secret=_seal(secret, key_file), totp_pending=None, totp_enabled=True,
                     totp_last_step=step)
        store.audit(user_id, "user.2fa_on", f"user:{user_id}")
    return True


def verify_login(store: Store, user_id: str, code: str, key_file: str | Path, now: float | None = None) -> bool:
    doc = users.get_doc(store.read(), user_id)
    if not doc or not doc.get("totp_enabled"):
        return False
    secret = _unseal(doc.get("totp_secret"), key_file, user_id)
    step = matching_step(secret, code, now) if secret else None
    if step is None or step <= int(doc.get("totp_last_step", -1)):
        return False  # wrong, undecryptable, or a code that was already used
    fields = {"totp_secret": _seal(secret, key_file)} if _is_plain(doc["totp_secret"]) else {}
    users.update(store, user_id, totp_last_step=step, **fields)
    return True


def seal_plain_secrets(store: Store, key_file: str | Path) -> int:
    """Encrypt the secrets still stored in the clear; the number of accounts changed."""
    changed = 0
    with store.transaction() as tx:
        table = tx.table(users.TABLE)
        for doc in table.all():
            fields = {name: _seal(doc[name], key_file) for name in FIELDS if _is_plain(doc.get(name))}
            if fields:
                table.update(fields, doc_ids=[doc.doc_id])
                changed += 1
    return changed


def disable(store: Store, user_id: str, *, by: str | None = None) -> None:
    with store.transaction():
        users.update(store, user_id, totp_secret=None, totp_pending=None, totp_enabled=False, recovery_codes=None)
        store.audit(by, "user.2fa_off", f"user:{user_id}")
