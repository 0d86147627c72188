"""CSV export of a list of cases, and import of registrations from a spreadsheet. No Flask.

Export: semicolon-separated UTF-8 with BOM (what Dutch Excel opens without a wizard);
a cell that a spreadsheet would run as a formula is prefixed with a quote (OWASP, CSV
injection). Import: `plan` reads and checks every row against the current data and says
per row what will be created or what is wrong; `commit` re-checks inside one transaction
and writes all rows, or none.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from common import phone, postcode
from common.folding import fold
from db import Store

from ..csv_safe import safe_cell  # shared with every other export
from ..settings import lists
from . import numbering, records, repo, workflow
from .page import partner_names

MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _date_nl(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return dt.date.fromisoformat(iso[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return iso


# -- export ----------------------------------------------------------------------

EXPORT_COLUMNS = (
    "Nummer", "Stap", "Aangemeld", "Wijk", "Soort conflict", "Verwijzer", "Verwijzer organisatie",
    "Partner in het netwerk", "Partij A", "Adres A", "Postcode A", "Telefoon A", "E-mail A", "Partij B", "Adres B", "Postcode B",
    "Omschrijving", "Complex", "Bemiddelaars", "Uitkomst", "Reden", "Tijd (minuten)",
    "Nazorg gepland", "Laatste activiteit",
)


def export_rows(view, cases: Iterable[Mapping]) -> Iterable[list[str]]:
    names = repo.volunteer_names(view)
    partners = partner_names(view)
    label = {key: lists.labels(view, key) for key in
             ("wijken", "conflict_types", "referrer_types", "outcomes", "not_solved_reasons", "unsuitable_reasons")}
    yield list(EXPORT_COLUMNS)
    for case in cases:
        parties = list(case.get("parties") or []) + [{}, {}]
        a, b = parties[0], parties[1]
        closing = case.get("closing") or {}
        intake = case.get("intake") or {}
        reason = (label["not_solved_reasons"].get(closing.get("reason"), closing.get("reason"))
                  if closing.get("reason") else label["unsuitable_reasons"].get(intake.get("reason"), intake.get("reason") or ""))
        yield [safe_cell(v) for v in (
            case.get("number"), workflow.label(case.get("step")), _date_nl(case.get("reported_at")),
            label["wijken"].get(case.get("wijk"), case.get("wijk") or ""),
            " | ".join(label["conflict_types"].get(t, t) for t in case.get("conflict_types") or []),
            label["referrer_types"].get((case.get("referrer") or {}).get("type"), ""),
            (case.get("referrer") or {}).get("organisation", ""),
            _partner_name(partners, (case.get("referrer") or {}).get("partner_id")),
            a.get("name"), a.get("street"), a.get("postcode"), a.get("phone"), a.get("email"),
            b.get("name"), b.get("street"), b.get("postcode"),
            case.get("description"), "ja" if case.get("complex") else "nee",
            " | ".join(names.get(v, str(v)) for v in case.get("duo") or []),
            label["outcomes"].get(closing.get("outcome"), closing.get("outcome") or ""), reason,
            case.get("minutes") or 0, _date_nl(case.get("nazorg_due")), (case.get("last_activity_at") or "")[:16].replace("T", " "),
        )]


def _partner_name(partners: Mapping[int, str], partner_id: int | None) -> str:
    """The linked partner only: a name merely resembling the organisation is not a link."""
    if partner_id is None:
        return ""
    return partners.get(partner_id) or f"Partner {partner_id} (niet meer in het netwerk)"


def export_csv(view, cases: Iterable[Mapping]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(export_rows(view, cases))
    return "\ufeff" + out.getvalue()


# -- import ----------------------------------------------------------------------

# column -> (key, required); headers are matched without case, accents or punctuation.
IMPORT_COLUMNS: dict[str, tuple[str, bool]] = {
    "Nummer": ("number", False),
    "Aangemeld": ("reported", True),
    "Stap": ("step", False),
    "Partij A": ("a_name", True),
    "Adres A": ("a_street", True),
    "Postcode A": ("a_postcode", False),
    "Telefoon A": ("a_phone", False),
    "E-mail A": ("a_email", False),
    "Partij B": ("b_name", False),
    "Adres B": ("b_street", True),
    "Postcode B": ("b_postcode", False),
    "Wijk": ("wijk", False),
    "Soort conflict": ("conflict_types", True),
    "Verwijzer": ("referrer", False),
    "Verwijzer organisatie": ("referrer_org", False),
    "Omschrijving": ("description", False),
    "Complex": ("complex", False),
    "Uitkomst": ("outcome", False),
    "Reden": ("reason", False),
}
ALIASES = {"zaaknummer": "Nummer", "datum": "Aangemeld", "datum aanmelding": "Aangemeld", "status": "Stap",
           "naam a": "Partij A", "naam b": "Partij B", "conflict": "Soort conflict", "soort": "Soort conflict"}
YES = {"ja", "j", "yes", "1", "waar", "x"}
NO = {"nee", "n", "no", "0", "onwaar", ""}


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


HEADER_LOOKUP = {_header_key(name): name for name in IMPORT_COLUMNS} | {
    _header_key(alias): name for alias, name in ALIASES.items()}


@dataclass
class Row:
    line: int
    raw: dict[str, str]
    errors: list[str] = field(default_factory=list)
    case: dict[str, Any] = field(default_factory=dict)
    number: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the file as a whole
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems and all(r.ok for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


def decode(data: bytes) -> str:
    """Spreadsheets save UTF-8 (with or without BOM) or Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read(text: str) -> tuple[list[str], list[list[str]]]:
    sample = text[:4096]
    first_line = sample.splitlines()[0] if sample else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    return (rows[0], rows[1:]) if rows else ([], [])


