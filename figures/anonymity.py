"""Small-cell suppression: a count of 1 to THRESHOLD-1 is never published."""
from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Figure:
    """A count as published: `value` is None when it is suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    # Zero is published: an empty category points to nobody.
    return 0 < count < threshold


def suppress(count: int, threshold: int = THRESHOLD) -> Figure:
    return Figure(None if is_small(count, threshold) else count)
