"""The Vandaag page is made of panels that each area registers.

A panel is a template plus a function that computes its context from a read view, so
an area adds itself to the dashboard without touching the dashboard's code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[Any], dict[str, Any]]  # read view -> template variables
    order: int = 50


PANELS: list[Panel] = []


def register(template: str, order: int = 50):
    """Decorator: `@register("cases/_today.html", order=10)` on a context function."""

    def wrap(context: Callable[[Any], dict[str, Any]]):
        if not any(panel.template == template for panel in PANELS):
            PANELS.append(Panel(template, context, order))
            PANELS.sort(key=lambda panel: panel.order)
        return context

    return wrap


def render_context(view) -> list[tuple[str, dict[str, Any]]]:
    return [(panel.template, panel.context(view)) for panel in PANELS]
