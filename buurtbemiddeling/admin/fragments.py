"""Pieces of a page rendered once per their inputs: Vandaag's panels.

A panel's HTML is a function of its template, its context and what else the template reads (its
free inputs). Most context values are kept objects (`ReadView.derived`, `parted`, a table's
documents): the same object while what they were made from is unchanged, a new one after any
change, also another worker's. So the HTML a panel rendered last time is given again when
- every context value is the same object as last time, or a plain value (text, number, date) of
  the same type and equal, or a list, tuple or dict of such values (the first rows of a kept list,
  a few kept cases by id), or an equal set (of ids: "te laat", in a template only asked `in`;
  `same`), and
- its free inputs are the same: the template object (a reloaded template is a new one), the
  request's script root, host and scheme (`url_for`, kept per process by `startup.KeptURLs`), its
  path and method (the planning panel's forms come back to the page) and today's date (the panels'
  day-dependent values are in their context; the date also renders one again that left one out).
  The templates read nothing else: no user, session or setting, filters that are pure functions.
The CSRF token, new every visit, is kept as a mark and the visit's own put in (`csrf.with_token`).
An entry holds the context it was rendered from, so none of its objects is freed and its id given
to a new object while the entry is kept. One entry per template and app: the last one rendered.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, request
from markupsafe import Markup

from common import clock

from .. import csrf

KEPT = "kept_fragments"  # app.extensions: {template name: (template, free inputs, context, HTML)}
PLAIN = frozenset({str, Markup, int, float, bool, type(None), dt.date})  # rendered as their value


def same(earlier: Any, now: Any) -> bool:
    """Whether `now` renders as `earlier` did: the same object, or an equal plain value of the same
    type (True is not 1, a datetime's zone shows: not plain), or a list, tuple or dict (in order) of such."""
    if earlier is now:
        return True
    kind = type(now)
    if type(earlier) is not kind:
        return False
    if kind in PLAIN:
        return earlier == now
    if kind is list or kind is tuple:
        return len(earlier) == len(now) and all(map(same, earlier, now))
    if kind is dict:
        return (len(earlier) == len(now) and all(map(same, earlier, now))
                and all(same(earlier[key], now[key]) for key in now))
    if kind is set or kind is frozenset:  # shown by membership and size: a set has no order to render by
        return earlier == now
    return False


def rendered(panels: list[tuple[str, dict[str, Any]]]) -> list[Markup]:
    """Each (template, context) as HTML, as `{% include template %}` with `panel` would render it
    in a page (with the request's template context); rendered only when its inputs changed.
    A panel's template may keep parts of itself the same way: `{{ piece("area/_part.html",
    rows=panel.rows) }}` renders that template with `panel` = those values (only what it shows)."""
    kept = current_app.extensions.setdefault(KEPT, {})
    env = current_app.jinja_env
    inputs = (request.script_root, request.host, request.scheme, request.path, request.method, clock.today())
    page_context: dict[str, Any] = {}

    def html(name: str, context: dict[str, Any]) -> Markup:
        template = env.get_template(name)
        entry = kept.get(name)
        if entry is not None and entry[0] is template and entry[1] == inputs and same(entry[2], context):
            return csrf.with_token(entry[3])
        if not page_context:  # what Flask's render_template gives every template
            current_app.update_template_context(page_context)
        text = template.render({**page_context, "panel": context, "piece": piece})
        kept[name] = (template, inputs, context, csrf.kept_without_token(text))
        return Markup(text)

    def piece(name: str, **context: Any) -> Markup:
        return html(name, context)

    return [html(name, context) for name, context in panels]
