"""The intake term: within how many working days after a report the intake must be decided.

One setting (`intake_working_days` in table `settings`, 1-30, default 5) feeds the case
page and Vandaag (deadline, "te laat"), the quality page and reports (intake on time), the
confirmation mails and the public site ({{ intake.term }} in site/content, filled at build).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from figures.cases import intake_on_time, reported_on

from . import tables
from .clock import to_date
from .working_days import add_working_days

KEY = "intake_working_days"
DEFAULT = 5
MINIMUM, MAXIMUM = 1, 30
LABEL = "Termijn voor de intake"
HINT = ("Binnen zoveel werkdagen na de melding moet de intake rond zijn. "
        "De bevestigingsmails en de publieke site noemen dezelfde termijn (na het opnieuw bouwen van de site).")
SETTINGS_TABLE = tables.SETTINGS


def from_settings(docs: Iterable[Mapping[str, Any]]) -> int:
    """The term from the docs of table `settings` (the site builder passes them raw)."""
    stored = next((d.get("value") for d in docs if d.get("key") == KEY), None)
    return stored if isinstance(stored, int) and MINIMUM <= stored <= MAXIMUM else DEFAULT


def current(view) -> int:
    """The programme's term, read from a store view."""
    return from_settings(view.table(SETTINGS_TABLE).all())


def deadline(case: Mapping[str, Any], working_days: int) -> dt.date | None:
    """The last day the intake may be decided: `working_days` after the reported date."""
    reported = reported_on(case)
    return due(reported, working_days) if reported else None


def waiting_for_intake(case: Mapping[str, Any]) -> bool:
    """Reported, and no decision on suitability yet."""
    step = case.get("step")
    return step == "aangemeld" or (step == "intake" and not (case.get("intake") or {}).get("decision"))


def is_late(case: Mapping[str, Any], today: dt.date, working_days: int) -> bool:
    """Still waiting for its intake after the deadline ("Te laat" on Vandaag and the case page)."""
    return waiting_for_intake(case) and is_past(deadline(case, working_days), today)


def is_past(due: dt.date | None, today: dt.date) -> bool:
    """A deadline (of `deadline`) gone by: today is after it."""
    return due is not None and today > due


def report_deadline(report: Mapping[str, Any], working_days: int) -> dt.date | None:
    """The deadline of a report not yet made a case: counted from the (Amsterdam) day it came in."""
    received = to_date(report.get("received_at"))
    return due(received, working_days) if received else None


def report_is_late(report: Mapping[str, Any], today: dt.date, working_days: int) -> bool:
    """A new report (no case made, not handled) still waiting after the deadline."""
    deadline_day = report_deadline(report, working_days)
    return report.get("status") == "nieuw" and deadline_day is not None and today > deadline_day


def in_words(working_days: int, lang: str = "nl") -> str:
    """'5 werkdagen' / '1 werkdag'; '5 working days' — what mails and the site promise.
    Turkish, Arabic and Polish in the form the site's sentences need ("içinde", "خلال", "w ciągu")."""
    n = working_days
    if lang == "en":
        return f"{n} working day{'s' if n != 1 else ''}"
    if lang == "tr":
        return f"{n} iş günü"
    if lang == "pl":  # genitive after "w ciągu"
        return "1 dnia roboczego" if n == 1 else f"{n} dni roboczych"
    if lang == "ar":  # Arabic counts 1, 2, 3-10 and 11+ differently
        return ("يوم عمل واحد" if n == 1 else "يومَي عمل" if n == 2
                else f"{n} أيام عمل" if n <= 10 else f"{n} يوم عمل")
    return f"{n} werkdag{'en' if n != 1 else ''}"


def due(reported: dt.date, working_days: int) -> dt.date:
    """The deadline for a report made on `reported` (the figures' `deadline` callable)."""
    return add_working_days(reported, working_days)


def on_time(case: Mapping[str, Any], today: dt.date, working_days: int) -> bool | None:
    """Was the intake decided in time? None while the term still runs (see figures.cases)."""
    return intake_on_time(case, today=today, deadline=lambda reported: due(reported, working_days))
