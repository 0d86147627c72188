"""The public forms in more languages: one TOML file per language, `"Dutch text" = "translation"`.

Form definitions keep their texts in Dutch and English (`msg(nl, en)`); a language with a file
here gets each text looked up by its Dutch version, so a form gains a language without code.
A Dutch text that changes loses its translation until the file follows (it then shows in Dutch).
"""
from __future__ import annotations

import functools
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
LANGUAGES = tuple(sorted(path.stem for path in FOLDER.glob("*.toml")))


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    path = FOLDER / f"{lang}.toml"
    if not path.is_file():
        return {}
    import tomllib  # here: a page that checks a field in Dutch parses no TOML

    with path.open("rb") as fh:
        return tomllib.load(fh)


def translate(dutch: str, lang: str) -> str:
    """`dutch` in `lang`, or `dutch` itself (the same object, so Markup stays Markup) without one."""
    return catalog(lang).get(str(dutch), dutch)
