"""One page of a long list, as the `pagination` macro in admin/_pagination.html links them."""
from __future__ import annotations

from typing import Sequence, TypeVar

T = TypeVar("T")


def page_of(items: Sequence[T], size: int, requested: str | None) -> tuple[Sequence[T], int, int]:
    """(the rows, the page number, the number of pages) for the `pagina` parameter; a missing,
    bad or too high number gives the nearest page rather than an error."""
    pages = max(1, -(-len(items) // size))
    page = min(pages, int(requested)) if requested and requested.isdigit() and int(requested) > 0 else 1
    return items[(page - 1) * size: page * size], page, pages