def plan(view, text: str, *, today: dt.date) -> Plan:
    """Check a whole CSV file against the current data; nothing is written."""
    result = Plan()
    try:
        header, body = _read(text)
    except csv.Error as exc:
        result.problems.append(f"Het bestand is geen leesbare CSV ({exc}). Sla het op als ‘CSV (puntkomma gescheiden)’.")
        return result
    if not header:
        result.problems.append("Het bestand is leeg.")
        return result
    columns: list[str | None] = []
    for cell in header:
        name = HEADER_LOOKUP.get(_header_key(cell))
        if name is None and cell.strip():
            result.ignored_columns.append(cell.strip())
        columns.append(name if name not in columns else None)
    missing = [name for name, (_, required) in IMPORT_COLUMNS.items() if required and name not in columns]
    if missing:
        result.problems.append("Deze verplichte kolommen ontbreken: " + ", ".join(missing) + ". "
                               "De eerste regel moet de kolomnamen bevatten.")
        return result
    if not body:
        result.problems.append("Het bestand bevat alleen kolomnamen en geen zaken.")
        return result
    if len(body) > MAX_IMPORT_ROWS:
        result.problems.append(f"Het bestand heeft {len(body)} regels; importeer er maximaal {MAX_IMPORT_ROWS} tegelijk.")
        return result

    existing = {c.get("number") for c in repo.all_cases(view)}
    in_file: set[str] = set()
    for line, cells in enumerate(body, start=2):
        raw = {IMPORT_COLUMNS[name][0]: (cells[i].strip() if i < len(cells) else "")
               for i, name in enumerate(columns) if name}
        row = Row(line, raw)
        if len(cells) > len(header):
            row.errors.append("Deze regel heeft meer cellen dan er kolommen zijn; staat er een scheidingsteken in een cel zonder aanhalingstekens?")
        _check_row(view, row, today)
        if raw.get("number"):
            parsed = numbering.parse(raw["number"])
            if parsed is None:
                row.errors.append(f"Nummer ‘{raw['number']}’ heeft niet de vorm JJJJ-NNNN, bijvoorbeeld 2024-0031.")
            elif raw["number"] in existing:
                row.errors.append(f"Zaak {raw['number']} bestaat al.")
            elif raw["number"] in in_file:
                row.errors.append(f"Nummer {raw['number']} staat twee keer in het bestand.")
            else:
                row.number = raw["number"]
                in_file.add(row.number)
        result.rows.append(row)
    # Numbers for rows without one follow the highest number of their year.
    taken = existing | in_file
    for row in result.rows:
        if row.ok and not row.number:
            row.number = numbering.next_number(taken, int(row.case["reported_at"][:4]))
            taken.add(row.number)
    return result


def _list_value(view, row: Row, key: str, text: str, what: str) -> str:
    value = lists.find_value(view, key, text, include_retired=True)
    if value is None:
        row.errors.append(f"{what} ‘{text}’ staat niet in de lijst. Kies een waarde uit Instellingen of voeg die daar eerst toe.")
        return ""
    return value


