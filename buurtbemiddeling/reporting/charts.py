"""Charts as SVG, drawn on the server with pygal, for the report page and its PDF.

Made to print in black and white: one series in dark grey, every bar labelled with its
value and category, so nothing depends on colour; no JavaScript, no legend to decode.
The same figures always stand in a table next to the chart (for screen readers too).
"""
from __future__ import annotations

import base64
from typing import Sequence

from markupsafe import Markup, escape

INK = "#1f1f1f"
BAR = "#5a5a5a"  # dark grey: distinct from white paper, value labels stay readable
FONT = "DejaVu Sans, Arial, sans-serif"


def _style():
    from pygal.style import Style

    return Style(background="white", plot_background="white", foreground=INK, foreground_strong=INK,
                 foreground_subtle="#bdbdbd", colors=(BAR,), font_family=FONT, label_font_size=13,
                 major_label_font_size=13, value_font_size=13, title_font_size=15, tooltip_font_size=12,
                 value_colors=(INK,))


def _config(kind, *, height: int, **extra):
    return kind(js=[], style=_style(), width=720, height=height, show_legend=False, print_values=True,
                print_values_position="top", disable_xml_declaration=True, show_y_guides=True,
                explicit_size=True, margin=12, truncate_label=-1, **extra)


def bar_chart(rows: Sequence[tuple[str, int | float]], *, title: str) -> str:
    """Vertical bars, e.g. reports per month."""
    import pygal

    chart = _config(pygal.Bar, height=300, title=title, x_label_rotation=0 if len(rows) <= 12 else 40,
                    min_scale=1, max_scale=6)
    chart.x_labels = [label for label, _ in rows]
    chart.add(title, [value for _, value in rows])
    return chart.render(is_unicode=True)


def ranking_chart(rows: Sequence[tuple[str, int | float]], *, title: str) -> str:
    """Horizontal bars, largest first, e.g. cases by conflict type."""
    import pygal

    rows = list(rows)
    chart = _config(pygal.HorizontalBar, height=max(140, 60 + 34 * len(rows)), title=title,
                    min_scale=1, max_scale=6)
    chart.x_labels = [label for label, _ in reversed(rows)]  # pygal draws the first label at the bottom
    chart.add(title, [value for _, value in reversed(rows)])
    return chart.render(is_unicode=True)


def as_img(svg: str, alt: str, css_class: str = "chart") -> Markup:
    """An <img> with the SVG as a data: URL: allowed by the admin's CSP (img-src data:) and by
    the PDF's fetcher, and its own styles stay inside the image."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup(f'<img class="{escape(css_class)}" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">')


def _labelled(rows, names: dict[str, str]) -> list[tuple[str, int]]:
    return [(names.get(key, key), value) for key, value in rows]


def _months(report) -> list[tuple[str, int]]:
    """Month labels without the year when the period lies in one year, so twelve bars fit."""
    if len(report.period.years()) == 1:
        return [(label.split(" ")[0], n) for label, n in report.per_month]
    return report.per_month


def report_charts(report, labels: dict[str, dict[str, str]]) -> dict[str, Markup]:
    """The report's charts as <img> tags, by section; a chart with nothing to show is left out."""
    wanted = {
        "per_month": (bar_chart, _months(report), "Meldingen per maand"),
        "conflict_types": (ranking_chart, _labelled(report.conflict_types, labels["conflict_types"]),
                           "Zaken per soort conflict"),
        "referrers": (ranking_chart, _labelled(report.referrers, labels["referrer_types"]), "Zaken per verwijzer"),
        "wijken": (ranking_chart, _labelled(report.wijken, labels["wijken"]), "Zaken per wijk"),
        "outcomes": (ranking_chart, _labelled(report.outcomes, labels["outcomes"]), "Afgeronde zaken per uitkomst"),
    }
    found = {}
    for key, (draw, rows, title) in wanted.items():
        if any(value for _, value in rows):
            found[key] = as_img(draw(rows, title=title), f"Grafiek: {title.lower()}. De cijfers staan in de tabel.")
    return found
