"""Mail goes out right after the response, without cron.

After any response, when the outbox holds a mail that is due, the app sends it:
- in a long-lived process (Passenger, gunicorn, the development server) a background
  thread sends after the response has gone, at most one thread per process;
- under CGI (`wsgi.run_once`: the process ends with the request) a short attempt after
  the response has been written: at most CGI_BATCH mails, each answer of the server
  awaited at most CGI_TIMEOUT seconds. What is left goes with a later request or with
  `send-mail` in cron.
Either way no visitor waits on the mail server. Claims under the store's lock
(mail.deliver_pending) keep several processes from sending one mail twice.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, request

from .. import mail
from ..store import get_store

CGI_BATCH = 3
CGI_TIMEOUT = 0.8  # seconds; under a second in all

log = logging.getLogger(__name__)
_sender: threading.Thread | None = None
_start_lock = threading.Lock()


def _send(app: Flask, *, timeout: float | None = None, limit: int | None = None) -> None:
    try:
        with app.app_context():
            mail.deliver_pending(get_store(), app.config, timeout=timeout, limit=limit)
    except Exception:  # a sender must never take the process down; the mail stays queued
        log.exception("sending queued mail failed")


def _in_background(app: Flask) -> None:
    global _sender
    with _start_lock:
        if _sender is not None and _sender.is_alive():
            return  # this process sends already; what it misses goes next time
        _sender = threading.Thread(target=_send, args=(app,), name="outbox-sender", daemon=True)
        _sender.start()


def wait_idle(seconds: float = 10) -> None:
    """Wait for this process's sender to finish (tests, and a command that wants the result)."""
    sender = _sender
    if sender is not None:
        sender.join(seconds)


def init_app(app: Flask) -> None:
    @app.after_request
    def send_after_response(response):
        if not mail.enabled(app.config) or not mail.has_due(get_store().read()):
            return response
        real_app = current_app._get_current_object()
        if request.environ.get("wsgi.run_once"):
            response.call_on_close(lambda: _send(real_app, timeout=CGI_TIMEOUT, limit=CGI_BATCH))
        else:
            response.call_on_close(lambda: _in_background(real_app))
        return response
