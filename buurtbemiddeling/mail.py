"""Outgoing e-mail through an outbox: store first, send second, retry what failed.

A mail is queued in table `outbox` inside the same transaction as the record it is
about, so a failing mail server can never lose a submission. `deliver_pending`
then tries to send; what fails stays queued with its error, and
`flask --app app send-mail` (e.g. from cron every 10 minutes) retries it. After
sending, the body is erased (it may hold personal details) and the entry itself
is removed after PURGE_AFTER_DAYS.

Settings (instance/config.toml or FLASK_* env):
    MAIL_SERVER       host; empty = queue only, nothing is sent
    MAIL_PORT         25 (587 with MAIL_USE_TLS, 465 with MAIL_USE_SSL)
    MAIL_USE_TLS      STARTTLS after connecting
    MAIL_USE_SSL      TLS from the start
    MAIL_USERNAME / MAIL_PASSWORD
    MAIL_FROM         sender address, e.g. "Buurtbemiddeling <info@...>"
    MAIL_COORDINATOR  where notifications of new submissions go
    MAIL_TIMEOUT      seconds to wait for the server (default 10)
The functions take the config as a mapping; only init_app (the command) needs Flask.
"""
from __future__ import annotations

import datetime as dt
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any, Iterable, Mapping

TABLE = "outbox"
PURGE_AFTER_DAYS = 30
CLAIM_SECONDS = 300  # another sender leaves a mail alone this long after claiming it


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    kind: str = ""          # e.g. "confirmation", "notification"
    reply_to: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


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
            "claimed_at": None,
        }))
    return ids


def enabled(config: Mapping[str, Any]) -> bool:
    return bool(config.get("MAIL_SERVER"))


def build_message(doc: Mapping[str, Any], config: Mapping[str, Any]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or "buurtbemiddeling@localhost"
    message["To"] = doc["to"]
    message["Subject"] = doc["subject"]
    message["Date"] = doc["date"]
    message["Message-ID"] = doc["message_id"]
    if doc.get("reply_to"):
        message["Reply-To"] = doc["reply_to"]
    message.set_content(doc["body"])
    return message


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    host = config["MAIL_SERVER"]
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, int(config.get("MAIL_PORT") or 465), timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, int(config.get("MAIL_PORT") or 25), timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def _claim(store, ids: Iterable[int] | None, now: dt.datetime) -> list[dict]:
    """Mark unsent mails as being sent by us, so two senders never send one twice."""
    stale = _iso(now - dt.timedelta(seconds=CLAIM_SECONDS))
    wanted = set(ids) if ids is not None else None
    with store.transaction() as tx:
        table = tx.table(TABLE)
        docs = [d for d in table.all()
                if not d.get("sent_at") and (wanted is None or d.doc_id in wanted)
                and (not d.get("claimed_at") or d["claimed_at"] < stale)]
        if docs:
            table.update({"claimed_at": _iso(now)}, doc_ids=[d.doc_id for d in docs])
        return [dict(d, doc_id=d.doc_id) for d in docs]


def deliver_pending(store, config: Mapping[str, Any], ids: Iterable[int] | None = None,
                    now: dt.datetime | None = None) -> tuple[int, int]:
    """Try to send unsent mails (only `ids` if given). Returns (sent, failed).

    One connection for the batch; a failure is recorded on the mail, never raised.
    """
    if not enabled(config):
        return 0, 0
    now = now or _now()
    docs = _claim(store, ids, now)
    if not docs:
        return 0, 0
    results: dict[int, str | None] = {}
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        results = {d["doc_id"]: _describe(exc) for d in docs}
    else:
        with smtp:
            for doc in docs:
                try:
                    smtp.send_message(build_message(doc, config))
                    results[doc["doc_id"]] = None
                except (OSError, smtplib.SMTPException) as exc:
                    results[doc["doc_id"]] = _describe(exc)
    _record(store, docs, results, now)
    sent = sum(1 for error in results.values() if error is None)
    return sent, len(results) - sent


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _record(store, docs: list[dict], results: Mapping[int, str | None], now: dt.datetime) -> None:
    with store.transaction() as tx:
        table = tx.table(TABLE)
        for doc in docs:
            error = results[doc["doc_id"]]
            change: dict[str, Any] = {"attempts": doc.get("attempts", 0) + 1, "claimed_at": None,
                                      "last_error": error}
            if error is None:
                change.update(sent_at=_iso(now), body="")  # the body may hold personal details
            table.update(change, doc_ids=[doc["doc_id"]])


def purge_sent(store, now: dt.datetime | None = None, days: int = PURGE_AFTER_DAYS) -> int:
    """Remove sent mails older than `days`; returns how many."""
    cutoff = _iso((now or _now()) - dt.timedelta(days=days))
    with store.transaction() as tx:
        table = tx.table(TABLE)
        old = [d.doc_id for d in table.all() if d.get("sent_at") and d["sent_at"] < cutoff]
        if old:
            table.remove(doc_ids=old)
        return len(old)


def pending(view) -> list:
    return [d for d in view.table(TABLE).all() if not d.get("sent_at")]


def is_address(text: str | None) -> bool:
    return bool(text) and "@" in parseaddr(text or "")[1]


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
        if not enabled(current_app.config):
            waiting = len(pending(store.read()))
            raise click.ClickException(f"Er is geen mailserver ingesteld (MAIL_SERVER). "
                                       f"{waiting} e-mail(s) wachten.")
        sent, failed = deliver_pending(store, current_app.config)
        purged = purge_sent(store)
        # Housekeeping that needs a regular run too: forget the spam guard's address hashes.
        from . import spam
        spam.forget_old_addresses(store, time.time(), current_app.config.get("FORM_RATE_WINDOW", 3600))
        click.echo(f"Verstuurd: {sent}. Mislukt: {failed}. Opgeruimd: {purged}.")
        if failed:
            errors = {d.get("last_error") for d in pending(store.read()) if d.get("last_error")}
            click.echo("Laatste fout: " + "; ".join(sorted(errors)), err=True)
            raise SystemExit(1)

    app.cli.add_command(send_mail_command)
