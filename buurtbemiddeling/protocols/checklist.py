"""The checklist of a protocol: the list items under a heading "Checklist" (or "Checklijst").

The debrief of a case asks the duo these items, taken from the published protocols, so a
change to the way of working reaches the debrief the moment it is published. Pure.
"""
from __future__ import annotations

import re

from . import documents

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
CHECKLIST_TITLES = ("checklist", "checklijst")


def _plain(text: str) -> str:
    """Inline Markdown to plain text: the debrief shows items as text, escaped."""
    text = _LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    return " ".join(text.split())


def checklist_items(markdown: str) -> list[str]:
    """The list items of the first Checklist section, in order."""
    items: list[str] = []
    level = None
    for line in (markdown or "").splitlines():
        heading = _HEADING.match(line)
        if heading:
            if level is not None and len(heading.group(1)) <= level:
                break  # the next section of the same or a higher level ends the checklist
            if level is None and heading.group(2).strip().rstrip(":").lower() in CHECKLIST_TITLES:
                level = len(heading.group(1))
            continue
        if level is None or not line.strip():
            continue
        item = _ITEM.match(line)
        if item:
            items.append(item.group(1))
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()  # a wrapped item continues on an indented line
    return [text for text in (_plain(i) for i in items) if text]


def published_checklist(view) -> list[str]:
    """The checklist items of every published protocol, oldest protocol first, without repeats."""
    seen: dict[str, None] = {}
    for _protocol, version in sorted(documents.published(view), key=lambda pair: pair[0].doc_id):
        for item in checklist_items(version["body"]):
            seen.setdefault(item, None)
    return list(seen)
