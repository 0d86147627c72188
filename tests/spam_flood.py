"""Subprocess helper for tests/test_spam.py: a robot's flood of refused posts, as the report
form's view handles them (reports/form_posts.py `_submit`): every other post fills the hidden field,
the rest are over the address's rate limit. Only the store work of a post is done, so the
flood is fast even on a busy machine.

Usage: spam_flood.py DATA_DIR COUNT — prints "started" after the first post, "done" at the end.
"""
import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import clock
from buurtbemiddeling import spam  # noqa: E402
from db import Store  # noqa: E402


def main() -> None:
    store = Store(sys.argv[1])
    key = spam.address_key("test", "203.0.113.9")
    for n in range(int(sys.argv[2])):
        if n % 2:
            spam.count_rejected(store, "report", spam.HONEYPOT, clock.today())
        elif spam.over_rate_limit(store, key, 1000.0 + n, limit=0, window=3600):
            spam.count_rejected(store, "report", spam.RATE_LIMIT, clock.today())
        if n == 0:
            print("started", flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
