"""Quality: nabespreking (debrief), nazorg, signals about volunteers, and the quality figures.

Other areas: `figures.compute(cases, nazorg_records, year=..., today=..., working_days=...)` (pure; the
annual report can show the same numbers), `nazorg.done(case, records)`.
"""
from flask import Flask

from . import views  # noqa: F401  (registers the case page section)


def init_app(app: Flask) -> None:
    views.init_app(app)
