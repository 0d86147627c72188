"""Privacy (AVG): retention periods and the retention run, the audit log pages, and the rights
of the data subject.

The periods themselves live in `common/retention_periods.py` (the site builder reads them for
the privacy statement); the views and the runner are imported only when the app registers them.

Retention runs (1) by `flask --app app retention [--dry-run]` from cron, e.g.
    15 3 * * *  cd /path/to/app && .venv/bin/flask --app app retention
and (2) opportunistically: after the first request of a day, once the response is sent,
under the store lock, at most once a day (`RETENTION_AUTO_RUN`, on by default).
"""
from __future__ import annotations


def init_app(app) -> None:
    from .. import on_demand
    from . import hooks

    hooks.init_app(app)
    on_demand.add(app, "buurtbemiddeling.privacy.views:bp")
