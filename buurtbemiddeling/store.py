"""The one Store of the app, opened in the factory and reached through `get_store()`."""
from flask import Flask, current_app

from db import Store


def init_store(app: Flask) -> None:
    store = Store(app.config["DATA_DIR"])
    store.migrate()
    app.extensions["store"] = store


def get_store() -> Store:
    return current_app.extensions["store"]
