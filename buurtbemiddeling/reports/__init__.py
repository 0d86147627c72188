"""Reports (meldingen) coming in from the public forms, and the coordinator's inbox."""
from flask import Flask

from . import dashboard, views  # noqa: F401  (dashboard registers its panel)


def init_app(app: Flask) -> None:
    views.init_app(app)
