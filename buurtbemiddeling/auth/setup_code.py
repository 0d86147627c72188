"""The one-time code that guards the first-run page on a live install.

Until the coordinator account exists, anyone who finds /beheer/eerste-keer could claim the
system. So the page asks for a code that only the installer can read: it is written to
`setup-code` in the instance folder (owner-only) and shown by `flask --app app doctor`.
`make run` switches it off (SETUP_CODE_REQUIRED = false): there the first visitor is the developer.
"""
from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

FILE_NAME = "setup-code"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def path(instance: str | os.PathLike) -> Path:
    return Path(instance) / FILE_NAME


def ensure(instance: str | os.PathLike) -> str:
    """The code, made once (readable by the owner only) and kept until the account exists."""
    file = path(instance)
    if not file.exists():
        code = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
        try:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another request made it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(code + "\n")
    return file.read_text().strip()


def matches(instance: str | os.PathLike, typed: str) -> bool:
    wanted = ensure(instance)
    given = "".join(ch for ch in typed.upper() if ch.isalnum())
    return hmac.compare_digest(given.encode(), wanted.replace("-", "").encode())


def used(instance: str | os.PathLike) -> None:
    path(instance).unlink(missing_ok=True)
