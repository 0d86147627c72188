"""Small statistics the reports share: a share with its part and whole, and a spread. Pure."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median, quantiles
from typing import Hashable, Iterable


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, so a page can say "12 van 15" next to the percentage."""

    part: int
    whole: int

    @property
    def pct(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


@dataclass(frozen=True)
class Spread:
    """Median, quartiles and range of a list of numbers (days); all None when it is empty.

    Quartiles by the inclusive method (linear interpolation between the data points, as
    a spreadsheet's QUARTILE.INC), so they can be checked by hand.
    """

    count: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    low: float | None = None
    high: float | None = None


def spread(values: Iterable[float]) -> Spread:
    data = sorted(values)
    if not data:
        return Spread(0)
    if len(data) == 1:
        only = float(data[0])
        return Spread(1, only, only, only, only, only)
    q1, mid, q3 = quantiles(data, n=4, method="inclusive")
    return Spread(len(data), float(median(data)), float(q1), float(q3), float(data[0]), float(data[-1]))


def ranked(values: Iterable[Hashable]) -> list[tuple[Hashable, int]]:
    """Counts, largest first, ties by value, so tables and charts have a stable order."""
    return sorted(Counter(values).items(), key=lambda item: (-item[1], str(item[0])))
