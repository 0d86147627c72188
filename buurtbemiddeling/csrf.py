"""CSRF protection of every form post in the admin and the portals: a random value kept in the
session, handed to pages signed (`csrf_token()` in templates, the `X-CSRFToken` header htmx
sends) and checked on every POST, PUT, PATCH and DELETE.

The tokens are those Flask-WTF made before (same session key, salt and signature), so a form
opened before an update still posts. Flask-WTF itself is not used: importing it brings WTForms
and reCAPTCHA along, which cost every CGI request more than the rest of the check.
The settings keep Flask-WTF's names: `WTF_CSRF_ENABLED` (tests turn it off) and
`WTF_CSRF_TIME_LIMIT` (seconds a token is valid; None: as long as the session).
"""
from __future__ import annotations

import hashlib
import hmac
import os
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, g, request, session
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup, escape
from werkzeug.exceptions import BadRequest

FIELD = "csrf_token"  # the form field, the session key and the template global
HEADERS = ("X-CSRFToken", "X-CSRF-Token")
SALT = "wtf-csrf-token"
CHECKED = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_exempt: set[str] = set()  # names of blueprints whose posts carry no session token


class CSRFError(BadRequest):
    """The post's token is missing, invalid, expired or from another session (400)."""

    description = "CSRF validation failed."


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def token() -> str:
    """The signed token for this session (made on first use), the same throughout a request."""
    if FIELD not in g:
        if not isinstance(session.get(FIELD), str):
            session[FIELD] = hashlib.sha1(os.urandom(64)).hexdigest()
        setattr(g, FIELD, _serializer().dumps(session[FIELD]))
    return g.get(FIELD)


MARK = "<!--csrf-token-->"  # where kept HTML had a visit's token: no escaped text holds a "<"


def kept_without_token(html: str) -> str:
    """Rendered HTML to keep for other visits: the token this request put in it (if any) marked.
    Asks `g` rather than `token()`, so HTML without a form starts no session token."""
    made = g.get(FIELD)
    return html.replace(str(escape(made)), MARK) if made else html


def with_token(kept: str) -> Markup:
    """Kept HTML with this visit's token where it had one (making it, as the template would have)."""
    return Markup(kept.replace(MARK, str(escape(token()))) if MARK in kept else kept)


def check(signed: str | None) -> None:
    """Raise CSRFError unless `signed` is this session's token, within the time limit."""
    if not signed:
        raise CSRFError("The CSRF token is missing.")
    if FIELD not in session:
        raise CSRFError("The CSRF session token is missing.")
    try:
        value = _serializer().loads(signed, max_age=current_app.config["WTF_CSRF_TIME_LIMIT"])
    except SignatureExpired:
        raise CSRFError("The CSRF token has expired.") from None
    except BadData:
        raise CSRFError("The CSRF token is invalid.") from None
    if not isinstance(value, str) or not hmac.compare_digest(session[FIELD], value):
        raise CSRFError("The CSRF tokens do not match.")


def _same_origin(url: str, other: str) -> bool:
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def protect() -> None:
    """Before every request: a post to a route (not to an exempt blueprint) needs the token; over
    https it must also come from a page of this host (the Referer), as a browser's post does."""
    if (not current_app.config["WTF_CSRF_ENABLED"] or request.method not in CHECKED
            or not request.endpoint or request.blueprint in _exempt):
        return
    check(request.form.get(FIELD) or next(filter(None, map(request.headers.get, HEADERS)), None))
    if request.is_secure:
        if not request.referrer:
            raise CSRFError("The referrer header is missing.")
        if not _same_origin(request.referrer, f"https://{request.host}/"):
            raise CSRFError("The referrer does not match the host.")


def exempt(blueprint: Blueprint) -> None:
    """Posts to this blueprint need no token (for pages without a session: the public forms)."""
    _exempt.add(blueprint.name)


def init_app(app: Flask) -> None:
    app.before_request(protect)
    app.add_template_global(token, FIELD)
