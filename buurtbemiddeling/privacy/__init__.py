"""Privacy (AVG): retention periods and the retention run, the audit log pages, and the rights
of the data subject.

`periods` is pure and light (the site builder imports it for the privacy statement); the
views and the runner are imported only when the app registers them.

Retention runs (1) by `flask --app app retention [--dry-run]` from cron, e.g.
    15 3 * * *  cd /path/to/app && .venv/bin/flask --app app retention
and (2) opportunistically: after the first request of a day, once the response is sent,
under the store lock, at most once a day (`RETENTION_AUTO_RUN`, on by default).
"""
from __future__ import annotations

import click
from flask import Flask, Response, current_app
from flask.cli import with_appcontext

from . import periods  # noqa: F401  (registers the periods as settings numbers)


@click.command("retention")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Alleen tonen wat zou verdwijnen; niets wijzigen.")
def retention_command(dry_run: bool) -> None:
    """Anonimiseer gegevens waarvan de bewaartermijn voorbij is."""
    from ..cases import repo as case_repo
    from ..store import get_store
    from ..uploads import upload_dir
    from . import retention

    due = retention.run(get_store(), case_repo.today(), dry_run=dry_run, upload_dir=upload_dir())
    for item in due:
        click.echo(f"{item.label}: sinds {item.since.isoformat()}, termijn voorbij op {item.due.isoformat()}")
    verb = "zou worden geanonimiseerd" if dry_run else "geanonimiseerd"
    click.echo(f"{len(due)} {verb}.")


def _daily_run(app: Flask) -> None:
    from ..cases import repo as case_repo
    from . import retention

    with app.app_context():
        try:
            from ..uploads import upload_dir

            retention.run_daily(app.extensions["store"], case_repo.today(), upload_dir=upload_dir())
        except Exception:  # never let housekeeping break a request; cron is the fallback
            app.logger.exception("automatic retention run failed")


def _after_request(response: Response) -> Response:
    app = current_app._get_current_object()
    if not app.config.get("RETENTION_AUTO_RUN", True):
        return response
    from ..cases import repo as case_repo

    today = case_repo.today().isoformat()
    if app.extensions.get("retention_checked") != today:
        # One check per process per day; run_daily re-checks `_meta` under the lock.
        app.extensions["retention_checked"] = today
        response.call_on_close(lambda: _daily_run(app))
    return response


def init_app(app: Flask) -> None:
    from . import views

    app.config.setdefault("RETENTION_AUTO_RUN", True)
    views.init_app(app)
    app.after_request(_after_request)
    app.cli.add_command(retention_command)
