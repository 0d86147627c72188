"""The case page is made of sections, like Vandaag is made of panels.

An area adds a section (the matching issue: duo suggestions, debriefs) without touching
the case page: `@register("matching/_case_suggestions.html", order=45)` on a function
`(view, case) -> dict`; the template gets `section` (that dict) and `case`.
Built-in orders: 10 progress and next step, 20 parties and facts, 30 intake, 40 duo,
60 closing, 80 timeline.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int = 50


SECTIONS: list[Section] = []


def register(template: str, order: int = 50):
    def wrap(context: Callable[[Any, Any], dict[str, Any]]):
        if not any(section.template == template for section in SECTIONS):
            SECTIONS.append(Section(template, context, order))
            SECTIONS.sort(key=lambda section: section.order)
        return context

    return wrap


def render_context(view, case) -> list[tuple[str, dict[str, Any]]]:
    return [(section.template, section.context(view, case)) for section in SECTIONS]
