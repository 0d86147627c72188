"""The static public site builder: site/content/<lang>/*.md -> public/.

Public API for the app (no Flask in here):
    render_form_page(form_name, lang, result) -> full HTML page with the form
    render_form(form_name, lang, result)      -> the <form> element (htmx), after a <title>
                                                 ("Fout: ..." with errors) that htmx applies
    render_thanks_fragment(form_name, lang)   -> the thank-you page's <title> and panel (htmx),
                                                 to replace the page's CONTENT_ID element
    site_config()                             -> site.toml (name, phone, ...) for mails
All take an optional `site_root` (default: the repo's site/ folder). The form
renderers also take `token` (the signed start time to carry on) and `form` (the
form with the programme's configured choices, see forms.configured).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import forms

from common import process_cache

from .config import CONTENT_ID, DEFAULT_ROOT, LOCAL_CONFIG, BuildError, display_path, kept_config, load_config

__all__ = [
    "BuildError", "CONTENT_ID", "DEFAULT_ROOT", "Page", "Site", "build", "check_output", "get_site", "main",
    "render_form", "render_form_page", "render_thanks_fragment", "site_config",
]

if TYPE_CHECKING:
    from .site import Site

_cache: dict[tuple[Path, int | None, bool], tuple[tuple, Site]] = {}
_configs: dict[Path, tuple[tuple, dict]] = {}


def __getattr__(name: str):
    # The builder (pages, Markdown, front matter, templates) loads on first use: the app's mails
    # and public posts need only site_config(), and a CGI process pays for every import.
    if name in ("build", "check_output"):
        from . import output

        return getattr(output, name)
    if name in ("Page", "Site"):
        from . import site

        return getattr(site, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _signature(root: Path) -> tuple:
    """Cheap fingerprint of the site sources, so edits show up without a restart."""
    files = [p for base in (root, forms.TEMPLATE_DIR) for p in sorted(base.rglob("*")) if p.is_file()]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def get_site(site_root: Path | str | None = None, intake_days: int | None = None, mail: bool = False) -> Site:
    """A loaded Site, reused while its source files, the intake term and the mail setting are unchanged."""
    root = Path(site_root or DEFAULT_ROOT).resolve()
    signature = _signature(root)
    # One entry per variant: a page with the intake term and site_config() (without it) alternate
    # within one refused post, and loading the whole site is the costly part of answering it.
    key = (root, intake_days, mail)
    cached = _cache.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    from .site import Site

    site = Site(root, intake_days=intake_days, mail=mail)
    _cache[key] = (signature, site)
    return site


def render_form_page(form_name: str, lang: str = "nl", result: forms.Result | None = None,
                     *, site_root: Path | str | None = None, token: str | None = None,
                     form: forms.Form | None = None, intake_days: int | None = None) -> str:
    """The full page carrying the form, as built, with `result`'s errors and values."""
    site = get_site(site_root, intake_days)
    return site.render_page(site.page_for_form(form_name, lang), result, token=token, form=form)


def render_form(form_name: str, lang: str = "nl", result: forms.Result | None = None,
                *, site_root: Path | str | None = None, token: str | None = None,
                form: forms.Form | None = None) -> str:
    """The <form> element for an htmx swap (hx-swap="outerHTML"), after the page's <title>."""
    return get_site(site_root).render_form(form_name, lang, result, token=token, form=form)


def site_config(site_root: Path | str | None = None) -> dict:
    """The programme's settings from site.toml (name, phone, email, url, ...), reread when
    site.toml or site.local.toml changes; the pages are not loaded for it."""
    root = Path(site_root or DEFAULT_ROOT).resolve()
    signature = tuple((p.stat().st_mtime_ns, p.stat().st_size) if p.is_file() else None
                      for p in (root / "site.toml", root / LOCAL_CONFIG))
    cached = _configs.get(root)
    if not cached or cached[0] != signature:
        kept_in = process_cache.FOLDER  # a CGI process: the last process's checked settings
        config = kept_config(root, signature, kept_in / "site") if kept_in else load_config(root)
        cached = _configs[root] = (signature, config)
    return cached[1]


def render_thanks_fragment(form_name: str, lang: str = "nl",
                           *, site_root: Path | str | None = None, intake_days: int | None = None,
                           mail: bool = False) -> str:
    """The thank-you panel that replaces the page's text and form after a successful htmx post;
    it promises a confirmation by e-mail only with `mail` (the app can send it)."""
    return get_site(site_root, intake_days, mail).render_thanks_fragment(form_name, lang)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from .output import build
    from .site import Site

    parser = argparse.ArgumentParser(prog="build.py", description="Build the public site into static HTML.")
    parser.add_argument("--out", default="public", help="output folder (default: public)")
    parser.add_argument("--site", default=str(DEFAULT_ROOT), help="site sources (default: the repo's site/)")
    parser.add_argument("--data", default="instance/data",
                        help="the app's data folder, for the conflict types and the results page "
                             "(default: instance/data; skipped when it does not exist)")
    parser.add_argument("--no-data", action="store_true", help="build without the app's data")
    parser.add_argument("--mail", action="store_true",
                        help="the app sends e-mail: thank-you pages promise a confirmation "
                             "(`flask build-site` sets it from the mail settings)")
    args = parser.parse_args(argv)
    try:
        site = Site(args.site, data_dir=None if args.no_data else args.data, mail=args.mail)
        files = build(site, args.out)
    except BuildError as exc:
        print(f"build failed:\n{exc}", file=sys.stderr)
        return 1
    for problem in site.skipped:
        print(f"left out (fix it in the admin): {problem}", file=sys.stderr)
    pages = sum(1 for f in files if f.suffix == ".html")
    data = "with figures from " + args.data if site.data else "without data (no figures)"
    promise = "promising" if args.mail else "not promising"
    print(f"built {pages} pages ({len(files)} files) into {display_path(Path(args.out))}, {data}, "
          f"{promise} e-mail confirmations")
    return 0
