"""Messages that reach people: the outbox made visible (Instellingen → E-mail), mail sent right
after the response, feedback to referrers, and the standard letters to the parties.

The rules are pure and live beside their views: `feedback` (who may be told what),
`letters` (the templates, their merge fields and what each letter may hold).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import dashboard, dispatch, outbox_views  # noqa: F401  (dashboard registers its panel)

    dispatch.init_app(app)
    app.register_blueprint(outbox_views.bp)
