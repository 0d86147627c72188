from flask import Flask

from . import views


def init_app(app: Flask) -> None:
    views.init_app(app)
