"""Schema migrations, applied in order by ``Store.migrate()``.

Each entry is ``(version, fn)``; ``fn(tx)`` gets the open transaction and
should only touch the store through ``tx``: the store records ``version`` in
``_meta`` (doc 1, ``{"schema": N}``) in the same transaction.  Append new
migrations at the end with the next version number; never edit old ones.
"""

from __future__ import annotations


def _create_meta(tx) -> None:
    # The _meta record itself is written by Store.migrate().
    pass


MIGRATIONS = [
    (1, _create_meta),
]
