"""Schema migrations, applied in order by ``Store.migrate()``.

Each entry is ``(version, fn)``; ``fn(tx)`` gets the open transaction and
should only touch the store through ``tx``: the store records ``version`` in
``_meta`` (doc 1, ``{"schema": N}``) in the same transaction.  Append new
migrations at the end with the next version number; never edit old ones.
"""

from __future__ import annotations

import re

from common import clock


def _create_meta(tx) -> None:
    # The _meta record itself is written by Store.migrate().
    pass


def _one_claims_table(tx) -> None:
    # Claims once also went into the volunteers area's own `expenses` table; the budget's
    # `expense_claims` is the only one now, so move them over with its field names.
    old = tx.table("expenses")
    moved = [{"volunteer_id": doc.get("volunteer_id"), "date": doc.get("date", ""),
              "amount_cents": doc.get("amount_cents", 0), "description": doc.get("what", ""),
              "receipt": doc.get("receipt"), "status": doc.get("status", "ingediend"),
              "created_at": doc.get("at", ""), "entered_by": doc.get("by", ""),
              "decided_at": doc.get("decided_on", ""), "decided_by": doc.get("decided_by", ""),
              "reason": doc.get("reason", "")} for doc in old.all()]
    if moved:
        tx.table("expense_claims").insert_multiple(moved)
        old.truncate()


def _counters_off_the_data_lock(tx) -> None:
    # Login throttle, form rate limit and refused-post counts moved to db/counters.py; the
    # throttle and rate entries only live for minutes, the daily counts are carried over.
    old = tx.table("spam_counts")
    with tx.store.counters.update("spam_counts") as counts:
        for doc in old.all():
            key = f"{doc.get('day', '')}|{doc.get('form', '')}|{doc.get('reason', '')}"
            counts[key] = counts.get(key, 0) + int(doc.get("count", 0))
    for name in ("spam_counts", "form_rate", "login_throttle"):
        if len(tx.table(name)):
            tx.table(name).truncate()


# A pattern, compiled on first use: every process imports this module, few migrate.
_MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"


def _with_offset(value):
    """A stored value with every moment in it in the one stored form (common/clock.py)."""
    if isinstance(value, str):
        return clock.stored(value) if re.match(_MOMENT, value) else value
    if isinstance(value, dict):
        return {key: _with_offset(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_offset(item) for item in value]
    return value


def _timestamps_with_offset(tx) -> None:
    # Moments were stored three ways: UTC with offset (reports, accounts), local without
    # offset (cases; volunteers' history in the server's zone). Now all are Amsterdam time
    # with offset, so a moment's first ten characters are its programme date everywhere.
    # A value without offset is read as Amsterdam time.
    for name in tx.store.table_names():
        if name.startswith("_"):
            continue
        table = tx.table(name)
        for doc in table.all():
            fixed = _with_offset(dict(doc))
            if fixed != doc:
                table.update(fixed, doc_ids=[doc.doc_id])


def _tables_in_parts(tx) -> None:
    # The timeline, the cases and the other tables that grow with every year are kept in parts
    # by range of ids (db/parts.py), so a note rewrites one part instead of five years of history.
    for name in sorted(tx.store.parts):
        tx.split(name)


MIGRATIONS = [
    (1, _create_meta),
    (2, _one_claims_table),
    (3, _counters_off_the_data_lock),
    (4, _timestamps_with_offset),
    (5, _tables_in_parts),
]


def latest_schema() -> int:
    return max((version for version, _ in MIGRATIONS), default=0)
