"""The coordinator's professional development log, shown under Planning."""
from flask import Flask


def init_app(app: Flask) -> None:
    from ..answers import register_filters
    from . import views

    register_filters(app)
    app.register_blueprint(views.bp)
