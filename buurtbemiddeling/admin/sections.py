"""Pages that other areas extend: Vandaag, the case page, the partner page.

An area adds a section without touching the page's code: a template plus a function that
computes the template's variables (or None to leave the section out this time), and its module
in the page's `contributors` (see contributors.py). `tests/test_on_demand.py` fails on a section
whose module is not listed. Sections of the same order keep the contributors' order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..contributors import Contributors


@dataclass(frozen=True)
class Section:
    """A part of a page another area contributes: its template, its context from (view, record) and its place."""

    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int = 50


class Sections:
    def __init__(self, *contributors: str) -> None:
        self.contributors = Contributors(*contributors)
        self._items: list[Section] = []

    @property
    def items(self) -> list[Section]:
        self.contributors.load()
        return self._items

    def _rank(self, section: Section) -> tuple[int, int]:
        modules = self.contributors.modules
        module = section.context.__module__
        return section.order, modules.index(module) if module in modules else len(modules)

    def register(self, template: str, order: int = 50):
        """Decorator: `@sections.register("area/_part.html", order=10)` on a context function."""

        def wrap(context):
            if not any(section.template == template for section in self._items):
                self._items.append(Section(template, context, order))
                self._items.sort(key=self._rank)
            return context

        return wrap

    def render_context(self, *args) -> list[tuple[str, dict[str, Any]]]:
        shown = []
        for section in self.items:
            context = section.context(*args)
            if context is not None:
                shown.append((section.template, context))
        return shown
