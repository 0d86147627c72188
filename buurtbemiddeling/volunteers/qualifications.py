"""Trainings and qualifications: the catalogue, records per volunteer, validity and expiry.

Catalogue (table `trainings`): {"name", "kind": basistraining | verdieping | kwalificatie,
"hours", "validity_months": int | None, "required": bool, "retired": bool, "description"}.
`required` means every volunteer who meets residents (meeloopperiode, actief) must hold it
and keep it valid, e.g. a VOG renewed every 36 months.
Records (table `training_records`): {"volunteer_id", "training_id", "date", "hours",
"certificate": upload meta | None, "notes", "by", "at"}.

The basistraining counts by hours: records of basistraining items add up, because many
programmes register the 5 dagdelen separately. At least 15 hours is needed for *actief*. No
Flask; the functions taking a view read the tables.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from common import clock

from .checks import past_date
from common import tables

TRAININGS = tables.TRAININGS
RECORDS = tables.TRAINING_RECORDS
BASIS_MIN_HOURS = 15
KINDS = {"basistraining": "Basistraining", "verdieping": "Verdiepingstraining", "kwalificatie": "Kwalificatie"}
EXPIRY_WARNING_DAYS = 60
# Steps in which a volunteer meets residents, so required qualifications must be in order.
WORKING_STEPS = ("meeloopperiode", "actief")

STATES = {"geldig": "Geldig", "verloopt": "Verloopt binnenkort", "verlopen": "Verlopen", "ontbreekt": "Ontbreekt"}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expires_on(record: Mapping[str, Any], training: Mapping[str, Any]) -> date | None:
    months = training.get("validity_months")
    if not months or not record.get("date"):
        return None
    return add_months(date.fromisoformat(record["date"]), int(months))


def state_of(record: Mapping[str, Any] | None, training: Mapping[str, Any], today: date) -> str:
    if record is None:
        return "ontbreekt"
    until = expires_on(record, training)
    if until is None:
        return "geldig"
    if until < today:
        return "verlopen"
    return "verloopt" if (until - today).days <= EXPIRY_WARNING_DAYS else "geldig"


def records_of(view, volunteer_id: int) -> list:
    # The index is kept per version of the table: the dashboard asks for every working volunteer.
    docs = view.index(RECORDS, "volunteer_id").get(volunteer_id, ())
    return sorted(docs, key=lambda r: (r.get("date", ""), r.doc_id))


def catalogue(view, *, include_retired: bool = True) -> list:
    # Asked once per volunteer by the dashboard: sorted once per version of the table.
    def build(v) -> list:
        kind_order = list(KINDS)
        return sorted((t for t in v.table(TRAININGS) if include_retired or not t.get("retired")),
                      key=lambda t: (t.get("retired", False), kind_order.index(t.get("kind", "verdieping")), t.get("name", "")))

    return list(view.derived(f"volunteers.catalogue.{include_retired}", build))


def basistraining_hours(view, volunteer_id: int) -> float:
    basis = {t.doc_id for t in view.table(TRAININGS).all() if t.get("kind") == "basistraining"}
    return sum(float(r.get("hours") or 0) for r in records_of(view, volunteer_id) if r.get("training_id") in basis)


def has_basistraining(view, volunteer_id: int) -> bool:
    """Whether the volunteer completed a basistraining of at least 15 hours (for matching and *actief*)."""
    return basistraining_hours(view, volunteer_id) >= BASIS_MIN_HOURS


@dataclass(frozen=True)
class Standing:
    """Where a volunteer stands for one training: its state and until when it holds."""

    training: Any
    state: str
    record: Any | None
    until: date | None


def required_standing(view, volunteer_id: int, today: date) -> list[Standing]:
    """Per required qualification: the latest record and whether it is still valid."""
    records = records_of(view, volunteer_id)
    rows = []
    for training in catalogue(view, include_retired=False):
        if not training.get("required"):
            continue
        latest = next((r for r in reversed(records) if r.get("training_id") == training.doc_id), None)
        rows.append(Standing(training, state_of(latest, training, today), latest,
                             expires_on(latest, training) if latest else None))
    return rows


def not_in_order(view, volunteer_id: int, today: date) -> list[str]:
    """The required qualifications a volunteer lacks today, in words ("VOG ontbreekt",
    "VOG verlopen op 01-03-2026"): who lacks one may not meet residents, so may not be on a
    case (matching.eligibility) nor be made actief without an override (pipeline)."""
    texts = []
    for standing in required_standing(view, volunteer_id, today):
        name = standing.training.get("name") or "Verplichte kwalificatie"
        if standing.state == "ontbreekt":
            texts.append(f"{name} ontbreekt")
        elif standing.state == "verlopen":
            texts.append(f"{name} verlopen op {clock.date_text(standing.until)}")
    return texts


@dataclass(frozen=True)
class Attention:
    """A volunteer's training that is missing or runs out."""

    volunteer: Any
    what: str
    state: str
    until: date | None


