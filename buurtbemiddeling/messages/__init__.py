"""Messages that reach people: the outbox made visible (Instellingen → E-mail), mail sent right
after the response, feedback to referrers, and the standard letters to the parties.

The rules are pure and live beside their views: `feedback` (who may be told what),
`templates` (the texts and the merge fields each may hold), `letters` (which letter to whom).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    # dashboard and case_section register their Vandaag panel and case page section on import.
    from . import case_section, case_views, dashboard, dispatch, outbox_views, text_views  # noqa: F401

    dispatch.init_app(app)
    for blueprint in (outbox_views.bp, text_views.bp, case_views.bp):
        app.register_blueprint(blueprint)
