"""What kind of file an upload really is, judged by its first bytes. No Flask."""
from __future__ import annotations

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
