"""`<option>` lists of many records, rendered once per version of their table.

A regional pool has 400 volunteers; rendering their options on every visit cost a third of a
search or matching page. Without a chosen option the rendered list is kept; with one (a
filter in use, a form sent back with an error) it is rendered for that request.
"""
from __future__ import annotations

from typing import Callable

from flask import render_template
from markupsafe import Markup

Choices = Callable[[object], list[tuple[str, str]]]  # a read view -> [(value, label)] in order


def options(view, key: str, choices: Choices, selected: str = "") -> Markup:
    def render(pairs, chosen: str = "") -> Markup:
        return Markup(render_template("admin/_options.html", choices=pairs, selected=chosen))

    if selected:
        return render(choices(view), selected)
    return view.derived(f"options.{key}", lambda v: render(choices(v)))
