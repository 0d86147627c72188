"""The period a report covers: a quarter, a year, or dates the coordinator chooses. Pure."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common import clock

SHORT_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MAX_DAYS = 3 * 366  # a longer custom period is almost surely a typing error


class PeriodError(ValueError):
    """A period that cannot be reported on; the message is Dutch."""


@dataclass(frozen=True)
class Period:
    kind: str  # "kwartaal" | "jaar" | "periode"
    start: dt.date
    end: dt.date  # inclusive

    @property
    def key(self) -> str:
        """Stable name, e.g. for the narrative stored per period: 2025, 2025-K2, 2025-01-01_2025-02-15."""
        if self.kind == "jaar":
            return str(self.start.year)
        if self.kind == "kwartaal":
            return f"{self.start.year}-K{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "jaar":
            return str(self.start.year)
        if self.kind == "kwartaal":
            return f"{(self.start.month - 1) // 3 + 1}e kwartaal {self.start.year}"
        return f"{clock.date_text(self.start)} t/m {clock.date_text(self.end)}"

    @property
    def title(self) -> str:
        return {"jaar": "Jaarverslag", "kwartaal": "Kwartaalrapportage"}.get(self.kind, "Rapportage")

    def __contains__(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def query(self) -> dict[str, str]:
        """The URL parameters that name this period (see `parse`)."""
        if self.kind == "jaar":
            return {"jaar": str(self.start.year)}
        if self.kind == "kwartaal":
            return {"jaar": str(self.start.year), "kwartaal": str((self.start.month - 1) // 3 + 1)}
        return {"van": self.start.isoformat(), "tot": self.end.isoformat()}


def month_label(year: int, month: int) -> str:
    return f"{SHORT_MONTHS[month - 1]} {year}"


def year(value: int) -> Period:
    return Period("jaar", dt.date(value, 1, 1), dt.date(value, 12, 31))


def quarter(value: int, number: int) -> Period:
    if number not in (1, 2, 3, 4):
        raise PeriodError("Kies kwartaal 1, 2, 3 of 4.")
    start = dt.date(value, 3 * number - 2, 1)
    after = dt.date(value + 1, 1, 1) if number == 4 else dt.date(value, 3 * number + 1, 1)
    return Period("kwartaal", start, after - dt.timedelta(days=1))


def custom(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise PeriodError("De einddatum ligt vóór de begindatum.")
    if (end - start).days > MAX_DAYS:
        raise PeriodError("Kies een periode van hoogstens drie jaar.")
    return Period("periode", start, end)


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"De {what} is geen datum. Gebruik jjjj-mm-dd, bijvoorbeeld 2025-01-31.") from None


def parse(args, *, today: dt.date) -> Period:
    """The period from URL parameters: jaar (+ kwartaal), or van and tot. Default: the current year."""
    start, end = (args.get("van") or "").strip(), (args.get("tot") or "").strip()
    if start or end:
        if not (start and end):
            raise PeriodError("Vul bij een eigen periode zowel de begin- als de einddatum in.")
        return custom(_date(start, "begindatum"), _date(end, "einddatum"))
    raw_year = (args.get("jaar") or "").strip()
    if raw_year and not (raw_year.isdigit() and 2000 <= int(raw_year) <= 2100):
        raise PeriodError("Kies een jaar tussen 2000 en 2100.")
    chosen = int(raw_year) if raw_year else today.year
    raw_quarter = (args.get("kwartaal") or "").strip()
    if raw_quarter:
        if not raw_quarter.isdigit():
            raise PeriodError("Kies kwartaal 1, 2, 3 of 4.")
        return quarter(chosen, int(raw_quarter))
    return year(chosen)