def _check_row(view, row: Row, today: dt.date) -> None:
    raw, errors = row.raw, row.errors
    try:
        reported = workflow.parse_date(raw.get("reported"), "datum van aanmelding", "reported", today=today)
    except workflow.WorkflowError as exc:
        errors.append(exc.message)
        reported = None
    step_text = raw.get("step") or "aangemeld"
    step = next((key for key, s in workflow.STEPS.items() if fold(step_text) in (key, fold(s.label))), None)
    if step is None:
        errors.append(f"Stap ‘{step_text}’ bestaat niet. Gebruik bijvoorbeeld Aangemeld, Intake, Nazorg of Afgesloten.")
    parties = []
    for prefix, letter in (("a", "A"), ("b", "B")):
        party = records.empty_party() | {"name": raw.get(f"{prefix}_name", ""), "street": raw.get(f"{prefix}_street", ""),
                                         "postcode": raw.get(f"{prefix}_postcode", ""),
                                         "phone": raw.get(f"{prefix}_phone", ""), "email": raw.get(f"{prefix}_email", "")}
        if not party["street"]:
            errors.append(f"Het adres van partij {letter} ontbreekt.")
        if party["postcode"]:
            code = postcode.clean(party["postcode"])
            if code is None:
                errors.append(f"Postcode ‘{party['postcode']}’ van partij {letter} is niet goed (4 cijfers en 2 letters).")
            party["postcode"] = code or party["postcode"]
        if party["phone"]:
            party["phone"] = phone.clean(party["phone"]) or party["phone"]
        parties.append(party)
    if not parties[0]["name"]:
        errors.append("De naam van partij A ontbreekt.")
    conflict_types = []
    for part in re.split(r"[|;]", raw.get("conflict_types", "")):
        if part.strip():
            conflict_types.append(_list_value(view, row, "conflict_types", part.strip(), "Soort conflict"))
    if not raw.get("conflict_types", "").strip():
        errors.append("De soort conflict ontbreekt.")
    wijk = _list_value(view, row, "wijken", raw["wijk"], "Wijk") if raw.get("wijk") else ""
    referrer = _list_value(view, row, "referrer_types", raw["referrer"], "Verwijzer") if raw.get("referrer") else "zelfmelder"
    complex_text = fold(raw.get("complex", ""))
    if complex_text not in YES | NO:
        errors.append(f"Complex ‘{raw.get('complex')}’: vul ja of nee in.")
    outcome = _list_value(view, row, "outcomes", raw["outcome"], "Uitkomst") if raw.get("outcome") else ""
    closing, intake = None, {"checklist": [], "decision": "", "reason": "", "advice": ""}
    if step == "afgesloten":
        if not raw.get("outcome"):
            errors.append("Een afgesloten zaak heeft een uitkomst nodig.")
        reason = ""
        if outcome == workflow.NOT_SOLVED:
            if raw.get("reason"):
                reason = _list_value(view, row, "not_solved_reasons", raw["reason"], "Reden")
            else:
                errors.append("Bij ‘niet opgelost’ hoort een reden.")
        closing = {"outcome": outcome, "reason": reason, "agreements": "", "nazorg_a": "", "nazorg_b": "",
                   "closed_on": reported.isoformat() if reported else ""}
        intake["decision"] = "geschikt"
    elif step == "ongeschikt":
        if raw.get("reason"):
            intake.update(decision="ongeschikt",
                          reason=_list_value(view, row, "unsuitable_reasons", raw["reason"], "Reden"))
        else:
            errors.append("Bij een ongeschikte zaak hoort een reden.")
    elif outcome:
        errors.append("Alleen een afgesloten zaak heeft een uitkomst; zet de stap op Afgesloten of laat de uitkomst leeg.")
    elif step and workflow.STEPS[step].phase > workflow.STEPS["intake"].phase and step != "in-de-wacht":
        intake["decision"] = "geschikt"
    if row.errors or reported is None:
        return
    stamp = f"{reported.isoformat()}T09:00:00"
    row.case = {
        "reported_at": stamp, "step": step, "source": "import", "parties": parties, "wijk": wijk,
        "referrer": {"type": referrer, "organisation": raw.get("referrer_org", ""), "person": "", "phone": "", "email": ""},
        "conflict_types": conflict_types, "description": raw.get("description", ""),
        "complex": complex_text in YES, "closing": closing, "intake": intake,
        "held_from": "intake" if step == "in-de-wacht" else None,
    }


def commit(store: Store, text: str, user, *, today: dt.date) -> list[str]:
    """Write every row of a valid file in one transaction; returns the new numbers.

    Re-plans under the lock: a case created between preview and confirm cannot collide."""
    at = repo.now()
    with store.transaction() as tx:
        checked = plan(tx, text, today=today)
        if not checked.ok:
            raise ValueError("Het bestand bevat fouten; er is niets geïmporteerd.")
        numbers = []
        for row in checked.rows:
            case = records.new_case(row.case, number=row.number, now=at, step=row.case["step"])
            case["last_activity_at"] = at.isoformat(timespec="seconds")
            case_id = tx.table(repo.CASES).insert(case)
            tx.table(repo.EVENTS).insert(repo.event_doc(case_id, {
                "kind": "created", "at": case["reported_at"], "to": case["step"], "source": "import",
                "note": f"Geïmporteerd uit een spreadsheet (regel {row.line})."}, user, at))
            numbers.append(row.number)
    return numbers
