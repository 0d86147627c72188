"""Colours from site.toml become CSS custom properties, checked for contrast (WCAG 2.1 AA)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

# site.toml key -> CSS token in site.css
COLOR_TOKENS = {
    "brand": "--color-brand",
    "brand_dark": "--color-brand-dark",
    "brand_light": "--color-brand-light",
    "link": "--color-link",
    "start": "--color-start",
}
DEFAULTS = {"brand": "#154273", "brand_dark": "#0b2a4d", "brand_light": "#e8eff7",
            "link": "#01579b", "start": "#1e6b34"}
# (foreground, background) pairs the stylesheet uses for text.
TEXT_PAIRS = [("brand", "white"), ("brand_dark", "white"), ("brand", "brand_light"),
              ("link", "white"), ("start", "white")]
MIN_CONTRAST = 4.5
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def theme_css(colors: Mapping[str, str], source: Path) -> str:
    """CSS overriding the colour tokens, or "" when site.toml sets none.

    Raises BuildError on an unknown key, a value that is not #rrggbb, or text colours
    that would fail the 4.5:1 contrast.
    """
    from .config import BuildError, display_path

    where = f"{display_path(source)} [colors]"
    unknown = sorted(set(colors) - set(COLOR_TOKENS))
    if unknown:
        raise BuildError(f"{where}: unknown colour(s) {', '.join(unknown)} (known: {', '.join(COLOR_TOKENS)})")
    for key, value in colors.items():
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise BuildError(f"{where}: {key} must be a colour like \"#154273\" (got {value!r})")
    palette = {**DEFAULTS, **colors, "white": "#ffffff"}
    for fg, bg in TEXT_PAIRS:
        fg_hex, bg_hex = palette[fg], palette[bg]
        ratio = contrast(fg_hex, bg_hex)
        if ratio < MIN_CONTRAST:
            raise BuildError(f"{where}: {fg} {fg_hex} on {bg} {bg_hex} has contrast {ratio:.1f}:1; "
                             f"text needs at least {MIN_CONTRAST}:1. Choose a darker {fg}.")
    if not colors:
        return ""
    lines = [f"  {COLOR_TOKENS[key]}: {value.lower()};" for key, value in sorted(colors.items())]
    return "\n/* Colours from site.toml */\n:root {\n" + "\n".join(lines) + "\n}\n"
