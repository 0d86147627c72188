"""A content page's Markdown as HTML, refused when some of it stayed unparsed.

Markdown inside HTML (the steps of "Hoe werkt het?", the home page's cards) is parsed only
where an element says so. Write `markdown="block"`: a bare `markdown` means "span" for
some elements (`li`, `p`, `h2`, ...) in Python-Markdown, so headings in a list item would
show as "## ...". The checks below turn any such slip, or a library upgrade that changes
the rules, into a failed build instead of a page that changed silently.
"""
from __future__ import annotations

import re
from functools import lru_cache

import markdown
from markupsafe import Markup

# toc gives headings ids (for in-page links), md_in_html allows <div markdown="block">.
EXTENSIONS = ["attr_list", "tables", "toc", "md_in_html"]

LEFTOVERS = (
    (re.compile(r"^[ \t]*#{1,6}[ \t]", re.M), "a Markdown heading (#) shown as text"),
    (re.compile(r"\*\*\S"), "Markdown bold (**) shown as text"),
    (re.compile(r"\]\((?:/|https?:|mailto:|tel:)"), "a Markdown link [..](..) shown as text"),
    (re.compile(r"<[a-z0-9]+\b[^>]*\smarkdown\b"), "a markdown attribute left in the HTML"),
)


class UnparsedMarkdown(ValueError):
    """The HTML still holds Markdown syntax; the message says what and how to fix it."""


# A page's HTML depends only on its Markdown, and a process loads the same pages again: each
# publish from the admin, and the test suite's many sites and builds (Markdown was two thirds of
# loading a site). A refused text is not kept: it raises again.
@lru_cache(maxsize=512)
def content_html(text: str) -> Markup:
    html = markdown.Markdown(extensions=EXTENSIONS, output_format="html").convert(text)
    for pattern, what in LEFTOVERS:
        found = pattern.search(html)
        if found:
            start = html.rfind("\n", 0, found.start()) + 1
            line = html[start:html.find("\n", found.start()) % (len(html) + 1)].strip()
            raise UnparsedMarkdown(
                f"{what}: {line[:80]!r}; Markdown inside an "
                f"HTML element is parsed only when the element has markdown=\"block\"")
    return Markup(html)
