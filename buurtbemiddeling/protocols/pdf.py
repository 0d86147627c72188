"""HTML to PDF with WeasyPrint, fetching nothing from outside the document."""
from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint takes about a second to load, and every CGI request would pay it.
    from weasyprint import HTML, URLFetcher

    # Only data: URLs; a link or image in a protocol text must not make the server fetch files or hosts.
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf()
