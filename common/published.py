"""Which news items and success stories the public site shows (table `publicity`, written in
the admin by `buurtbemiddeling/publicity/items.py`). Pure: the site builder imports it."""
from __future__ import annotations

from typing import Any, Iterable, Mapping


def published(items: Iterable[Mapping[str, Any]], kind: str | None = None, lang: str | None = None) -> list:
    """Published items, newest first."""
    chosen = [i for i in items if i.get("published") and i.get("slug")
              and (kind is None or i.get("kind") == kind) and (lang is None or (i.get("lang") or "nl") == lang)]
    return sorted(chosen, key=lambda i: (i.get("published_on") or "", i.get("title") or ""), reverse=True)
