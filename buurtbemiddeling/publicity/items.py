"""News items and success stories for the public site. Pure: no Flask, no store writes.

Table `publicity`: {"kind": "nieuws" | "verhaal", "lang": "nl" | "en", "title", "summary",
"body" (Markdown), "slug", "published": bool, "published_on": "yyyy-mm-dd" | "",
"anonymised": bool, "created_at", "updated_at", "by"}.
The body is shown through `text.render_markdown` (nh3) in the admin and in the site build.
A story may only be published when the coordinator confirms it is anonymised.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Mapping

from common import folding
from common import tables

PUBLICITY = tables.PUBLICITY
KINDS = {"nieuws": "Nieuwsbericht", "verhaal": "Succesverhaal"}
LANGS = {"nl": "Nederlands", "en": "Engels"}
MAX_BODY = 20_000
MIN_OVERRIDE_REASON = 10  # publishing despite identifying details needs a real reason, not "ok"


def slugify(text: str) -> str:
    return folding.slug(text, default="bericht")


def check(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The item from the admin form, or Dutch messages per field (values kept by the caller)."""
    errors: dict[str, str] = {}
    kind = str(form.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = "Kies of het een nieuwsbericht of een succesverhaal is."
    lang = str(form.get("lang") or "nl")
    if lang not in LANGS:
        errors["lang"] = "Kies de taal van het bericht."
    title = " ".join(str(form.get("title") or "").split())
    if not title:
        errors["title"] = "Vul een titel in."
    elif len(title) > 150:
        errors["title"] = "Gebruik voor de titel hoogstens 150 tekens."
    summary = " ".join(str(form.get("summary") or "").split())
    if not summary:
        errors["summary"] = "Schrijf in één of twee zinnen waar het over gaat; dit staat in het overzicht."
    elif len(summary) > 300:
        errors["summary"] = "Gebruik voor de samenvatting hoogstens 300 tekens."
    body = str(form.get("body") or "").replace("\r\n", "\n").strip()
    if not body:
        errors["body"] = "Schrijf de tekst van het bericht."
    elif len(body) > MAX_BODY:
        errors["body"] = f"De tekst is te lang: gebruik hoogstens {MAX_BODY:,} tekens.".replace(",", ".")
    doc = {"kind": kind, "lang": lang, "title": title, "summary": summary, "body": body,
           "anonymised": form.get("anonymised") == "ja"}
    return doc, errors


class PublishError(ValueError):
    """Publishing is not allowed yet; the message is Dutch."""


def publish(item: Mapping[str, Any], *, today: dt.date, taken: Iterable[str]) -> dict[str, Any]:
    """The changes that publish an item: a unique slug (kept once given) and the date."""
    if item.get("kind") == "verhaal" and not item.get("anonymised"):
        raise PublishError("Een succesverhaal gaat pas online als u hebt bevestigd dat het geanonimiseerd is: "
                           "geen namen, adressen of details waaraan iemand te herkennen is.")
    slug = item.get("slug") or unique_slug(slugify(item.get("title") or ""), taken)
    return {"published": True, "slug": slug, "published_on": item.get("published_on") or today.isoformat()}


def unique_slug(slug: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
