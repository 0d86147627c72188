"""The date retention last ran, kept in `_meta`. Apart from the rules (retention.py, which import
half the areas): every fresh process (under CGI every request) asks it once after its response."""
from __future__ import annotations

from db.store import META_TABLE

LAST_RUN = "retention_last_run"


def last_run(view) -> str | None:
    doc = next((d for d in view.table(META_TABLE).all() if d.get("key") == LAST_RUN), None)
    return doc.get("date") if doc else None
