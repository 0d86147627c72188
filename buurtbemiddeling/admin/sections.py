"""Pages that other areas extend: Vandaag, the case page, the partner page.

An area adds a section without touching the page's code: a template plus a function that
computes the template's variables (or None to leave the section out this time).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int = 50


class Sections:
    def __init__(self) -> None:
        self.items: list[Section] = []

    def register(self, template: str, order: int = 50):
        """Decorator: `@sections.register("area/_part.html", order=10)` on a context function."""

        def wrap(context):
            if not any(section.template == template for section in self.items):
                self.items.append(Section(template, context, order))
                self.items.sort(key=lambda section: section.order)
            return context

        return wrap

    def render_context(self, *args) -> list[tuple[str, dict[str, Any]]]:
        shown = []
        for section in self.items:
            context = section.context(*args)
            if context is not None:
                shown.append((section.template, context))
        return shown
