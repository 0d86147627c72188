"""Quality: nabespreking (debrief), nazorg, signals about volunteers, and the quality figures.

Other areas: `figures.compute(cases, nazorg_records, year=..., today=..., working_days=...)` (pure; the
annual report can show the same numbers), `nazorg.done(case, records)`.
"""
from flask import Flask

from .. import on_demand


def init_app(app: Flask) -> None:
    on_demand.add(app, "buurtbemiddeling.quality.views:bp")
    on_demand.add(app, "buurtbemiddeling.quality.views:case_bp")
