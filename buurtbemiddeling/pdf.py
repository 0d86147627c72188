"""HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, fetching nothing but data: URLs.

By default in a process of its own (`PDF_SEPARATE_PROCESS`): WeasyPrint and its font caches take
some 45 MB that a worker would keep for the rest of its life after one PDF (a worker at the
largest size then stays under 200 MB), and a PDF download is rare enough to pay the start.
"""
from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

RENDER_TIMEOUT = 300  # seconds: the annual report of five years of cases on a slow shared host


def html_to_pdf(html: str) -> bytes:
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("PDF_SEPARATE_PROCESS", True):
        return _render_elsewhere(html)
    return render(html)


def load_weasyprint():
    """WeasyPrint, imported here: it takes about a second to load, and only a PDF download needs it.

    It opens pango, harfbuzz, fontconfig and gobject by up to six names each, through
    ctypes.util.find_library, which runs `ldconfig -p` for every name and then gcc and ld for
    each name it did not find there: 54 processes and ~0.2 s of CPU on every start of the PDF
    process. While it loads, the names are looked up in one `ldconfig -p` listing (that search's
    own first step); a library outside ldconfig's cache (only on LD_LIBRARY_PATH, say) fails that
    import, and WeasyPrint is then imported with the full search."""
    if "weasyprint" not in sys.modules:
        try:
            # WeasyPrint prints its advice on a library it cannot open: not into the PDF on stdout.
            with _libraries_from_ldconfig(), contextlib.redirect_stdout(io.StringIO()):
                import weasyprint  # noqa: F401
        except OSError:
            import weasyprint  # noqa: F401
    return sys.modules["weasyprint"]


@contextlib.contextmanager
def _libraries_from_ldconfig():
    import ctypes.util

    try:
        listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, env={"LC_ALL": "C", "LANG": "C"},
                                 timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        listing = b""
    full_search = ctypes.util.find_library

    def from_listing(name: str) -> str | None:
        found = re.search(rb"\s+(lib%s\.[^\s]+)\s+\(" % re.escape(name.encode()), listing)
        return found.group(1).decode() if found else None

    ctypes.util.find_library = from_listing
    try:
        yield
    finally:
        ctypes.util.find_library = full_search


def render(html: str) -> bytes:
    weasyprint = load_weasyprint()
    # Only data: URLs (charts, QR codes); a link in a text must not make the server fetch files or hosts.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    # pdf/ua-1 tags headings, tables and lists, so a screen reader can follow every document.
    return weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf(
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
