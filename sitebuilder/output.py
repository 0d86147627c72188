"""Write the site to disk, then check it: internal links and the no-inline-code rule."""
from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from .publicity import ADMIN_SOURCE
from .config import BuildError, display_path
from .site import Site

HTMX_NAME = "htmx.min.js"
# A page's HTML plus its style sheets stay under this, so the site is quick on a poor connection.
PAGE_BUDGET = 50 * 1024


def htmx_source() -> Path:
    """htmx.min.js from the installed django-js-lib-htmx wheel (never kept in the repo)."""
    try:
        import js_lib_htmx
    except ImportError:
        raise BuildError("htmx is not installed: pip install django-js-lib-htmx") from None
    path = Path(js_lib_htmx.__file__).resolve().parent / "static" / "htmx" / HTMX_NAME
    if not path.is_file():
        raise BuildError(f"{path}: htmx.min.js is missing from the js_lib_htmx package")
    return path


def build(site: Site, out: Path | str, prepare: Callable[[Path], None] | None = None) -> list[Path]:
    """Build into a fresh folder next to `out`, check it, then swap it into place at once.

    `prepare` finishes the new folder before the swap (deploy/publish.py puts .htaccess and
    app.cgi in), so a live site never serves a half-installed build. A failed build leaves the
    previous output untouched. Returns the written files.
    """
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()) and not (out / "sitemap.xml").exists():
        raise BuildError(f"{display_path(out)}: refusing to replace a folder that is not a site build")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        sources = _write(site, tmp)
        problems = problems_in(tmp, sources)
        faulty = [(src, m) for src, m in problems if ADMIN_SOURCE in src.parents]
        if faulty:  # a text written in the admin is at fault: publish the rest without it
            site.leave_out(faulty)
            shutil.rmtree(tmp)
            tmp.mkdir()
            sources = _write(site, tmp)
            problems = problems_in(tmp, sources)
        _refuse(problems)  # those of the folder to publish, scanned once (a third of a build)
        _carry_over_server_files(out, tmp)
        if prepare:
            prepare(tmp)
        _readable_by_the_web_server(tmp)
        _swap_into_place(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return sorted(p for p in out.rglob("*") if p.is_file())


# Put into a published site by deploy/publish.py, not by the builder: a rebuild from the admin or
# `flask build-site` keeps them, or the live site would lose its routing and its script.
SERVER_FILES = (".htaccess", "app.cgi", "beheer")


def _carry_over_server_files(old: Path, new: Path) -> None:
    for name in SERVER_FILES:
        source = old / name
        if source.is_dir():
            shutil.copytree(source, new / name, copy_function=shutil.copy2)
        elif source.is_file():
            shutil.copy2(source, new / name)


def _readable_by_the_web_server(root: Path) -> None:
    """The site is public: the web server (often another account) reads every file. The app
    runs with umask 077 for its private data, and mkdtemp made the folder private."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or path.stat().st_mode & 0o100 else 0o644)


def _swap_into_place(new: Path, out: Path) -> None:
    """Put `new` at `out` so that a request always finds one whole site, never none.

    Linux exchanges two folders in one step (renameat2 RENAME_EXCHANGE); elsewhere two renames
    leave a window of microseconds. The old site ends up at `new` and is removed by the caller.
    """
    if not out.exists():
        new.rename(out)
        return
    if _exchange(new, out):
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    out.rename(old / out.name)
    new.rename(out)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _write(site: Site, root: Path) -> dict[Path, Path]:
    """Write every file; returns output file -> source file, to name sources in errors."""
    sources: dict[Path, Path] = {}

    def put(rel: str, text: str, source: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))  # explicit bytes: no platform newlines
        sources[path] = source

    for page in site.pages:
        put(page.out_path, site.render_page(page), page.source)
    for lang in site.languages:
        put(f"{site.prefix(lang)}/404.html".lstrip("/"), site.render_404(lang),
            site.templates_dir / "404.html")

    config = site.root / "site.toml"
    put("sitemap.xml", _sitemap(site), config)
    put("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {site.config['url']}/sitemap.xml\n", config)

    assets = root / "assets"
    if site.static_dir.is_dir():
        for src in sorted(site.static_dir.rglob("*")):
            if src.is_file():
                dest = assets / src.relative_to(site.static_dir)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(src.read_bytes())
                sources[dest] = src
    assets.mkdir(exist_ok=True)
    if site.theme_css:
        css = assets / "site.css"
        css.write_bytes(css.read_bytes() + site.theme_css.encode("utf-8"))
    (assets / HTMX_NAME).write_bytes(htmx_source().read_bytes())
    return sources


def _sitemap(site: Site) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url in sorted(p.url for p in site.pages if not p.noindex):
        lines.append(f"  <url><loc>{escape(site.config['url'] + url)}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


class _Scanner(HTMLParser):
    """Collects links, ids and anything the Content-Security-Policy would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.inline: list[str] = []
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.has_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if attr.get("id"):
            self.ids.add(attr["id"] or "")
        for name in ("href", "src"):
            if attr.get(name):
                self.links.append(attr[name] or "")
        if tag == "link" and attr.get("rel") == "stylesheet" and attr.get("href"):
            self.stylesheets.append(attr["href"] or "")
        if tag == "form":
            self.has_form = True
        if tag == "script":
            self.scripts.append(attr.get("src") or "inline")
        if tag == "script" and not attr.get("src"):
            self.inline.append("an inline <script>")
        if tag == "style":
            self.inline.append("a <style> element")
        if "style" in attr:
            self.inline.append(f"a style attribute on <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append(f"an event handler {name}= on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.inline.append(f"a javascript: URL on <{tag}>")

    handle_startendtag = handle_starttag


# What a page holds depends only on its HTML, and a build writes most pages as the previous build
# did (each publish from the admin, the test suite's builds): parsing them was most of a build's
# check. Each text is parsed once per process, its scan kept under its digest (forgotten when full).
SCANS_KEPT = 1024
_scans: dict[bytes, _Scanner] = {}


def _scan(html: bytes) -> _Scanner:
    key = hashlib.blake2b(html, digest_size=20).digest()
    scanner = _scans.get(key)
    if scanner is None:
        if len(_scans) >= SCANS_KEPT:
            _scans.clear()
        scanner = _Scanner()
        scanner.feed(html.decode("utf-8"))
        _scans[key] = scanner
    return scanner


def _target_exists(root: Path, link: str) -> bool:
    path = link.split("#", 1)[0].split("?", 1)[0]
    rel = path.lstrip("/")
    target = root / rel
    if path.endswith("/") or rel == "":
        return (target / "index.html").is_file()
    return target.is_file() or (target / "index.html").is_file()


def _size(root: Path, href: str) -> int:
    target = root / href.split("?", 1)[0].lstrip("/")
    return target.stat().st_size if href.startswith("/") and target.is_file() else 0


def check_output(root: Path, sources: dict[Path, Path]) -> None:
    """Fail on broken internal links (href/src starting with "/" or "#"), inline code,
    scripts on pages without a form, and pages heavier than PAGE_BUDGET."""
    _refuse(problems_in(root, sources))


def _refuse(problems: list[tuple[Path, str]]) -> None:
    if problems:
        raise BuildError("\n".join(message for _, message in problems))


def problems_in(root: Path, sources: dict[Path, Path]) -> list[tuple[Path, str]]:
    """What check_output refuses, each with the source to fix it in."""
    problems: list[tuple[Path, str]] = []
    for path in sorted(root.rglob("*.html")):
        html = path.read_bytes()
        scanner = _scan(html)
        source = sources.get(path, path)
        where = f"{display_path(source)} (-> {path.relative_to(root).as_posix()})"
        for link in scanner.links:
            if link.startswith("/") and not link.startswith("//"):
                if not _target_exists(root, link):
                    problems.append((source, f"{where}: broken internal link {link}"))
            elif link.startswith("#") and len(link) > 1 and link[1:] not in scanner.ids:
                problems.append((source, f"{where}: link {link} points to no element on the page"))
        for what in scanner.inline:
            problems.append((source, f"{where}: {what} (the Content-Security-Policy blocks inline code)"))
        if scanner.scripts and not scanner.has_form:
            problems.append((source, f"{where}: loads a script but has no form (only form pages may load JavaScript)"))
        weight = len(html) + sum(_size(root, href) for href in scanner.stylesheets)
        if weight > PAGE_BUDGET:
            problems.append((source, f"{where}: HTML and CSS weigh {weight // 1024} KB, more than the "
                                     f"{PAGE_BUDGET // 1024} KB budget"))
    return problems
