"""Documents on a case's timeline: files kept beside the data, never in a table. No Flask."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO

from ..filetypes import download_name, sniff

MAX_BYTES = 10 * 1024 * 1024


class DocumentError(ValueError):
    pass


def folder(data_dir: str | Path, case_id: int) -> Path:
    return Path(data_dir) / "documents" / str(int(case_id))


def save(data_dir: str | Path, case_id: int, filename: str, stream: BinaryIO) -> dict:
    """Store an upload under a random name with the extension of its detected type; returns the
    timeline fields that find it again."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DocumentError("Het bestand is groter dan 10 MB.")
    if not data:
        raise DocumentError("Het bestand is leeg.")
    # Judged by content, not by name: a renamed script must never be stored as a "pdf".
    kind = sniff(data[:16])
    if kind is None:
        raise DocumentError("Dit soort bestand kan niet worden bewaard. Gebruik pdf, jpg of png "
                            "(sla een Word-document eerst op als pdf).")
    content_type, extension = kind
    target = folder(data_dir, case_id)
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{extension}"
    with os.fdopen(os.open(target / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(data)
    return {"filename": download_name(filename, extension), "stored_as": stored, "content_type": content_type,
            "size": len(data)}


def path_of(data_dir: str | Path, case_id: int, stored_as: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored_as or ""):
        raise DocumentError("Onbekend document.")
    return folder(data_dir, case_id) / stored_as
