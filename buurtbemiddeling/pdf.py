"""HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, fetching nothing but data: URLs."""
from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint takes about a second to load, and only a PDF download needs it.
    from weasyprint import HTML, URLFetcher

    # Only data: URLs (charts, QR codes); a link in a text must not make the server fetch files or hosts.
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    # pdf/ua-1 tags headings, tables and lists, so a screen reader can follow every document.
    return HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True)
