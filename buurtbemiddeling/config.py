"""Configuration: defaults, then instance/config.toml, then FLASK_* environment variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Callable

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "ORGANISATION": "Buurtbemiddeling Lindenhoven",
    "PUBLIC_DIR": str(ROOT / "public"),
    "SERVE_PUBLIC": True,  # development: one process shows the whole system
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "MAX_CONTENT_LENGTH": 64 * 1024,  # public forms are small; uploads get their own limit
    "WTF_CSRF_ENABLED": True,  # every form post carries the session's token (csrf.py)
    "WTF_CSRF_TIME_LIMIT": None,  # the session lifetime already bounds the token
    # Login security (auth/): throttling, session timeouts, invitation links.
    "LOGIN_THROTTLE_ENABLED": True,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_THROTTLE_WINDOW": 15 * 60,
    "SESSION_IDLE_TIMEOUT": 60 * 60,  # long enough to write a protocol text without losing it
    "SESSION_ABSOLUTE_TIMEOUT": 8 * 3600,
    "INVITATION_MAX_AGE_HOURS": 72,
    # Proxies in front of the app to trust for X-Forwarded-For/-Proto (0: none). Only set it behind
    # one: without a proxy anyone could fake an address and slip past the per-address limits.
    "PROXY_FIX_X_FOR": 0,
    # The first-run page asks for the one-time code in <instance>/setup-code (auth/setup_code.py).
    "SETUP_CODE_REQUIRED": True,
    # PDFs are rendered in a short-lived process of their own, so a worker never keeps WeasyPrint (pdf.py).
    "PDF_SEPARATE_PROCESS": True,
}


def _toml(handle) -> dict:
    import tomllib  # only when the instance has a config.toml: each CGI process pays for an import

    return tomllib.load(handle)


def load(app: Flask, overrides: dict[str, Any]) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config["DATA_DIR"] = str(Path(app.instance_path) / "data")
    # Beside the data folder, not in it: a leaked data file or backup does not reveal 2FA secrets.
    app.config["TOTP_KEY_FILE"] = str(Path(app.instance_path) / "totp_key")
    app.config.from_file("config.toml", load=_toml, text=False, silent=True)
    app.config.from_prefixed_env()
    app.config.update(overrides)
    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):  # FLASK_TRUSTED_HOSTS="a.example,b.example" as well as a TOML list
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()] or None
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path) / "secret_key",
                                                   lambda: secrets.token_hex(32))


def instance_secret(path: Path, make: Callable[[], str]) -> str:
    """Generate a secret file once, readable only by the owner."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()
