"""How the admin's views answer a form post (network, budget, planning, development, publicity,
reporting): the shared helpers of the views, in one home.

A browser gets a redirect after a good post (303, so a reload does not post again); htmx
gets the refreshed piece of page. A bad post re-renders the form with every value kept and
the Dutch messages, with status 422.
"""
from __future__ import annotations

from typing import Callable

from flask import abort, flash, redirect, render_template, request


def saved(message: str, url: str, partial: Callable[[], str] | None = None):
    if partial is not None and request.htmx:
        return partial()
    flash(message)
    return redirect(url, code=303)


def invalid(template: str, **context):
    return render_template(template, **context), 422


def get_or_404(view, table: str, doc_id: int):
    doc = view.table(table).get(doc_id=doc_id)
    if doc is None:
        abort(404)
    return doc


def register_filters(app) -> None:
    """Template filters for money and Markdown (dates and hours: common.templating, from the
    app factory); idempotent, keeps others' filters."""
    from .budget.money import format_euro, input_value
    from common.markdown import render_markdown

    for name, function in (("euro", format_euro), ("euro_input", input_value), ("markdown", render_markdown)):
        app.jinja_env.filters.setdefault(name, function)
