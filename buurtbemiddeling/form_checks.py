"""Checking admin form input, shared by the network, budget, planning and
development areas. Pure: no Flask.

    check = Check(request.form)
    name = check.text("name", "Naam", required=True)
    day = check.date("date", "Datum", required=True)       # ISO string or None
    if check.errors: ...                                     # {field: Dutch message}
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Mapping

from .budget import money

_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_date(text: str | None) -> date | None:
    """ISO (what <input type="date"> sends) or Dutch 29-11-2026; None if it is neither."""
    raw = (text or "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    match = _DUTCH_DATE.match(raw)
    if match:
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    return None


def week_bounds(today: date) -> tuple[date, date]:
    """Monday and Sunday of the week "Deze week" means: on a weekend day the coming week
    (planned on a Sunday, Monday's deadline must show)."""
    monday = today - timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += timedelta(days=7)
    return monday, monday + timedelta(days=6)


class Check:
    """Collects cleaned values and Dutch error messages from one submitted form."""

    def __init__(self, form: Mapping[str, Any]):
        self.form = form
        self.errors: dict[str, str] = {}

    def raw(self, key: str) -> str:
        value = self.form.get(key)
        return value.strip() if isinstance(value, str) else ""

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self, key: str, label: str, *, required: bool = False, limit: int = 200,
             missing: str | None = None) -> str:
        value = self.raw(key)
        if required and not value:
            self.fail(key, missing or f"Vul ‘{label}’ in.")
        elif len(value) > limit:
            self.fail(key, f"‘{label}’ mag hoogstens {limit} tekens lang zijn; nu zijn het er {len(value)}.")
        return value

    def email(self, key: str, label: str, *, required: bool = False) -> str:
        value = self.text(key, label, required=required, limit=254)
        if value and not _EMAIL.match(value):
            self.fail(key, f"Vul bij ‘{label}’ een e-mailadres in zoals naam@voorbeeld.nl.")
        return value

    def choice(self, key: str, label: str, options: Mapping[str, str] | tuple | list, *,
               default: str | None = None) -> str:
        value = self.raw(key) or (default or "")
        if value not in options:
            self.fail(key, f"Kies bij ‘{label}’ een van de mogelijkheden.")
        return value

    def flag(self, key: str) -> bool:
        return self.raw(key) in ("ja", "on", "1", "true")

    def date(self, key: str, label: str, *, required: bool = False) -> str | None:
        raw = self.raw(key)
        if not raw:
            if required:
                self.fail(key, f"Vul ‘{label}’ in.")
            return None
        day = parse_date(raw)
        if day is None or not 2000 <= day.year <= 2100:
            self.fail(key, f"‘{raw}’ is geen datum. Vul bij ‘{label}’ een datum in zoals 29-11-2026.")
            return None
        return day.isoformat()

    def not_before(self, key: str, label: str, later: str | None, earlier: str | None, earlier_label: str) -> None:
        if later and earlier and later < earlier:
            self.fail(key, f"‘{label}’ kan niet vóór ‘{earlier_label}’ liggen.")

    def money(self, key: str, label: str, *, required: bool = True, allow_zero: bool = False) -> int | None:
        if not self.raw(key) and not required:
            return None
        try:
            return money.parse_cents(self.raw(key), allow_zero=allow_zero)
        except ValueError as exc:
            self.fail(key, f"{label}: {exc}")
            return None

    def hours(self, key: str, label: str, *, required: bool = True) -> int | None:
        """Hours typed as '3', '3,5' or '1:30', kept as whole minutes."""
        raw = self.raw(key).replace(" ", "")
        if not raw:
            if required:
                self.fail(key, f"Vul ‘{label}’ in, bijvoorbeeld 3,5.")
            return None
        match = re.match(r"^(\d{1,4})(?::(\d{2})|[,.](\d{1,2}))?$", raw)
        if match is None:
            self.fail(key, f"‘{raw}’ is geen aantal uren. Schrijf bijvoorbeeld 3,5 of 1:30.")
            return None
        minutes = int(match.group(1)) * 60
        if match.group(2):
            minutes += int(match.group(2))
        elif match.group(3):
            minutes += round(int(match.group(3).ljust(2, "0")) * 60 / 100)
        if not 0 < minutes <= 1000 * 60:
            self.fail(key, f"Vul bij ‘{label}’ een aantal uren van meer dan 0 in.")
            return None
        return minutes

    def known_id(self, key: str, label: str, known: set[int] | dict, *, required: bool = True) -> int | None:
        raw = self.raw(key)
        if not raw and not required:
            return None
        if not raw.isdigit() or int(raw) not in known:
            self.fail(key, f"Kies bij ‘{label}’ een van de mogelijkheden.")
            return None
        return int(raw)


