"""Working days: weekends and the Dutch public holidays on which offices close are skipped.

Holidays: Nieuwjaarsdag, Tweede Paasdag, Koningsdag, Hemelvaartsdag, Tweede Pinksterdag and
Kerstmis. Bevrijdingsdag is a day off only in some collective agreements: not skipped.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache


def easter(year: int) -> dt.date:
    """Easter Sunday (Anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def holidays(year: int) -> frozenset[dt.date]:
    pasen = easter(year)
    kingsday = dt.date(year, 4, 27)
    if kingsday.weekday() == 6:  # on a Sunday it moves to Saturday
        kingsday = dt.date(year, 4, 26)
    return frozenset({
        dt.date(year, 1, 1),
        pasen + dt.timedelta(days=1),
        kingsday,
        pasen + dt.timedelta(days=39),  # Hemelvaartsdag
        pasen + dt.timedelta(days=50),  # Tweede Pinksterdag
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    })


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


@lru_cache(maxsize=8192)  # Vandaag asks it for every case waiting for its intake, on each rebuild
def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (a report on Friday + 1 = Monday)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
