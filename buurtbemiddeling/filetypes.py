"""What kind of file an upload really is, judged by its first bytes, and the name it is
handed out under. No Flask."""
from __future__ import annotations

import os
import re

# Magic bytes -> (mime type, extension). Only PDF and common images are ever accepted.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, mime, ext in SIGNATURES:
        if head.startswith(magic):
            return mime, ext
    return None


def download_name(filename: str | None, extension: str) -> str:
    """The uploaded name for the download, without path parts or odd characters, ending in the
    extension of the detected type: a `shell.php` that is a PDF is handed out as `shell.pdf`."""
    base = re.sub(r"[^\w.\- ]+", "", os.path.basename((filename or "").replace("\\", "/"))).strip(" .")
    stem = base.rsplit(".", 1)[0][:80].strip(" .") if "." in base else base[:80]
    return f"{stem or 'document'}.{extension}"
