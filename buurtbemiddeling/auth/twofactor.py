"""Optional two-step login with a TOTP app (RFC 6238), recommended for coordinators.

Enrolment stores a pending secret; only a correct code from the app turns it on, so nobody
locks themselves out with a half-scanned QR code. The last accepted time step is stored, so
a code seen over someone's shoulder cannot be replayed within its 30 seconds.
"""
from __future__ import annotations

import hmac
import time

from markupsafe import Markup

from db import Store

from . import users


# pyotp and segno are imported where used: most requests (and every CGI cold start) need neither.

def _totp(secret: str):
    import pyotp

    return pyotp.TOTP(secret)


def start_enrolment(store: Store, user_id: str) -> str:
    import pyotp

    secret = pyotp.random_base32()
    users.update(store, user_id, totp_pending=secret)
    return secret


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


def confirm_enrolment(store: Store, user_id: str, code: str, now: float | None = None) -> bool:
    doc = users.get_doc(store.read(), user_id)
    secret = doc.get("totp_pending") if doc else None
    step = matching_step(secret, code, now) if secret else None
    if step is None:
        return False
    users.update(store, user_id, totp_secret=secret, totp_pending=None, totp_enabled=True, totp_last_step=step)
    store.audit(user_id, "user.2fa_on", f"user:{user_id}")
    return True


def verify_login(store: Store, user_id: str, code: str, now: float | None = None) -> bool:
    doc = users.get_doc(store.read(), user_id)
    if not doc or not doc.get("totp_enabled"):
        return False
    step = matching_step(doc.get("totp_secret"), code, now)
    if step is None or step <= int(doc.get("totp_last_step", -1)):
        return False  # wrong, or a code that was already used
    users.update(store, user_id, totp_last_step=step)
    return True


def disable(store: Store, user_id: str, *, by: str | None = None) -> None:
    users.update(store, user_id, totp_secret=None, totp_pending=None, totp_enabled=False)
    store.audit(by, "user.2fa_off", f"user:{user_id}")
