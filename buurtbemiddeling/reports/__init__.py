"""Reports (meldingen) coming in from the public forms, and the coordinator's inbox."""
from flask import Flask

from . import views


def init_app(app: Flask) -> None:
    views.init_app(app)