def needing_attention(view, volunteers, today: date) -> list[Attention]:
    """Working volunteers with a required qualification missing, expired or expiring; worst first."""
    rows = []
    for volunteer in volunteers:
        if volunteer.get("step") not in WORKING_STEPS:
            continue
        if not has_basistraining(view, volunteer.doc_id):
            rows.append(Attention(volunteer, "Basistraining", "ontbreekt", None))
        for standing in required_standing(view, volunteer.doc_id, today):
            if standing.state != "geldig":
                rows.append(Attention(volunteer, standing.training["name"], standing.state, standing.until))
    order = {"verlopen": 0, "ontbreekt": 1, "verloopt": 2}
    return sorted(rows, key=lambda a: (order[a.state], a.until or date.max, a.volunteer.get("name", "")))


def check_training(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A catalogue item from the admin form."""
    errors = {}
    name = (form.get("name") or "").strip()[:120]
    if not name:
        errors["name"] = "Vul de naam van de training of kwalificatie in."
    kind = form.get("kind") or ""
    if kind not in KINDS:
        errors["kind"] = "Kies het soort."
    hours = _number(form.get("hours"), errors, "hours", "Vul het aantal uren in als getal, bijvoorbeeld 15.")
    if kind == "basistraining" and hours is not None and hours < BASIS_MIN_HOURS and "hours" not in errors:
        errors["hours"] = f"Een basistraining duurt minstens {BASIS_MIN_HOURS} uur."
    validity = (form.get("validity_months") or "").strip()
    if validity and not (validity.isdigit() and 0 < int(validity) <= 240):
        errors["validity_months"] = "Vul de geldigheid in maanden in (1 tot 240), of laat het leeg als het niet verloopt."
    doc = {"name": name, "kind": kind, "hours": hours or 0, "validity_months": int(validity) if validity.isdigit() else None,
           "required": form.get("required") == "ja", "retired": form.get("retired") == "ja",
           "description": (form.get("description") or "").strip()[:2000]}
    return doc, errors


def check_record(form: Mapping[str, str], trainings: Mapping[int, Any], *, volunteer_id: int, by: str,
                 today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """A training record for one volunteer from the admin form."""
    errors = {}
    raw_id = form.get("training_id") or ""
    training = trainings.get(int(raw_id)) if raw_id.isdigit() else None
    if training is None:
        errors["training_id"] = "Kies een training of kwalificatie uit de lijst."
    day = past_date(form.get("date"), errors, "date", today, missing="Vul de datum in, bijvoorbeeld 2026-03-14.",
                    future="De datum ligt in de toekomst; leg een training vast als die gevolgd is.")
    hours = _number(form.get("hours"), errors, "hours", "Vul het aantal uren in als getal, bijvoorbeeld 3.")
    if hours is None and training is not None and "hours" not in errors:
        hours = float(training.get("hours") or 0)
    doc = {"volunteer_id": volunteer_id, "training_id": int(raw_id) if raw_id.isdigit() else None, "date": day,
           "hours": hours or 0, "certificate": None, "notes": (form.get("notes") or "").strip()[:2000],
           "by": by, "at": clock.stamp()}
    return doc, errors


def _number(raw: str | None, errors: dict, key: str, message: str) -> float | None:
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors[key] = message
        return None
    if not 0 <= value <= 1000:
        errors[key] = message
        return None
    return value
