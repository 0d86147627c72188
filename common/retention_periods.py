"""How long personal data is kept: the one source of truth for the retention rule
(`buurtbemiddeling/privacy/retention.py`), the settings page and the privacy statement on the
public site. Pure: the site builder imports it.

The coordinator may change a period under Instellingen (table `settings`); the defaults below
apply until then. The site builder reads the same numbers from the data folder, so the
statement always says what the retention run does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from . import tables


MAIL_DAYS = 30  # a sent mail's record is removed this many days after sending; an unsent one's text after as many
SETTINGS_TABLE = tables.SETTINGS  # settings.numbers' table; the builder reads it raw from the data folder
CASE = "retention_case_months"
REPORT = "retention_report_months"
APPLICATION = "retention_application_months"
VOLUNTEER = "retention_volunteer_months"

# key -> (label, default, minimum, maximum, hint), registered as settings numbers by the app.
DEFINITIONS = {
    CASE: ("Bewaartermijn afgesloten zaak", 24, 6, 120,
           "Zoveel maanden na het afsluiten wordt een zaak geanonimiseerd. Cijfers blijven kloppen."),
    REPORT: ("Bewaartermijn melding zonder zaak", 24, 1, 120,
             "Een melding die geen zaak werd, wordt zoveel maanden na het afhandelen gewist."),
    APPLICATION: ("Bewaartermijn afgewezen aanmelding", 6, 1, 60,
                  "Een afgewezen of teruggetrokken aanmelding (ook tijdens de opleiding) wordt zoveel maanden later gewist."),
    VOLUNTEER: ("Bewaartermijn gestopte vrijwilliger", 24, 1, 120,
                "Zoveel maanden nadat een bemiddelaar stopte, worden de persoonsgegevens gewist."),
}
KEYS = tuple(DEFINITIONS)


@dataclass(frozen=True)
class Periods:
    """How long each kind of record is kept, as configured."""

    case_months: int
    report_months: int
    application_months: int
    volunteer_months: int
    mail_days: int = MAIL_DAYS


def from_settings(docs: Iterable[Mapping]) -> Periods:
    """The periods from the docs of table `settings` (the builder passes them raw)."""
    stored = {d.get("key"): d.get("value") for d in docs}
    value = {key: stored[key] if isinstance(stored.get(key), int) else DEFINITIONS[key][1] for key in KEYS}
    return Periods(value[CASE], value[REPORT], value[APPLICATION], value[VOLUNTEER])


def current(view) -> Periods:
    return from_settings(view.table(SETTINGS_TABLE).all())


def duration(months: int, lang: str = "nl") -> str:
    """24 -> '2 jaar' / '2 years'; 6 -> '6 maanden' / '6 months'."""
    if months % 12 == 0:
        years = months // 12
        return f"{years} jaar" if lang == "nl" else f"{years} year{'s' if years != 1 else ''}"
    return f"{months} maand{'en' if months != 1 else ''}" if lang == "nl" else f"{months} month{'s' if months != 1 else ''}"


def statement(periods: Periods, lang: str = "nl") -> dict[str, str]:
    """The words the privacy statement fills in: {{ privacy.case }} and so on."""
    days = f"{periods.mail_days} dagen" if lang == "nl" else f"{periods.mail_days} days"
    return {"case": duration(periods.case_months, lang), "report": duration(periods.report_months, lang),
            "application": duration(periods.application_months, lang),
            "volunteer": duration(periods.volunteer_months, lang), "mail": days}
