"""The app's clock: `CLOCK` in the config (a `common.clock.Clock`, or a date or moment to stand
still at; nothing for the real clock) answers `common.clock.now()/today()` in every app context:
requests, CLI commands, a live server's threads. Also registers the display filters."""
from __future__ import annotations

from flask import Flask, appcontext_pushed, g

from common import clock, templating


def init_app(app: Flask) -> None:
    app.config["CLOCK"] = clock.clock_from(app.config.get("CLOCK"))
    templating.register(app.jinja_env)
    appcontext_pushed.connect(_install, app, weak=False)
    app.teardown_appcontext(_uninstall)


def _install(app: Flask, **_) -> None:
    # Read at every push, so a test may swap app.config["CLOCK"] after create_app.
    g._clock_token = clock.install(app.config.get("CLOCK"))


def _uninstall(_error=None) -> None:
    token = g.pop("_clock_token", None)
    if token is not None:
        clock.uninstall(token)
