"""Markdown written in the admin, rendered safely wherever it is shown."""
from __future__ import annotations

from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
    "a", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML that is safe to show: raw HTML and scripts in the source are removed."""
    import markdown as md  # on demand: a heavy import most requests never need
    import nh3

    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener noreferrer")
    return Markup(clean)
