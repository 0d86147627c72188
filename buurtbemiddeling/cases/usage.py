"""Which list values cases and reports use: a value in use may be retired, never deleted, and
a case keeps the values it has when its forms are saved (`values_of`, `lists.choices_for`)."""
from __future__ import annotations

from typing import Callable, Mapping

from ..reports import intake as report_intake
from ..settings import lists

# Where a case holds each list's values.
CASE_FIELDS: dict[str, Callable[[Mapping], list]] = {
    "conflict_types": lambda c: list(c.get("conflict_types") or []),
    "referrer_types": lambda c: [(c.get("referrer") or {}).get("type")],
    "outcomes": lambda c: [(c.get("closing") or {}).get("outcome")],
    "not_solved_reasons": lambda c: [(c.get("closing") or {}).get("reason")],
    "unsuitable_reasons": lambda c: [(c.get("intake") or {}).get("reason")],
    "wijken": lambda c: [c.get("wijk")],
    "household_types": lambda c: [p.get("household") for p in c.get("parties") or []],
}


def values_of(case: Mapping | None, key: str) -> set[str]:
    """The values of list `key` that `case` holds (none for no case)."""
    return {v for v in CASE_FIELDS[key](case) if v} if case else set()


def _hook(key: str):
    def used(view, value: str) -> bool:
        from . import repo  # here: a public form post reads the lists' defaults, never the cases

        if any(value in values_of(c, key) for c in repo.all_cases(view)):
            return True
        return key == "conflict_types" and any(
            (r.get("values") or {}).get("conflict_type") == value for r in view.table(report_intake.TABLE).all())
    return used


for _key in CASE_FIELDS:
    lists.register_usage(_key, _hook(_key))
