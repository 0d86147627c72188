"""Sections on a partner's page that other areas add, such as "Zaken van deze partner".

    @sections.register("cases/_partner_cases.html", order=10)
    def partner_cases(view, partner) -> dict | None:   # None: leave the section out
        return {"cases": [...]}

The template gets `section` (the dict) and `partner` (the partner doc, with `doc_id`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 50


SECTIONS: list[Section] = []


def register(template: str, order: int = 50):
    def wrap(context):
        if not any(section.template == template for section in SECTIONS):
            SECTIONS.append(Section(template, context, order))
            SECTIONS.sort(key=lambda section: section.order)
        return context

    return wrap


def render_context(view, partner) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for section in SECTIONS:
        context = section.context(view, partner)
        if context is not None:
            shown.append((section.template, context))
    return shown
