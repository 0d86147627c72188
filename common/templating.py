"""The display filters every Jinja environment registers: the admin's, the PDFs', the site's.

    {{ case.reported_at|nl_date }}       06-12-2026
    {{ report.received_at|nl_datetime }} 06-12-2026 10:16
    {{ event.at|nl_time }}               10:16
    {{ hours|decimal }}                  15 or 1,5
    {{ minutes|hours }}                  1,5
"""
from __future__ import annotations

from typing import Any, Callable

from markupsafe import Markup

from . import clock, numbers

FILTERS: dict[str, Callable[..., Any]] = {
    "nl_date": clock.date_text,
    "nl_datetime": clock.datetime_text,
    "nl_time": clock.time_text,
    "decimal": numbers.decimal_text,
    "hours": numbers.hours_text,
}


def nowrap_date(value: Any) -> Markup:
    """A date that never breaks over two lines (dd-mm-jjjj wrapped at a hyphen on phones); nothing
    for nothing. `cases/_fields.html` gives it as `date_nl`: a function, where a macro cost some
    ten microseconds a call (Vandaag shows fifty dates)."""
    return Markup('<span class="nowrap">%s</span>') % clock.date_text(value) if value else Markup("")


def register(env) -> None:
    """Add the filters (and `nowrap_date`) to a Jinja environment (Flask's `app.jinja_env` or a plain one)."""
    env.filters.update(FILTERS)
    env.globals["nowrap_date"] = nowrap_date
