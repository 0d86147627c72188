"""Outgoing e-mail through an outbox: store first, send second, retry what failed.

A mail is queued in table `outbox` inside the same transaction as the record it is
about, so a failing mail server can never lose a submission. Right after the response
the app sends what is due (messages/dispatch.py); `flask --app app send-mail` in cron
is the safety net. What fails stays queued with the server's answer and is retried
with growing pauses (BACKOFF_MINUTES); a refusal for good (a 5xx answer) waits for the
coordinator's "Opnieuw proberen". A sender claims mails under the store's lock first,
so no mail goes out twice, even from several processes. After sending, the body is
erased (it may hold personal details) and the entry is removed after PURGE_AFTER_DAYS.

Settings (instance/config.toml or FLASK_* env), read only through `settings()`:
    MAIL_SERVER       host; empty = queue only, nothing is sent
    MAIL_PORT         25 (587 with MAIL_USE_TLS, 465 with MAIL_USE_SSL)
    MAIL_USE_TLS      STARTTLS after connecting
    MAIL_USE_SSL      TLS from the start
    MAIL_USERNAME / MAIL_PASSWORD
    MAIL_FROM         sender address, e.g. "Buurtbemiddeling <info@...>"
    MAIL_COORDINATOR  where notifications of new submissions go
    MAIL_TIMEOUT      seconds to wait for the server (default 10)
    BASE_URL          the admin's address for links in mails (default: `url` in site.toml)
The functions take the config as a mapping; only init_app (the command) needs Flask.
"""
from __future__ import annotations

import datetime as dt
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from common import clock, retention_periods
from common import tables

if TYPE_CHECKING:
    import smtplib  # imported where mail is sent: most requests (and every CGI process) send none

TABLE = tables.OUTBOX
PURGE_AFTER_DAYS = retention_periods.MAIL_DAYS
CLAIM_SECONDS = 300  # another sender leaves a mail alone this long after claiming it
BACKOFF_MINUTES = (1, 5, 15, 60, 240)  # pause after the 1st, 2nd, ... failure; then the last again
LATE_MINUTES = 15  # Vandaag warns about a mail waiting longer than this

STATES = {"wacht": "Wacht", "verstuurd": "Verstuurd", "mislukt": "Mislukt", "geannuleerd": "Geannuleerd"}


@dataclass(frozen=True)
class Mail:
    """An e-mail to queue or send."""

    to: str
    subject: str
    body: str
    kind: str = ""          # e.g. "confirmation", "notification"
    reply_to: str | None = None


@dataclass(frozen=True)
class Settings:
    """The mail configuration as the coordinator may see it: never the password itself."""
    server: str
    port: int
    security: str  # "starttls", "ssl" or "geen"
    sender: str
    username: str
    password_set: bool
    coordinator: str
    timeout: float


def settings(config: Mapping[str, Any]) -> Settings:
    """The one place that reads the MAIL_* settings."""
    ssl_on, tls_on = bool(config.get("MAIL_USE_SSL")), bool(config.get("MAIL_USE_TLS"))
    return Settings(
        server=str(config.get("MAIL_SERVER") or ""),
        port=int(config.get("MAIL_PORT") or (465 if ssl_on else 587 if tls_on else 25)),
        security="ssl" if ssl_on else "starttls" if tls_on else "geen",
        sender=str(config.get("MAIL_FROM") or "buurtbemiddeling@localhost"),
        username=str(config.get("MAIL_USERNAME") or ""),
        password_set=bool(config.get("MAIL_PASSWORD")),
        coordinator=str(config.get("MAIL_COORDINATOR") or ""),
        timeout=float(config.get("MAIL_TIMEOUT") or 10),
    )


def base_url(config: Mapping[str, Any], site_url: str) -> str:
    """Where links in mails point: BASE_URL, else the site's own address; never a request's Host."""
    return str(config.get("BASE_URL") or site_url).rstrip("/")


