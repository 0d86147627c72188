"""Storing incoming reports and reading the inbox. Pure of Flask."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from db import Store
from common import clock
from common import tables

TABLE = tables.REPORTS
# Where each public form's submissions land: referrals are reports too; volunteer
# applications belong to the volunteers' area (same record shape, own table).
APPLICATIONS_TABLE = tables.APPLICATIONS
FORM_TABLES = {"report": TABLE, "referral": TABLE, "application": APPLICATIONS_TABLE}


def table_for(form_name: str) -> str:
    return FORM_TABLES.get(form_name, TABLE)


def new_record(form_name: str, cleaned: dict[str, Any], *, lang: str = "nl", source: str = "web",
               received_at: datetime | None = None) -> dict[str, Any]:
    return {
        "form": form_name,
        "received_at": clock.stamp(received_at),
        "source": source,
        "lang": lang,
        "status": "nieuw",
        "flags": flags_for(cleaned),
        "values": cleaned,
    }


def store_submission(store: Store, form_name: str, cleaned: dict[str, Any], *, lang: str = "nl", source: str = "web") -> int:
    """Store a validated submission first, before anything else (mail, flags) can fail."""
    with store.transaction() as tx:
        return tx.table(table_for(form_name)).insert(new_record(form_name, cleaned, lang=lang, source=source))


def flags_for(cleaned: dict[str, Any]) -> list[str]:
    """A report mentioning violence or threats is kept but marked for the coordinator."""
    return ["veiligheid"] if cleaned.get("violence") == "ja" else []


def new_reports(view) -> list:
    """The new reports, the latest first. Which are new is kept per part of the reports
    (`parted`): after a post only the newest part is looked at again, not five years of reports."""
    ids = view.parted("reports.new", TABLE, lambda docs: [doc.doc_id for doc in docs if doc.get("status") == "nieuw"])
    return sorted(view.table(TABLE).by_ids(doc_id for part in ids for doc_id in part),
                  key=lambda doc: (doc["received_at"], doc.doc_id), reverse=True)


def all_reports(view) -> list:
    return sorted(view.table(TABLE).all(), key=lambda doc: (doc["received_at"], doc.doc_id), reverse=True)


def get_report(view, report_id: int):
    return view.table(TABLE).get(doc_id=report_id)


# How a report came in, for the inbox's filter and labels.
KINDS = {"melding": "Melding", "verwijzing": "Verwijzing", "telefonisch": "Telefonisch"}
STATUSES = {"nieuw": "Nieuw", "verwerkt": "Zaak gemaakt", "afgehandeld": "Afgehandeld zonder zaak"}


def kind_of(report) -> str:
    if report.get("form") == "referral":
        return "verwijzing"
    return "telefonisch" if report.get("source") == "telefoon" else "melding"


def inbox_order(view) -> list:
    """New reports first, the oldest of them on top (the longest waiting); then the rest, newest first."""
    reports = all_reports(view)
    return [r for r in reversed(reports) if r.get("status") == "nieuw"] + [r for r in reports if r.get("status") != "nieuw"]


def preferred_language(report) -> str:
    """The language a resident would rather speak ("" for Dutch): what they wrote in the report's
    language field, else the language of the site they reported in ("Turks" for /tr/)."""
    values = report.get("values") or {}
    written = str(values.get("language") or "").strip()
    if written or report.get("form") != "report":  # a referral's language is the referrer's
        return written
    # Here, not at the top: the panels on Vandaag read the inbox, and importing the public
    # forms package (every form's fields and texts) cost that page more than its own work.
    from forms.application import LANGUAGES, SITE_LANGUAGES
    from forms.fields import pick

    value = SITE_LANGUAGES.get(report.get("lang") or "nl", "nederlands")
    return "" if value == "nederlands" else pick(dict(LANGUAGES)[value], "nl")


def display_name(report) -> str:
    values = report.get("values", {})
    return values.get("name") or values.get("resident_name") or "(geen naam)"
