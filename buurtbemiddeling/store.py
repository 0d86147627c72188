"""The one Store of the app, opened in the factory and reached through `get_store()`."""
from pathlib import Path

from flask import Flask, current_app

from db import Store
from db.kept_on_disk import KeptOnDisk

from common import tables

# What a page reads a case at a time: the timeline, debriefs, nazorg answers and duo proposals.
# With five years of cases they are most of the data; a worker keeps them unparsed (db/lazy.py).
LAZY_TABLES = (tables.CASE_EVENTS, tables.DEBRIEFS, tables.NAZORG, tables.DUO_PROPOSALS)
# Tables holding secrets (password hashes, two-step secrets): an old version is not kept on disk
# for readers (db/store.py), so a secret changed or sealed is gone from the disk at once.
NO_HISTORY = (tables.USERS,)
# Tables that grow with every case, report and mail, kept in parts of this many documents
# (db/parts.py): a note, a step or a public post rewrites one part of a few hundred kilobytes,
# whatever the years of history (whole, the timeline at 15,000 cases is 45 MB, the cases 24 MB).
PARTS = {tables.CASE_EVENTS: 1000, tables.CASES: 200, tables.DEBRIEFS: 500, tables.NAZORG: 1000,
         tables.DUO_PROPOSALS: 500, tables.REPORTS: 200, tables.APPLICATIONS: 200, tables.OUTBOX: 200}


# In the instance folder: where a process serving one request keeps values over whole tables
# for the next (db/kept_on_disk.py). Only these: ids, counts, steps and moments, no personal
# data (a kept file outlives an erasure until the next request replaces it).
FOLD_CACHE = "cache/folds"
KEPT_ON_DISK = frozenset({
    "fold:index:case_events.case_id", "fold:index:debriefs.case_id", "fold:index:nazorg.case_id",
    "fold:index:duo_proposals.case_id",  # {case id: ids of its documents}
    "fold:cases.activity",  # {case id: (latest moment, minutes)}
    "fold:coaching.asked_when",  # {debrief id: (case id, date, moment written)}
    "fold:coaching.heard.events", "fold:coaching.heard.debriefs",  # {case id: (date, a fixed label)}
    "summed:cases.step_counts", "summed:volunteers.mediation_counts",  # counts per step, per volunteer id
    "parted:cases.running", "parted:messages.feedback_calls",  # per part of the cases: ids (cases/repo.py `picked`)
    "derived:cases.same_streets.cases",  # {case id: ids of the cases about the same two addresses} (cases/intake.py)
})


def init_store(app: Flask, one_request: bool = False) -> None:
    """`one_request`: the process ends after one request (deploy/app.cgi): it parses without
    sharing strings and keeps the folds it builds on disk (db/kept_on_disk.py), see `Store`."""
    kept = KeptOnDisk(Path(app.instance_path) / FOLD_CACHE, KEPT_ON_DISK) if one_request else None
    store = Store(app.config["DATA_DIR"], lazy=LAZY_TABLES, no_history=NO_HISTORY, parts=PARTS,
                  one_request=one_request, kept_on_disk=kept)
    store.migrate()
    app.extensions["store"] = store


def get_store() -> Store:
    return current_app.extensions["store"]