def _now() -> dt.datetime:
    return clock.now()


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def queue(tx, mails: Iterable[Mail], *, record: str | None = None, now: dt.datetime | None = None) -> list[int]:
    """Add mails to the outbox inside an open transaction; returns their ids."""
    now = now or _now()
    ids = []
    for mail in mails:
        ids.append(tx.table(TABLE).insert({
            "to": mail.to, "subject": mail.subject, "body": mail.body, "kind": mail.kind,
            "reply_to": mail.reply_to, "record": record,
            "message_id": make_msgid(domain="buurtbemiddeling.local"),  # one id across retries
            "date": format_datetime(now),
            "created_at": _iso(now), "sent_at": None, "attempts": 0, "last_error": None,
            "claimed_at": None, "next_attempt_at": None, "permanent": False, "cancelled_at": None,
        }))
    return ids


def enabled(config: Mapping[str, Any]) -> bool:
    return bool(config.get("MAIL_SERVER"))


# -- looking ----------------------------------------------------------------------------

def state(doc: Mapping[str, Any]) -> str:
    if doc.get("sent_at"):
        return "verstuurd"
    if doc.get("cancelled_at"):
        return "geannuleerd"
    return "mislukt" if doc.get("last_error") else "wacht"


def _claimable(doc: Mapping[str, Any], now: dt.datetime) -> bool:
    """Not sent, not cancelled, and not being sent by another sender right now."""
    if doc.get("sent_at") or doc.get("cancelled_at"):
        return False
    return not doc.get("claimed_at") or doc["claimed_at"] <= _iso(now - dt.timedelta(seconds=CLAIM_SECONDS))


def is_due(doc: Mapping[str, Any], now: dt.datetime) -> bool:
    """Whether an automatic sender should try this mail now (a refusal for good waits for a person)."""
    return (_claimable(doc, now) and not doc.get("permanent")
            and (not doc.get("next_attempt_at") or doc["next_attempt_at"] <= _iso(now)))


def next_due(view) -> str | None:
    """The earliest moment (ISO, UTC) at which some mail becomes due; kept per outbox version."""
    def build(v) -> str | None:
        moments = []
        for doc in v.table(TABLE).all():
            if doc.get("sent_at") or doc.get("cancelled_at") or doc.get("permanent"):
                continue
            claim_ends = ""
            if doc.get("claimed_at"):
                claim_ends = _iso(dt.datetime.fromisoformat(doc["claimed_at"]) + dt.timedelta(seconds=CLAIM_SECONDS))
            moments.append(max(doc.get("next_attempt_at") or "", claim_ends))
        return min(moments) if moments else None
    return view.derived("mail.next_due", build)


def has_due(view, now: dt.datetime | None = None) -> bool:
    due = next_due(view)
    return due is not None and due <= _iso(now or _now())


def mask(address: str) -> str:
    """a***@voorbeeld.nl: enough to recognise a recipient, not to read the address off a screen."""
    name, _, domain = parseaddr(address or "")[1].partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


def outbox(view, limit: int = 100) -> list:
    """The newest mails first."""
    return sorted(view.table(TABLE).all(), key=lambda d: (d.get("created_at") or "", d.doc_id), reverse=True)[:limit]


def attention(view, now: dt.datetime | None = None) -> dict[str, int]:
    """For Vandaag: mails waiting longer than LATE_MINUTES, and mails that failed."""
    late = _iso((now or _now()) - dt.timedelta(minutes=LATE_MINUTES))
    # The mails not sent nor cancelled (when made, failed or not), kept per version of the outbox:
    # Vandaag asks on every request, the outbox holds a month of sent mail.
    waiting = view.derived("mail.waiting", lambda v: [
        (d.get("created_at") or "", state(d) == "mislukt") for d in v.table(TABLE).all() if state(d) in ("wacht", "mislukt")])
    return {"late": sum(1 for created, _ in waiting if created < late),
            "failed": sum(1 for _, failed in waiting if failed),
            "waiting": len(waiting)}


