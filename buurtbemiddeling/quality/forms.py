"""Small field readers shared by the debrief, nazorg, signal and coaching forms. Pure."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from ..cases.workflow import WorkflowError, parse_date


def date_field(errors: dict[str, str], data: Mapping[str, Any], name: str, what: str, *, today: dt.date,
               not_before: dt.date | None = None, default: str = "") -> str:
    """The ISO date typed in `name` (not in the future), or what was typed with an error set."""
    text = str(data.get(name) or default).strip()
    try:
        return parse_date(text, what, name, today=today, not_before=not_before).isoformat()
    except WorkflowError as exc:
        errors[name] = exc.message
        return text


def text_field(errors: dict[str, str], data: Mapping[str, Any], name: str, limit: int) -> str:
    text = str(data.get(name) or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        errors[name] = f"Gebruik maximaal {limit} tekens."
    return text
