"""News items and success stories written in the admin, published as pages of the site.

Only items marked published (`common/published.py`) are built: a story
becomes a page under the stories page (Ervaringen), so it appears in its list; news items
become pages under /nieuws/ (/en/news/) with a list page, newest first, in the menu.
Their Markdown goes through the same nh3 sanitiser as in the admin (`common/markdown.py`).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from markupsafe import Markup

from common.markdown import render_markdown
from common.published import published

from .site import Page, long_date

if TYPE_CHECKING:
    from .site import Site

NEWS = {
    "nl": {"slug": "nieuws", "title": "Nieuws", "description": "Nieuws over buurtbemiddeling.",
           "intro": "Het laatste nieuws over buurtbemiddeling.", "published": "Gepubliceerd op"},
    "en": {"slug": "news", "title": "News", "description": "News about neighbourhood mediation.",
           "intro": "The latest news about neighbourhood mediation.", "published": "Published on"},
}
NEWS_NAV_ORDER = 9  # after the fixed menu items


ADMIN_SOURCE = Path("beheer/publiciteit")


def item_source(item: Mapping[str, Any]) -> Path:
    # Named in build errors (a broken link in a text): where to fix it.
    return ADMIN_SOURCE / str(getattr(item, "doc_id", item.get("slug")))


def _date(item: Mapping[str, Any], site: "Site", lang: str) -> str:
    try:
        day = dt.date.fromisoformat(str(item.get("published_on"))[:10])
    except ValueError:
        return ""
    return long_date(day, site.strings[lang]["months"])


def _page(site: "Site", item: Mapping[str, Any], lang: str, url: str, with_date: bool) -> Page:
    html = render_markdown(item.get("body"))
    if with_date and _date(item, site, lang):
        html = Markup('<p class="meta">{} {}</p>\n').format(NEWS[lang]["published"], _date(item, site, lang)) + html
    return Page(lang=lang, source=item_source(item), title=item["title"], description=item.get("summary") or item["title"],
                url=url, out_path=url.lstrip("/") + "index.html", body=item.get("body") or "", html=html)


def _news_list(site: "Site", lang: str, items: list, url: str) -> Page:
    words = NEWS[lang]
    cards = "".join(
        Markup('<li class="card"><h2 class="card__title"><a href="{}">{}</a></h2><p class="meta">{}</p><p>{}</p></li>\n')
        .format(f"{url}{i['slug']}/", i["title"], _date(i, site, lang), i.get("summary") or "")
        for i in items)
    html = Markup("<p>{}</p>\n<ul class=\"cards\">\n{}</ul>\n").format(words["intro"], Markup(cards))
    return Page(lang=lang, source=ADMIN_SOURCE, title=words["title"], description=words["description"],
                url=url, out_path=url.lstrip("/") + "index.html", body="", nav_order=NEWS_NAV_ORDER, html=html)


def publicity_pages(site: "Site", items: Iterable[Mapping[str, Any]]) -> list[Page]:
    """The pages for the published items; stories only where the site has a stories page."""
    items = list(items)
    taken = {page.url for page in site.content_pages}
    pages: list[Page] = []
    for lang in site.languages:
        if lang in NEWS:
            news = published(items, "nieuws", lang)
            base = f"{site.prefix(lang)}/{NEWS[lang]['slug']}/"
            if news and base not in taken:
                pages.append(_news_list(site, lang, news, base))
                pages += [_page(site, i, lang, f"{base}{i['slug']}/", True) for i in news]
        stories = next((p for p in site.content_pages if p.key == "stories" and p.lang == lang), None)
        if stories is not None:
            pages += [_page(site, i, lang, f"{stories.url}{i['slug']}/", False)
                      for i in published(items, "verhaal", lang) if f"{stories.url}{i['slug']}/" not in taken]
    return pages

