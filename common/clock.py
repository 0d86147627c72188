"""The programme's one clock, how moments are stored, and how dates and times are shown.

    from common import clock
    clock.now()            # aware datetime in Europe/Amsterdam
    clock.today()          # the programme's date: today in Amsterdam, whatever the server's zone
    clock.stamp()          # "2026-12-06T10:16:00+01:00", what the store keeps
    clock.date_text(x)     # "06-12-2026"
    clock.datetime_text(x) # "06-12-2026 10:16" (in Amsterdam time, whatever offset x was stored with)

Which clock answers is a context variable, so tests never patch `time.time`:
`with clock.using(clock.FixedClock("2026-12-06T00:30")): ...` for plain code, and
`create_app({"CLOCK": ...})` for the app, which installs its clock on every app context
(requests, CLI commands, a live server's threads). Pure: no Flask, no store.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Iterator, Union
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Amsterdam")
DATE_FORMAT = "%d-%m-%Y"  # 06-12-2026: the one way a date is shown
DATETIME_FORMAT = "%d-%m-%Y %H:%M"  # 06-12-2026 10:16: the one way a moment is shown
Moment = Union[str, dt.date, None]  # a stored ISO string, a date or a datetime
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

class Clock:
    """The real clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(TZ)

    def today(self) -> dt.date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still until a test moves it: `set(...)` or `advance(hours=3)`."""

    def __init__(self, at: str | dt.datetime | dt.date):
        self.set(at)

    def set(self, at: str | dt.datetime | dt.date) -> None:
        moment = parse(at)
        if moment is None:
            raise ValueError(f"not a moment: {at!r}")
        self._at = moment

    def advance(self, **delta: float) -> None:
        """Let real time pass (over a change to summer time a day is 23 hours)."""
        self._at = (self._at.astimezone(dt.timezone.utc) + dt.timedelta(**delta)).astimezone(TZ)

    def now(self) -> dt.datetime:
        return self._at


SYSTEM = Clock()
_current: ContextVar[Clock] = ContextVar("programme_clock", default=SYSTEM)


def clock_from(value: Clock | Moment) -> Clock:
    """A config value as a clock: nothing is the real clock; a date or moment a fixed one."""
    if value is None or value == "":
        return SYSTEM
    return value if isinstance(value, Clock) else FixedClock(value)


def install(value: Clock | Moment) -> Token:
    """Make `value` the clock of the current context; hand the token to `uninstall`."""
    return _current.set(clock_from(value))


def uninstall(token: Token) -> None:
    _current.reset(token)


@contextmanager
def using(value: Clock | Moment) -> Iterator[Clock]:
    token = install(value)
    try:
        yield _current.get()
    finally:
        uninstall(token)


def current() -> Clock:
    return _current.get()


def now() -> dt.datetime:
    """This moment, aware, in Europe/Amsterdam."""
    return _current.get().now().astimezone(TZ)


def today() -> dt.date:
    """The programme's date: the date in Amsterdam now (not the server's, not UTC's)."""
    return now().date()


# -- storing -----------------------------------------------------------------------

def stamp(moment: dt.datetime | None = None) -> str:
    """A moment as stored: ISO 8601 in Amsterdam time with its offset, to the second.

    The first ten characters are the programme's date of the moment.
    """
    moment = now() if moment is None else _aware(moment).astimezone(TZ)
    return moment.replace(microsecond=0).isoformat()


def stored(value: Moment) -> str:
    """Any moment (an older stored form, a datetime) in the stored form; '' for nothing."""
    moment = parse(value)
    return stamp(moment) if moment else ""


def on(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    """That wall-clock time on that day in Amsterdam."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def parse(value: Moment) -> dt.datetime | None:
    """A stored or typed moment as an aware datetime in Amsterdam; None if it is none.

    A value without offset (written before timestamps carried one) is Amsterdam time;
    a bare date is its midnight in Amsterdam.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return _aware(value).astimezone(TZ)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=TZ)
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return _aware(moment).astimezone(TZ)


def to_date(value: Moment) -> dt.date | None:
    """The programme's date of a stored date or moment; None for nothing or garbage."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    moment = parse(value)
    return moment.date() if moment else None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=TZ) if moment.tzinfo is None else moment


# -- showing -----------------------------------------------------------------------

def date_text(value: Moment, *, weekday: bool = False) -> str:
    """'06-12-2026' (or 'zondag 06-12-2026'); '' for nothing. A moment shows its Amsterdam date."""
    day = to_date(value)
    if day is None:
        return ""
    text = day.strftime(DATE_FORMAT)
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def datetime_text(value: Moment) -> str:
    """'06-12-2026 10:16' in Amsterdam time; a bare date shows as a date; '' for nothing."""
    if isinstance(value, str) and len(value.strip()) == 10 or (
            isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return date_text(value)
    moment = parse(value)
    return moment.strftime(DATETIME_FORMAT) if moment else ""


def time_text(value: str | dt.datetime | None) -> str:
    """'10:16' in Amsterdam time; '' for nothing."""
    moment = parse(value)
    return moment.strftime("%H:%M") if moment else ""
