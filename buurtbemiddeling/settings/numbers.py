"""Configurable numbers (deadlines, reminder periods). Pure of Flask.

Stored in table `settings` as {"key": KEY, "value": int}; the registered default applies
while nothing is stored.
"""
from __future__ import annotations

from dataclasses import dataclass

from tinydb import Query

from common import intake_term, retention_periods
from common import tables

from ..contributors import Contributors

TABLE = tables.SETTINGS


@dataclass(frozen=True)
class Number:
    """A configurable number with its unit, default and bounds."""

    key: str
    label: str
    unit: str
    default: int
    minimum: int
    maximum: int
    hint: str = ""


REGISTRY: dict[str, Number] = {}
CONTRIBUTORS = Contributors("buurtbemiddeling.coaching.dashboard")


def registered() -> dict[str, Number]:
    CONTRIBUTORS.load()
    return REGISTRY


def register(key: str, label: str, unit: str, default: int, minimum: int, maximum: int, hint: str = "") -> Number:
    REGISTRY[key] = Number(key, label, unit, default, minimum, maximum, hint)
    return REGISTRY[key]


def get(view, key: str) -> int:
    doc = view.table(TABLE).get(Query().key == key)
    return int(doc["value"]) if doc else registered()[key].default


def parse(key: str, text: str) -> int:
    """The number typed for `key`, or ValueError with a Dutch message."""
    number = registered()[key]
    try:
        value = int((text or "").strip())
    except ValueError:
        raise ValueError(f"Vul bij ‘{number.label}’ een heel getal in.") from None
    if not number.minimum <= value <= number.maximum:
        raise ValueError(f"Vul bij ‘{number.label}’ een getal van {number.minimum} tot en met {number.maximum} in.")
    return value


def set_value(tx, key: str, value: int) -> None:
    table = tx.table(TABLE)
    if table.contains(Query().key == key):
        table.update({"value": value}, Query().key == key)
    else:
        table.insert({"key": key, "value": value})


register(intake_term.KEY, intake_term.LABEL, "werkdagen", intake_term.DEFAULT, intake_term.MINIMUM,
         intake_term.MAXIMUM, intake_term.HINT)
register("nazorg_weeks", "Nazorg na het laatste gesprek", "weken", 4, 1, 26,
         "De nazorg wordt zoveel weken na het laatste gesprek gepland.")
register("inactive_days", "Zaak zonder activiteit na", "dagen", 14, 3, 90,
         "Op Vandaag staat een zaak waarop zo lang niets is gebeurd.")
for _key, (_label, _default, _minimum, _maximum, _hint) in retention_periods.DEFINITIONS.items():
    register(_key, _label, "maanden", _default, _minimum, _maximum, _hint)
