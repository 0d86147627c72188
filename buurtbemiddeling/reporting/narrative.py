"""The coordinator's own words in a report, in Markdown, one text per period.

Table `report_narratives`: {"period": Period.key, "text", "updated_at", "by"}. Shown through
`common.markdown.render_markdown` (sanitised), on the page and in the PDF. No Flask.
"""
from __future__ import annotations

import datetime as dt

from tinydb import Query
from common import tables

NARRATIVES = tables.REPORT_NARRATIVES
MAX_TEXT = 20_000


def get(view, key: str) -> dict | None:
    return view.table(NARRATIVES).get(Query().period == key)


def check(text: str | None) -> tuple[str, dict[str, str]]:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        return text, {"text": f"De toelichting is te lang: gebruik hoogstens {MAX_TEXT:,} tekens.".replace(",", ".")}
    return text, {}


def save(store, key: str, text: str, *, by: str, at: dt.datetime) -> None:
    with store.transaction() as tx:
        table = tx.table(NARRATIVES)
        doc = {"period": key, "text": text, "updated_at": at.isoformat(timespec="seconds"), "by": by}
        found = table.get(Query().period == key)
        if found:
            table.update(doc, doc_ids=[found.doc_id])
        else:
            table.insert(doc)
