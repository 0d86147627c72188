"""HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, fetching nothing but data: URLs.

By default in a process of its own (`PDF_SEPARATE_PROCESS`): WeasyPrint and its font caches take
some 45 MB that a worker would keep for the rest of its life after one PDF (a worker at the
largest size then stays under 200 MB), and a PDF download is rare enough to pay the start.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RENDER_TIMEOUT = 300  # seconds: the annual report of five years of cases on a slow shared host


def html_to_pdf(html: str) -> bytes:
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("PDF_SEPARATE_PROCESS", True):
        return _render_elsewhere(html)
    return render(html)


def render(html: str) -> bytes:
    # Imported here: WeasyPrint takes about a second to load, and only a PDF download needs it.
    from weasyprint import HTML, URLFetcher

    # Only data: URLs (charts, QR codes); a link in a text must not make the server fetch files or hosts.
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    # pdf/ua-1 tags headings, tables and lists, so a screen reader can follow every document.
    return HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True)


def _render_elsewhere(html: str) -> bytes:
    # -P: this file's folder is not put on the path (its modules must not shadow anything).
    done = subprocess.run([sys.executable, "-P", str(Path(__file__).resolve())], input=html.encode(),
                          capture_output=True, timeout=RENDER_TIMEOUT)
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        raise RuntimeError(f"the PDF renderer failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout


if __name__ == "__main__":  # the separate process: HTML on stdin, the PDF on stdout
    sys.stdout.buffer.write(render(sys.stdin.buffer.read().decode()))
