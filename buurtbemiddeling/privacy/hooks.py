"""The retention command and the opportunistic daily run (see the package docstring)."""
from __future__ import annotations

import click
from flask import Flask, Response, current_app
from flask.cli import with_appcontext

from common import clock

from ..store import get_store
from ..uploads import upload_dir
from .last_run import last_run


@click.command("retention")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Alleen tonen wat zou verdwijnen; niets wijzigen.")
def retention_command(dry_run: bool) -> None:
    """Anonimiseer gegevens waarvan de bewaartermijn voorbij is."""
    from . import retention  # the rules of every area: imported when run, not for each CGI request

    due = retention.run(get_store(), clock.today(), dry_run=dry_run, upload_dir=upload_dir())
    for item in due:
        click.echo(f"{item.label}: sinds {item.since.isoformat()}, termijn voorbij op {item.due.isoformat()}")
    verb = "zou worden geanonimiseerd" if dry_run else "geanonimiseerd"
    click.echo(f"{len(due)} {verb}.")


def _daily_run(app: Flask) -> None:
    with app.app_context():
        try:
            if last_run(app.extensions["store"].read()) == clock.today().isoformat():
                return  # ran today: no need to import the rules (run_daily checks again under the lock)
            from . import retention

            retention.run_daily(app.extensions["store"], clock.today(), upload_dir=upload_dir())
        except Exception:  # never let housekeeping break a request; cron is the fallback
            app.logger.exception("automatic retention run failed")


def _after_request(response: Response) -> Response:
    app = current_app._get_current_object()
    if not app.config.get("RETENTION_AUTO_RUN", True):
        return response
    today = clock.today().isoformat()
    if app.extensions.get("retention_checked") != today:
        # One check per process per day; run_daily re-checks `_meta` under the lock.
        app.extensions["retention_checked"] = today
        response.call_on_close(lambda: _daily_run(app))
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("RETENTION_AUTO_RUN", True)
    app.after_request(_after_request)
    app.cli.add_command(retention_command)
