"""Importing the volunteer pool from a spreadsheet: each volunteer with their dated steps, the
trainings and qualifications they hold (date and hours) and the signed agreement. No Flask.

Checked whole like the case import (`sheets`); trainings are matched by name to the catalogue
(Vrijwilligers > Trainingen), so they count for matching, expiry and the reports at once.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Mapping

from common import clock, phone, postcode
from common.folding import fold
from db import Store

from ..sheets import Column, Plan, Row, date_cell, plan_with, split_cell
from . import pipeline, qualifications

IMPORTED = "Geïmporteerd"
_STEPS = {fold(text): key for key, label in pipeline.LABELS.items() for text in (key, label)}
# Steps of someone already taken on; an application comes in through the public form.
POOL_STEPS = ("aangenomen", "basistraining", "meeloopperiode", "actief", "inactief", "gestopt")
_TRAINING = re.compile(r"^(?P<name>[^:]+):\s*(?P<date>[0-9./-]+)\s*(?:\(\s*(?P<hours>[0-9]+(?:[.,][0-9]+)?)\s*(?:uur|u)?\s*\))?$")

COLUMNS: tuple[Column, ...] = (
    Column("Naam", "name", "Voor- en achternaam. Verplicht.", required=True),
    Column("E-mail", "email", "Uniek per vrijwilliger; zo vindt de zaken-import de bemiddelaars ook terug."),
    Column("Telefoon", "phone", "Blijft tekst, de 0 vooraan blijft staan."),
    Column("Adres", "street", "Straat en huisnummer."),
    Column("Postcode", "postcode", "4 cijfers en 2 letters."),
    Column("Talen", "languages", "Talen naast Nederlands, gescheiden door |, bijvoorbeeld Turks | Engels."),
    Column("Stap", "step", "Aangenomen, Basistraining, Meeloopperiode, Actief, Inactief of Gestopt. Leeg: Actief."),
    Column("Gestart op", "start_date", "De dag waarop de vrijwilliger is aangenomen. Verplicht. Datum als dd-mm-jjjj.",
           required=True),
    Column("Actief sinds", "active_on", "Sinds wanneer actief als bemiddelaar. Leeg: de startdatum."),
    Column("Gestopt op", "stopped_on", "Bij stap Gestopt: wanneer."),
    Column("Overeenkomst getekend op", "agreement_on", "De vrijwilligersovereenkomst."),
    Column("Trainingen", "trainings", "Per training of kwalificatie uit de catalogus: naam, datum en eventueel uren, "
           "gescheiden door |, bijvoorbeeld ‘Basistraining: 12-03-2023 (15 uur) | VOG: 10-01-2024’."),
)
EXAMPLES = (
    {"name": "Anna Jansen", "email": "anna.jansen@example.nl", "phone": "0612345678", "languages": "Engels",
     "step": "Actief", "start_date": "01-02-2022", "active_on": "15-05-2022", "agreement_on": "01-02-2022",
     "trainings": "Basistraining: 12-03-2022 (15 uur) | VOG: 10-01-2024"},
    {"name": "Bram de Wit", "email": "", "phone": "0201234567", "languages": "Turks | Arabisch", "step": "Gestopt",
     "start_date": "01-09-2019", "stopped_on": "30-06-2024", "trainings": "Basistraining: 20-10-2019 (16 uur)"},
)
NOTES = (
    "Trainingen en kwalificaties moeten al in de catalogus staan (Vrijwilligers > Trainingen); de naam mag zonder "
    "hoofdletters of accenten. Zonder uren telt het aantal uren uit de catalogus.",
    "Iemand wiens e-mailadres of naam al in de pool staat, wordt niet nog eens ingelezen.",
    "De datums moeten kloppen: niet in de toekomst, actief en gestopt niet vóór de start.",
)


def plan(view, data: bytes, *, today: dt.date, mapping: Mapping[tuple[str, str], str] | None = None) -> Plan:
    result = Plan()  # no configured lists in these columns: `mapping` stays unused
    catalogue = {fold(t.get("name") or ""): t for t in view.table(qualifications.TRAININGS)}
    known_emails = {(v.get("email") or "").lower() for v in view.table(pipeline.VOLUNTEERS)} - {""}
    known_names = {fold(v.get("name") or "") for v in view.table(pipeline.VOLUNTEERS)}
    seen: set[str] = set()

    def check(row: Row) -> None:
        _check_row(row, catalogue, today)
        email, name = row.raw.get("email", "").lower(), fold(row.raw.get("name", ""))
        if email and email in known_emails or not email and name in known_names:
            row.errors.append(f"{row.raw.get('name') or email} staat al in de vrijwilligerspool.")
        elif (email or name) in seen:
            row.errors.append(f"{row.raw.get('name') or email} staat twee keer in het bestand.")
        seen.add(email or name)

    return plan_with(data, COLUMNS, check, result)


def _check_row(row: Row, catalogue: Mapping[str, Mapping], today: dt.date) -> None:
    raw, errors = row.raw, row.errors
    if not raw.get("name"):
        errors.append("De naam ontbreekt.")
    step = _STEPS.get(fold(raw.get("step") or "actief"))
    if step not in POOL_STEPS:
        errors.append(f"Stap ‘{raw.get('step')}’ kan niet; gebruik Aangenomen, Basistraining, Meeloopperiode, Actief, "
                      "Inactief of Gestopt.")
    start = date_cell(row, "start_date", "startdatum", today=today, required=True)
    active_on = date_cell(row, "active_on", "datum ‘Actief sinds’", today=today)
    stopped_on = date_cell(row, "stopped_on", "datum van stoppen", today=today)
    agreement_on = date_cell(row, "agreement_on", "datum van de overeenkomst", today=today)
    for day, what in ((active_on, "Actief sinds"), (stopped_on, "Gestopt op")):
        if day and start and day < start:
            errors.append(f"‘{what}’ ({clock.date_text(day)}) ligt vóór de start ({clock.date_text(start)}).")
    if step == "gestopt" and not stopped_on and not raw.get("stopped_on"):
        errors.append("Bij stap Gestopt hoort de datum (kolom ‘Gestopt op’).")
    if stopped_on and step != "gestopt":
        errors.append("Er staat een datum van stoppen, maar de stap is niet Gestopt.")
    code = ""
    if raw.get("postcode"):
        code = postcode.clean(raw["postcode"]) or ""
        if not code:
            errors.append(f"Postcode ‘{raw['postcode']}’ is niet goed (4 cijfers en 2 letters).")
    records = []
    for part in split_cell(raw.get("trainings", "")):
        match = _TRAINING.match(part)
        training = catalogue.get(fold(match["name"])) if match else None
        if match is None:
            errors.append(f"Training ‘{part}’: schrijf naam, dubbele punt en datum, bijvoorbeeld ‘VOG: 10-01-2024’.")
            continue
        if training is None:
            errors.append(f"Training ‘{match['name'].strip()}’ staat niet in de catalogus; voeg die eerst toe bij "
                          "Vrijwilligers > Trainingen.")
            continue
        row.raw["_training_date"] = match["date"]
        day = date_cell(row, "_training_date", f"datum van ‘{match['name'].strip()}’", today=today, required=True)
        hours = float(match["hours"].replace(",", ".")) if match["hours"] else float(training.get("hours") or 0)
        if day:
            records.append({"training_id": training.doc_id, "date": day.isoformat(), "hours": hours,
                            "certificate": None, "notes": IMPORTED})
    row.raw.pop("_training_date", None)
    if errors or start is None:
        return
    steps = [{"step": "aangenomen", "at": f"{start.isoformat()}T12:00:00", "by": IMPORTED, "reason": ""}]
    if step in ("actief", "inactief", "gestopt"):
        steps.append({"step": "actief", "at": f"{(active_on or start).isoformat()}T12:00:00", "by": IMPORTED, "reason": ""})
    if step not in ("aangenomen", "actief"):
        steps.append({"step": step, "at": f"{(stopped_on or active_on or start).isoformat()}T12:00:00", "by": IMPORTED,
                      "reason": IMPORTED})
    languages = [lang[:1].upper() + lang[1:] for lang in split_cell(raw.get("languages", ""))]
    row.record = {"label": raw["name"], "records": records, "volunteer": {
        "name": raw["name"], "email": raw.get("email", ""), "phone": phone.clean(raw.get("phone")) or raw.get("phone", ""),
        "street": raw.get("street", ""), "postcode": code, "wijk": "", "languages": languages, "age_band": "",
        "gender": "", "background": "", "availability": [], "max_cases": 2, "experience": {},
        "start_date": start.isoformat(), "step": step, "steps": steps,
        "agreement": {"signed_on": agreement_on.isoformat() if agreement_on else "", "document": None},
        "notes": IMPORTED, "knows": [], "application_id": None, "contacts": [], "source": "import"}}


def commit(store: Store, data: bytes, user, *, today: dt.date,
           mapping: Mapping[tuple[str, str], str] | None = None) -> list[str]:
    """Write every volunteer of a valid file with their training records in one transaction, or nothing."""
    by = getattr(user, "name", "") or getattr(user, "email", "")
    at = clock.stamp()
    with store.transaction() as tx:
        checked = plan(tx, data, today=today, mapping=mapping)
        if not checked.ok:
            raise ValueError("Het bestand bevat fouten; er is niets geïmporteerd.")
        volunteers, records = tx.table(pipeline.VOLUNTEERS), tx.table(qualifications.RECORDS)
        for row in checked.rows:
            volunteer_id = volunteers.insert(row.record["volunteer"])
            for record in row.record["records"]:
                records.insert({"volunteer_id": volunteer_id, **record, "by": by, "at": at})
    return [row.record["label"] for row in checked.rows]
