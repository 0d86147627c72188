"""The volunteer pool as a spreadsheet in exactly the columns the pool import reads
(`importing.COLUMNS`), so a pool moves between installs: export here, import there, and the same
people come back with their step, dates, trainings, hours and qualification dates. No Flask.

Only people already taken on are in it (the steps the import accepts); an application comes in
through the public form. Certificates (files) stay behind: the import takes dates, not files.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from common import clock, numbers

from ..csv_safe import csv_text
from . import importing, pipeline, qualifications

TEXT_COLUMNS = {"Telefoon", "Postcode"}


def _day(iso: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(iso)[:10]) if iso else None
    except ValueError:
        return None


def _reached(volunteer: Mapping, step: str, last: bool = False) -> dt.date | None:
    """The day the volunteer first (or last) reached a step, from their dated steps."""
    days = [_day(entry.get("at")) for entry in volunteer.get("steps") or [] if entry.get("step") == step]
    days = [day for day in days if day]
    return (days[-1] if last else days[0]) if days else None


def _trainings(records: Iterable[Mapping], names: Mapping[int, str]) -> str:
    """‘Basistraining: 12-03-2022 (15 uur) | VOG: 10-01-2024’, oldest first, as the import reads it."""
    parts = []
    for record in sorted(records, key=lambda r: (r.get("date") or "", r.get("training_id") or 0)):
        name = names.get(record.get("training_id"))
        if not name or not record.get("date"):
            continue
        hours = f" ({numbers.decimal_text(record['hours'], 2)} uur)" if record.get("hours") else ""
        parts.append(f"{name}: {clock.date_text(record['date'])}{hours}")
    return " | ".join(parts)


def values(view) -> Iterable[list[Any]]:
    """The header, then one row per volunteer: dates as dates, the rest text."""
    names = {t.doc_id: t.get("name") for t in view.table(qualifications.TRAININGS)}
    records = view.index(qualifications.RECORDS, "volunteer_id")
    pool = [v for v in view.table(pipeline.VOLUNTEERS) if v.get("step") in importing.POOL_STEPS]
    yield [column.name for column in importing.COLUMNS]
    for volunteer in sorted(pool, key=lambda v: ((v.get("name") or "").lower(), v.doc_id)):
        start = _day(volunteer.get("start_date")) or _reached(volunteer, "aangenomen")
        row = {
            "name": volunteer.get("name"), "email": volunteer.get("email"), "phone": volunteer.get("phone"),
            "street": volunteer.get("street"), "postcode": volunteer.get("postcode"),
            "languages": " | ".join(volunteer.get("languages") or []),
            "step": pipeline.LABELS.get(volunteer.get("step"), volunteer.get("step")), "start_date": start,
            "active_on": _reached(volunteer, "actief"),
            "stopped_on": _reached(volunteer, "gestopt", last=True) if volunteer.get("step") == "gestopt" else None,
            "agreement_on": _day((volunteer.get("agreement") or {}).get("signed_on")),
            "trainings": _trainings(records.get(volunteer.doc_id, ()), names),
        }
        yield [row.get(column.key) for column in importing.COLUMNS]


def _cell(value: Any) -> Any:
    return clock.date_text(value) if isinstance(value, dt.date) else value


def export_csv(view) -> str:
    """Semicolons, UTF-8 with BOM, dates dd-mm-jjjj: what Dutch Excel opens and the import reads."""
    return csv_text([_cell(value) for value in row] for row in values(view))


def export_xlsx(view) -> bytes:
    from ..xlsx import workbook

    return workbook("Vrijwilligerspool", values(view), text_columns=TEXT_COLUMNS)
