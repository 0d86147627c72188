"""Small input checks the volunteers' forms share. Pure."""
from __future__ import annotations

from datetime import date


def past_date(raw: str | None, errors: dict[str, str], key: str, today: date, *, missing: str, future: str,
              required: bool = True) -> str:
    """An ISO date that is not after today; a Dutch message in `errors[key]` otherwise."""
    text = (raw or "").strip()
    if not text and not required:
        return ""
    try:
        if date.fromisoformat(text) > today:
            errors[key] = future
    except ValueError:
        errors[key] = missing
    return text
