"""The one Store of the app, opened in the factory and reached through `get_store()`."""
from flask import Flask, current_app

from db import Store

from common import tables

# What a page reads a case at a time: the timeline, debriefs, nazorg answers and duo proposals.
# With five years of cases they are most of the data; a worker keeps them unparsed (db/lazy.py).
LAZY_TABLES = (tables.CASE_EVENTS, tables.DEBRIEFS, tables.NAZORG, tables.DUO_PROPOSALS)
# Tables holding secrets (password hashes, two-step secrets): an old version is not kept on disk
# for readers (db/store.py), so a secret changed or sealed is gone from the disk at once.
NO_HISTORY = (tables.USERS,)


def init_store(app: Flask) -> None:
    store = Store(app.config["DATA_DIR"], lazy=LAZY_TABLES, no_history=NO_HISTORY)
    store.migrate()
    app.extensions["store"] = store


def get_store() -> Store:
    return current_app.extensions["store"]
