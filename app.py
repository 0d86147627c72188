"""The application factory and WSGI entry point (`application`)."""
from __future__ import annotations

import os

from pathlib import Path
from typing import Any

from flask import Flask
from flask.cli import NoAppException

from common.instance import InstanceMissing, locate

from buurtbemiddeling import admin, app_clock, startup, auth, config, extensions, public_site, reports, security
from buurtbemiddeling import mail, messages
from buurtbemiddeling import budget, development, network, planning
from buurtbemiddeling import volunteers
from buurtbemiddeling import cases, settings
from buurtbemiddeling import protocols
from buurtbemiddeling import coaching, matching, quality
from buurtbemiddeling import publicity, reporting
from buurtbemiddeling import portal, privacy
from buurtbemiddeling.on_demand import OnDemandFlask
from buurtbemiddeling.store import init_store
from db.storage import serve_many_requests


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    overrides = dict(overrides or {})
    # CGI (deploy/app.cgi) serves one request per process: areas' views load when first asked for.
    on_demand = overrides.pop("ON_DEMAND", False)
    # The instance holds personal data: on a shared host no other account may read what the
    # app writes there (files 0600, folders 0700). The public site sets its own rights.
    os.umask(0o077)
    # On a web host the instance folder (data, config, secret key) lives outside the web root.
    try:
        instance = locate(overrides.pop("INSTANCE_PATH", None))
    except InstanceMissing as exc:
        # A click error: `flask` commands print it as one Dutch line, app.cgi as its 500 page.
        raise NoAppException(str(exc)) from None
    app = (OnDemandFlask if on_demand else Flask)(
        __name__,
        instance_path=str(instance.path),
        instance_relative_config=True,
        static_folder=None,  # each face serves its own assets
        template_folder=str(Path(__file__).resolve().parent / "buurtbemiddeling" / "templates"),
    )
    config.load(app, overrides)
    startup.init_app(app)
    app_clock.init_app(app)
    app.config["INSTANCE_SOURCE"] = instance.source
    extensions.init_app(app)
    init_store(app, one_request=on_demand)
    if not on_demand and not app.testing:  # the tests' processes make an app per test: their garbage is apps
        serve_many_requests()
    security.init_app(app)

    auth.init_app(app)
    admin.init_app(app)
    reports.init_app(app)
    network.init_app(app)
    budget.init_app(app)
    planning.init_app(app)
    development.init_app(app)
    volunteers.init_app(app)
    settings.init_app(app)
    cases.init_app(app)
    protocols.init_app(app)
    matching.init_app(app)
    coaching.init_app(app)
    quality.init_app(app)
    reporting.init_app(app)
    publicity.init_app(app)
    privacy.init_app(app)
    portal.init_app(app)
    mail.init_app(app)
    messages.init_app(app)
    if not on_demand:  # the `flask` commands; a process that serves one request needs none
        from buurtbemiddeling import cli

        cli.init_app(app)
    # Last: the catch-all that serves the built public site in development.
    public_site.init_app(app)
    startup.keep_built_urls(app)
    return app


def __getattr__(name: str):
    # WSGI servers look up `application`; create it lazily so `import app` stays cheap.
    if name == "application":
        global application
        application = create_app()
        return application
    raise AttributeError(name)
