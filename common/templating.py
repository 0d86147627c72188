"""The display filters every Jinja environment registers: the admin's, the PDFs', the site's.

    {{ case.reported_at|nl_date }}       06-12-2026
    {{ report.received_at|nl_datetime }} 06-12-2026 10:16
    {{ event.at|nl_time }}               10:16
    {{ hours|decimal }}                  15 or 1,5
    {{ minutes|hours }}                  1,5
"""
from __future__ import annotations

from typing import Any, Callable

from . import clock, numbers

FILTERS: dict[str, Callable[..., Any]] = {
    "nl_date": clock.date_text,
    "nl_datetime": clock.datetime_text,
    "nl_time": clock.time_text,
    "decimal": numbers.decimal_text,
    "hours": numbers.hours_text,
}


def register(env) -> None:
    """Add the filters to a Jinja environment (Flask's `app.jinja_env` or a plain one)."""
    env.filters.update(FILTERS)