def pending(view) -> list:
    return [d for d in view.table(TABLE).all() if not d.get("sent_at") and not d.get("cancelled_at")]


def is_address(text: str | None) -> bool:
    return bool(text) and "@" in parseaddr(text or "")[1]


# -- the coordinator's actions -----------------------------------------------------------

def retry(tx, mail_id: int) -> bool:
    """Make a failed or waiting mail due now; False when it was sent already, or cancelled (its
    text is gone)."""
    doc = tx.table(TABLE).get(doc_id=mail_id)
    if doc is None or doc.get("sent_at") or doc.get("cancelled_at"):
        return False
    tx.table(TABLE).update({"next_attempt_at": None, "permanent": False, "claimed_at": None}, doc_ids=[mail_id])
    return True


def cancel(tx, mail_id: int, now: dt.datetime | None = None) -> bool:
    """Stop an unsent mail for good and erase its body; False when it was sent already (or is being sent)."""
    doc = tx.table(TABLE).get(doc_id=mail_id)
    if doc is None or not _claimable(doc, now or _now()):
        return False
    tx.table(TABLE).update({"cancelled_at": _iso(now or _now()), "body": ""}, doc_ids=[mail_id])
    return True


# -- sending ----------------------------------------------------------------------------

def build_message(doc: Mapping[str, Any], config: Mapping[str, Any]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings(config).sender
    message["To"] = doc["to"]
    message["Subject"] = doc["subject"]
    message["Date"] = doc["date"]
    message["Message-ID"] = doc["message_id"]
    if doc.get("reply_to"):
        message["Reply-To"] = doc["reply_to"]
    message.set_content(doc["body"])
    return message


def _connect(config: Mapping[str, Any], timeout: float | None = None) -> smtplib.SMTP:
    import smtplib

    found = settings(config)
    timeout = min(found.timeout, timeout) if timeout else found.timeout
    if found.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(found.server, found.port, timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(found.server, found.port, timeout=timeout)
        if found.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if found.username:
        smtp.login(found.username, config.get("MAIL_PASSWORD") or "")
    return smtp


def _claim(store, ids: Iterable[int] | None, now: dt.datetime, limit: int | None = None) -> list[dict]:
    """Mark mails as being sent by us, under the store's lock, so two senders never send one twice.

    Without `ids`: the mails that are due. With `ids`: those, unless sent, cancelled or claimed."""
    wanted = set(ids) if ids is not None else None
    with store.transaction() as tx:
        table = tx.table(TABLE)
        if wanted is None:
            docs = [d for d in table.all() if is_due(d, now)]
        else:
            docs = [d for d in table.all() if d.doc_id in wanted and _claimable(d, now)]
        docs = docs[:limit] if limit else docs
        if docs:
            table.update({"claimed_at": _iso(now)}, doc_ids=[d.doc_id for d in docs])
        return [dict(d, doc_id=d.doc_id) for d in docs]


def deliver_pending(store, config: Mapping[str, Any], ids: Iterable[int] | None = None,
                    now: dt.datetime | None = None, *, timeout: float | None = None,
                    limit: int | None = None) -> tuple[int, int]:
    """Send what is due (or only `ids`, due or not). Returns (sent, failed).

    One connection for the batch; a failure is recorded on the mail, never raised.
    `timeout` caps the wait on each answer of the server, `limit` the number of mails."""
    import smtplib

    if not enabled(config):
        return 0, 0
    now = now or _now()
    docs = _claim(store, ids, now, limit)
    if not docs:
        return 0, 0
    results: dict[int, tuple[str, bool] | None] = {}
    try:
        smtp = _connect(config, timeout)
    except (OSError, smtplib.SMTPException) as exc:
        results = {d["doc_id"]: _describe(exc) for d in docs}
    else:
        try:
            for doc in docs:
                try:
                    smtp.send_message(build_message(doc, config))
                    results[doc["doc_id"]] = None
                except (OSError, smtplib.SMTPException) as exc:
                    results[doc["doc_id"]] = _describe(exc)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    _record(store, docs, results, now)
    sent = sum(1 for error in results.values() if error is None)
    return sent, len(results) - sent


def _describe(exc: BaseException) -> tuple[str, bool]:
    """The server's answer in a line, and whether it refused for good (a 5xx reply)."""
    import smtplib

    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, message = next(iter(exc.recipients.values()))
        text = f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
    elif code:
        message = getattr(exc, "smtp_error", b"")
        text = f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
    elif isinstance(exc, (TimeoutError, smtplib.SMTPServerDisconnected)) or "timed out" in str(exc):
        text = f"Geen antwoord van de mailserver ({type(exc).__name__}: {exc})"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:300], bool(code) and 500 <= int(code) < 600


def _record(store, docs: list[dict], results: Mapping[int, tuple[str, bool] | None], now: dt.datetime) -> None:
    with store.transaction() as tx:
        table = tx.table(TABLE)
        for doc in docs:
            error = results[doc["doc_id"]]
            attempts = doc.get("attempts", 0) + 1
            change: dict[str, Any] = {"attempts": attempts, "claimed_at": None}
            if error is None:
                change.update(sent_at=_iso(now), body="", last_error=None)  # the body may hold personal details
            else:
                pause = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
                change.update(last_error=error[0], permanent=error[1],
                              next_attempt_at=_iso(now + dt.timedelta(minutes=pause)))
            table.update(change, doc_ids=[doc["doc_id"]])


def purge_sent(store, now: dt.datetime | None = None, days: int = PURGE_AFTER_DAYS) -> int:
    """Remove sent and cancelled mails older than `days`; returns how many. A mail still unsent
    after `days` expires like a cancelled one: its text (personal data, and news too late to be
    of use) is erased now and the record goes `days` later."""
    now = now or _now()
    cutoff = _iso(now - dt.timedelta(days=days))
    with store.transaction() as tx:
        table = tx.table(TABLE)
        old = [d.doc_id for d in table.all()
               if (d.get("sent_at") or d.get("cancelled_at") or "9999") < cutoff]
        if old:
            table.remove(doc_ids=old)
        stale = [d.doc_id for d in table.all() if _claimable(d, now) and (d.get("created_at") or "9999") < cutoff]
        if stale:
            table.update({"cancelled_at": _iso(now), "body": "", "expired": True}, doc_ids=stale)
        return len(old)


# -- the command ------------------------------------------------------------------

def init_app(app) -> None:
    import click
    from flask import current_app
    from flask.cli import with_appcontext

    from .store import get_store

    @click.command("send-mail")
    @with_appcontext
    def send_mail_command() -> None:
        """Verstuur e-mail die nog in de wachtrij staat (bijvoorbeeld elke 10 minuten via cron)."""
        store = get_store()
        sent, failed = deliver_pending(store, current_app.config)
        purged = purge_sent(store)
        # Housekeeping that needs a regular run too: forget the spam guard's address hashes.
        from . import spam
        spam.forget_old_addresses(store, time.time(), current_app.config.get("FORM_RATE_WINDOW", 3600))
        if not enabled(current_app.config):
            return  # quietly: cron mails every line; Instellingen > E-mail and Vandaag say what waits
        click.echo(f"Verstuurd: {sent}. Mislukt: {failed}. Opgeruimd: {purged}.")
        if failed:
            errors = {d.get("last_error") for d in pending(store.read()) if d.get("last_error")}
            click.echo("Laatste fout: " + "; ".join(sorted(errors)), err=True)
            raise SystemExit(1)

    app.cli.add_command(send_mail_command)
