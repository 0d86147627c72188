"""Spam guards for the public forms, without any third-party service. Pure of Flask.

Three guards, each failing towards letting a real person through:

* A honeypot field (`forms.HONEYPOT_FIELD`), hidden with CSS and out of the tab
  order. People never see it; simple robots fill it in.
* A minimum fill time. The static page cannot hold a per-visit token, so on page
  load htmx fetches a signed start time from the app (`issue_token`) into a hidden
  field. A post whose token says it was filled in faster than a person can is
  refused with the form shown again, values kept, to send once more (the token
  keeps its start time, so the second try passes). Without JavaScript there is
  no token and this check is skipped: it never blocks a person, it only catches
  robots that run scripts. A token that is missing, forged, for another form or
  signed with an old key counts as "no token", for the same reason.
* A per-address rate limit on accepted posts. Addresses are stored only as a keyed
  hash and forgotten after the window. Over the limit the form comes back with a
  message and every value kept.

Refused posts are never stored, nor anything about their senders; they are counted
per day, form and reason (`count_rejected`, `rejected_counts`, and `rejected_summary`
for the coordinator's inbox). A body-size limit comes from Flask's MAX_CONTENT_LENGTH
(64 KB; the fields' maximum lengths keep real posts far below); refusals are counted too.

Settings: FORM_MIN_SECONDS (3), FORM_RATE_LIMIT (10 accepted posts per address
per window), FORM_RATE_WINDOW (3600 seconds).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any, Mapping

from itsdangerous import BadSignature, Signer

from forms import HONEYPOT_FIELD, TOKEN_FIELD

# Counter sets (db/counters.py), off the data lock: a flood of posts never holds up real writes.
RATE_TABLE = "form_rate"      # {hashed address: [epoch seconds, ...]}
COUNT_TABLE = "spam_counts"   # {"2025-06-01|report|honeypot": 3}
SALT = "public-form-start"

HONEYPOT = "honeypot"
TOO_FAST = "too_fast"
RATE_LIMIT = "rate_limit"
TOO_LARGE = "too_large"
# In this order when counts tie; read inside a sentence, hence lower case.
REASON_LABELS = {
    HONEYPOT: "verborgen veld ingevuld",
    TOO_FAST: "te snel ingevuld",
    RATE_LIMIT: "te veel berichten van één adres",
    TOO_LARGE: "te groot",
}


def _signer(secret: str | bytes) -> Signer:
    return Signer(secret, salt=SALT)


def issue_token(secret: str | bytes, form_name: str, now: float) -> str:
    """A signed "this form was opened at `now`" for the hidden start field."""
    return _signer(secret).sign(f"{form_name}:{int(now)}".encode()).decode()


def token_started(secret: str | bytes, form_name: str, token: str | None) -> int | None:
    """The start time (epoch seconds) in a valid token for this form, else None."""
    if not token or len(token) > 200:
        return None
    try:
        payload = _signer(secret).unsign(token.encode()).decode()
    except (BadSignature, UnicodeDecodeError):
        return None
    name, _, started = payload.rpartition(":")
    if name != form_name or not started.isdigit():
        return None
    return int(started)


def _first(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "") if data is not None else ""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value or "")


def post_verdict(data: Mapping[str, Any], form_name: str, secret: str | bytes, now: float,
                 min_seconds: float) -> str | None:
    """HONEYPOT or TOO_FAST when the post itself gives a robot away, else None."""
    if _first(data, HONEYPOT_FIELD).strip():
        return HONEYPOT
    started = token_started(secret, form_name, _first(data, TOKEN_FIELD))
    if started is not None and now - started < min_seconds:
        return TOO_FAST
    return None


def address_key(secret: str | bytes, address: str | None) -> str:
    """A keyed hash of the client's address: the address itself is never stored."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, (address or "unknown").encode(), hashlib.sha256).hexdigest()[:32]


def over_rate_limit(store, key: str, now: float, limit: int, window: float) -> bool:
    """Record one post from `key` unless it already made `limit` posts within `window`.

    Also forgets every address with no post inside the window (privacy, size).
    """
    cutoff = now - window
    with store.counters.update(RATE_TABLE) as addresses:
        _forget(addresses, cutoff)
        recent = [t for t in addresses.get(key, []) if t > cutoff]
        if len(recent) >= limit:
            return True
        addresses[key] = recent + [now]
        return False


def _forget(addresses: dict, cutoff: float) -> int:
    old = [key for key, times in addresses.items() if all(t <= cutoff for t in times)]
    for key in old:
        del addresses[key]
    return len(old)


def forget_old_addresses(store, now: float, window: float) -> int:
    """Remove every address with no post inside the window; `send-mail` runs it too."""
    with store.counters.update(RATE_TABLE) as addresses:
        return _forget(addresses, now - window)


def count_rejected(store, form_name: str, reason: str, day: dt.date) -> None:
    with store.counters.update(COUNT_TABLE) as counts:
        key = f"{day.isoformat()}|{form_name}|{reason}"
        counts[key] = counts.get(key, 0) + 1


def rejected_counts(store, since: dt.date | None = None) -> dict[str, int]:
    """Refused posts per reason, since a day (inclusive), for the coordinator."""
    totals: dict[str, int] = {}
    for key, count in store.counters.read(COUNT_TABLE).items():
        day, _, reason = key.split("|", 2)
        if since is None or day >= since.isoformat():
            totals[reason] = totals.get(reason, 0) + int(count)
    return totals


def rejected_summary(store, today: dt.date, days: int = 30) -> dict | None:
    """Refused posts over the last `days` days (today included), most frequent reason first;
    None when there were none, so the inbox stays quiet."""
    counts = rejected_counts(store, since=today - dt.timedelta(days=days - 1))
    total = sum(counts.values())
    if not total:
        return None
    order = list(REASON_LABELS)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0]) if item[0] in order else len(order)))
    return {"days": days, "total": total,
            "reasons": [{"label": REASON_LABELS.get(reason, reason), "count": count} for reason, count in ranked]}
