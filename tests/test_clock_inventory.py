"""One clock: no module asks the system for the date or time except common/clock.py, and
the few that time something (a session, a code, a lock, a file's age) say why below."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.source_tree import parsed

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("buurtbemiddeling", "common", "db", "figures", "forms", "sitebuilder", "deploy")
TOP_MODULES = ("app.py", "build.py")
# Calls that read the system clock, by how they end: date.today(), datetime.now(), ...
CLOCK_CALLS = {("date", "today"), ("datetime", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("time", "time")}

ALLOWED = {
    ("common/clock.py", "datetime.now"): "the one clock",
    ("buurtbemiddeling/auth/sessions.py", "time.time"): "session idle and absolute timeouts, in seconds",
    ("buurtbemiddeling/auth/users.py", "time.time"): "when a login session started, for its timeouts",
    ("buurtbemiddeling/auth/twofactor.py", "time.time"): "the 30-second window of a one-time code (RFC 6238)",
    ("buurtbemiddeling/auth/views.py", "time.time"): "the time limit between password and code at login",
    ("buurtbemiddeling/auth/throttle.py", "datetime.now"): "the login throttle's window of minutes",
    ("buurtbemiddeling/reports/form_posts.py", "time.time"): "a public form's token age and rate limit (spam guard)",
    ("buurtbemiddeling/mail.py", "time.time"): "forgetting addresses after the form rate-limit window",
    ("buurtbemiddeling/sheets.py", "time.time"): "clearing stashed uploads by their file modification time",
    ("db/backup.py", "datetime.now"): "a backup file's name and age, compared with file system times",
    ("db/backup.py", "time.time"): "removing a stale temporary backup file by its modification time",
    ("db/store.py", "datetime.now"): "the age of the newest backup file for `flask doctor`",
    ("db/store.py", "time.time"): "clearing superseded table versions by their file age",
}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def clock_calls(root: Path = ROOT, packages=PACKAGES, modules=TOP_MODULES) -> set[tuple[str, str]]:
    files = [p for package in packages for p in (root / package).rglob("*.py")] + [root / m for m in modules]
    found = set()
    for path in files:
        if not path.exists():
            continue
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                pair = (_name(node.func.value), node.func.attr)
                if pair in CLOCK_CALLS:
                    found.add((path.relative_to(root).as_posix(), ".".join(pair)))
    return found


def test_only_the_clock_reads_the_system_time_for_programme_dates():
    unexpected = sorted(clock_calls() - set(ALLOWED))
    assert not unexpected, ("ask common.clock (now, today, stamp) instead of the system clock:\n"
                            + "\n".join(f"{path}: {call}()" for path, call in unexpected))


def test_every_allowed_use_of_the_system_time_still_exists():
    stale = sorted(set(ALLOWED) - clock_calls())
    assert not stale, f"remove from ALLOWED: {stale}"


def test_the_inventory_sees_a_new_call(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "late.py").write_text("import datetime as dt\nday = dt.date.today()\n")
    (tmp_path / "app.py").write_text("from datetime import datetime\nstarted = datetime.now()\n")
    assert clock_calls(tmp_path) == {("figures/late.py", "date.today"), ("app.py", "datetime.now")}


def test_tests_take_the_programmes_date_from_the_clock_too():
    """A test that types date.today() disagrees with the app for an hour each night (UTC vs Amsterdam);
    seconds for timeouts and token ages (time.time) are another matter."""
    dated = sorted(found for found in clock_calls(packages=("tests",), modules=()) if found[1] != "time.time")
    assert dated == []
