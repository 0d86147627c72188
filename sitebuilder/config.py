"""The programme's settings for the site and the mails (site.toml, site.local.toml over it).

Light on purpose: the app reads these for every mail and public post, and must not load the
site's pages, Markdown and templates for that (sitebuilder/site.py does, to build).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from common.phone import tel_href

from . import accessibility

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ROOT = PACKAGE_DIR.parent / "site"

# A programme's own settings go in site/site.local.toml (git-ignored), which overrides site.toml
# key by key: `git pull` then never meets an edited tracked file.
LOCAL_CONFIG = "site.local.toml"
# Branding without code: every key below must be in site/site.toml (see the comments there).
REQUIRED_CONFIG = ("name", "municipality", "phone", "email", "url", "address", "postcode", "city",
                   "opening_hours", "area")
# The element of a page holding its text and form; the thank-you panel replaces its content.
CONTENT_ID = "page-content"


class BuildError(Exception):
    """The site cannot be built; the message names the file and what to fix."""


def display_path(path: Path) -> str:
    """A path relative to the working directory when possible, for messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _merged(shipped: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    """`local` over `shipped`, table by table, so a local file names only what differs."""
    merged = dict(shipped)
    for key, value in local.items():
        both_tables = isinstance(value, dict) and isinstance(shipped.get(key), dict)
        merged[key] = _merged(shipped[key], value) if both_tables else value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here: the app imports this module on pages that never read the settings

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise BuildError(f"{display_path(path)}: file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"{display_path(path)}: not valid TOML: {exc}") from None


# The code that shapes a checked config: a kept one is used only while these are unchanged too.
_SHAPING = (Path(__file__), PACKAGE_DIR / "accessibility.py", PACKAGE_DIR.parent / "common" / "phone.py")
_KEPT_KEY = "site-config"


def kept_config(root: Path, signature: tuple, folder: Path) -> dict[str, Any]:
    """`load_config(root)`, kept in `folder` for the next process that serves one request: a CGI
    request that shows the wijken or stores a public form then parses no TOML and loads no field
    checks. Used only while the settings files (`signature`) and the code that checks them are
    as they were; a missing or damaged file is built again. Only the programme's own settings
    (name, contact details, colours), never a resident's data."""
    from db.kept_on_disk import KeptOnDisk

    code = repr([(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in _SHAPING])
    kept = KeptOnDisk(folder, frozenset({_KEPT_KEY}), code=code)
    versions = [(str(root), signature)]
    config = kept.get(_KEPT_KEY, versions)
    if config is None:
        config = load_config(root)
        kept.put(_KEPT_KEY, versions, config)
    return config


def load_config(root: Path) -> dict[str, Any]:
    """site.toml with site.local.toml over it, checked: what the site and the mails say about the programme."""
    path = root / "site.toml"
    config = _read_toml(path)
    local = root / LOCAL_CONFIG
    if local.is_file():  # this programme's own name, contact details and colours (git-ignored)
        config = _merged(config, _read_toml(local))
        path = local
    missing = [key for key in REQUIRED_CONFIG if not config.get(key)]
    if missing:
        raise BuildError(f"{display_path(path)}: missing required key(s): {', '.join(missing)} "
                         f"(see the comments in site.toml for what each one means)")
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", str(config["url"])):
        raise BuildError(f"{display_path(path)}: url must start with https:// (got {config['url']!r})")
    from forms import fields  # a submodule: `import forms` alone does not load it (forms/__init__.py)

    if not fields.is_email(str(config["email"])):
        raise BuildError(f"{display_path(path)}: email is not an e-mail address (got {config['email']!r})")
    logo, static_dir = config.get("logo"), root / "static"
    if logo and not (static_dir / str(logo)).is_file():
        raise BuildError(f"{display_path(path)}: logo {logo!r} is not a file in {display_path(static_dir)}")
    wijken = config.setdefault("wijken", [])
    if not isinstance(wijken, list) or not all(isinstance(w, str) and w.strip() for w in wijken):
        raise BuildError(f"{display_path(path)}: wijken must be a list of names, such as [\"Centrum\", \"De Linden\"]")
    problems = accessibility.check(config.get("accessibility") or {})
    if problems:
        raise BuildError(f"{display_path(path)}: " + "; ".join(problems) + " (see the comments there)")
    config["url"] = str(config["url"]).rstrip("/")
    config["phone_href"] = tel_href(str(config["phone"]))  # for content: ({{ site.phone_href }})
    config.setdefault("organisation", config["name"])
    config.setdefault("logo", "")
    config.setdefault("default_language", "nl")
    return config
