"""`<option>` lists of many records, rendered once per version of their table.

A regional pool has 400 volunteers; rendering their options on every visit cost a third of a
search, matching or case page. The rendered list is kept; a chosen option (a filter in use, a
case's duo, a form sent back with an error) is marked in a copy of it, as the template marks it.
"""
from __future__ import annotations

from typing import Callable

from flask import render_template
from markupsafe import Markup, escape

Choices = Callable[[object], list[tuple[str, str]]]  # a read view -> [(value, label)] in order


def options(view, key: str, choices: Choices, selected: str = "") -> Markup:
    kept = view.derived(f"options.{key}", lambda v: Markup(render_template("admin/_options.html", choices=choices(v))))
    if not selected:
        return kept
    value = escape(selected)  # as the template writes it; a value holds no quote once escaped
    return Markup(str(kept).replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1))
