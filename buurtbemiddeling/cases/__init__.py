"""Cases (zaken): from report to closure along the seven steps, with the daily worklists."""
from flask import Flask

from . import dashboard, page, usage, views  # noqa: F401  (dashboard, page sections and list usage register themselves)


def init_app(app: Flask) -> None:
    views.init_app(app)
