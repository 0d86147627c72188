"""Which list values cases and reports use: a value in use may be retired, never deleted."""
from __future__ import annotations

from ..reports import intake as report_intake
from ..settings import lists
from . import repo


def _cases(view):
    return repo.all_cases(view)


def _conflict_type(view, value: str) -> bool:
    return (any(value in (c.get("conflict_types") or []) for c in _cases(view))
            or any((r.get("values") or {}).get("conflict_type") == value for r in view.table(report_intake.TABLE).all()))


def _referrer_type(view, value: str) -> bool:
    return any((c.get("referrer") or {}).get("type") == value for c in _cases(view))


def _outcome(view, value: str) -> bool:
    return any((c.get("closing") or {}).get("outcome") == value for c in _cases(view))


def _not_solved(view, value: str) -> bool:
    return any((c.get("closing") or {}).get("reason") == value for c in _cases(view))


def _unsuitable(view, value: str) -> bool:
    return any((c.get("intake") or {}).get("reason") == value for c in _cases(view))


def _wijk(view, value: str) -> bool:
    return any(c.get("wijk") == value for c in _cases(view))


def _household(view, value: str) -> bool:
    return any(p.get("household") == value for c in _cases(view) for p in c.get("parties") or [])


for key, hook in (("conflict_types", _conflict_type), ("referrer_types", _referrer_type), ("outcomes", _outcome),
                  ("not_solved_reasons", _not_solved), ("unsuitable_reasons", _unsuitable), ("wijken", _wijk),
                  ("household_types", _household)):
    lists.register_usage(key, hook)
