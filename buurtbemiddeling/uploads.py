"""Uploaded documents (signed agreements, certificates, receipts), for every area.

Files live in `UPLOAD_DIR` (default `<instance>/data/uploads`, included in backups), outside the web root, under a
random name, and are only ever sent back as a download (never rendered inline, so a
crafted file cannot run in our origin). The type is judged by the file's first bytes,
not by its name or the browser's claim.

    uploads.allow_large_bodies(bp, {"area.upload_view"})  # once, at import
    meta = uploads.save(request.files["document"])      # raises UploadError (Dutch message)
    doc["document"] = meta                              # {"stored", "name", "type", "size"}
    return uploads.send(meta)                           # the view checks who may download
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Callable

from flask import Blueprint, abort, current_app, request, send_file

from .filetypes import download_name, sniff

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_STORED = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg)$")
ALLOWED_TEXT = "pdf, png of jpg"
BODY_OVERHEAD = 64 * 1024  # multipart boundaries and the form's other fields
# endpoint -> the largest file (or pasted text) it takes, in bytes; every upload route is listed here.
LIMITS: dict[str, Callable[[], int]] = {}


class UploadError(ValueError):
    """The file cannot be accepted; the message is Dutch and meant for the user."""




def upload_dir() -> Path:
    configured = current_app.config.get("UPLOAD_DIR")
    # Beside the tables by default, so backups include the files.
    return Path(configured) if configured else Path(current_app.config["DATA_DIR"]) / "uploads"


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def allow_large_bodies(bp: Blueprint, endpoints: set[str], limit: Callable[[], int] | None = None) -> None:
    """Raise the app-wide body limit (meant for small forms) for a blueprint's upload views.

    It must happen before CSRF protection parses the form in the app's before_request,
    and URL value preprocessors run before any before_request function. A pasted text (an
    import) is a form field, so the limit on form fields held in memory is raised as well.
    """
    for endpoint in endpoints:
        LIMITS[endpoint] = limit or max_bytes

    @bp.url_value_preprocessor
    def _raise_limit(endpoint, values):
        if endpoint in endpoints:
            body = LIMITS[endpoint]() + BODY_OVERHEAD
            request.max_content_length = body
            request.max_form_memory_size = body


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size % (1024 * 1024) == 0 else f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def too_large_message() -> str:
    """Dutch words for a body over its limit (the 413 the server answers before a view runs)."""
    limit = LIMITS.get(request.endpoint or "")
    largest = f" Het mag hoogstens {megabytes(limit())} zijn." if limit else ""
    return f"Het bestand is te groot.{largest} Er is niets bewaard; kies een kleiner bestand."


def save(file_storage, *, required: bool = True) -> dict[str, Any] | None:
    """Check and store one uploaded file; None when none was chosen and it is optional."""
    if file_storage is None or not file_storage.filename:
        if required:
            raise UploadError("Kies een bestand.")
        return None
    limit = max_bytes()
    data = file_storage.stream.read(limit + 1)
    if not data:
        raise UploadError("Het bestand is leeg.")
    if len(data) > limit:
        raise UploadError(f"Het bestand is te groot. Het mag hoogstens {megabytes(limit)} zijn.")
    kind = sniff(data[:16])
    if kind is None:
        raise UploadError(f"Dit soort bestand kan niet. Kies een {ALLOWED_TEXT}-bestand.")
    mime, ext = kind
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{ext}"
    fd = os.open(folder / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return {"stored": stored, "name": download_name(file_storage.filename, ext), "type": mime, "size": len(data)}


def send(meta: dict[str, Any] | None):
    """Send a stored file as an attachment; 404 when it is missing."""
    if not meta or not _STORED.match(str(meta.get("stored") or "")):
        abort(404)
    path = upload_dir() / meta["stored"]
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=meta.get("type") or "application/octet-stream", as_attachment=True,
                         download_name=meta.get("name") or meta["stored"], max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def delete(meta: dict[str, Any] | None) -> None:
    if meta and _STORED.match(str(meta.get("stored") or "")):
        (upload_dir() / meta["stored"]).unlink(missing_ok=True)
