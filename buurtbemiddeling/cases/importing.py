"""Importing cases with their whole history from a spreadsheet (the columns of `columns`). No Flask.

`plan` checks every row against the current data and says per row what will be created or
what is wrong, including whether the dates agree with each other; `commit` re-checks inside
one transaction and writes every case with its timeline (each entry marked as imported), its
nazorg records and its duo, or nothing at all.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from common import clock, phone, postcode
from common.folding import fold
from db import Store

from ..quality import nazorg as nazorg_rules
from ..settings import numbers as settings_numbers
from ..sheets import ListValues, Plan, Row, date_cell, number_cell, plan_with, split_cell
from . import numbering, records, repo, workflow
from .columns import COLUMNS, EXAMPLES, EXPORT_ONLY, PARTIES, STEP_DATES, TALKS  # noqa: F401  (the import pages' rules)

IMPORTED = "Geïmporteerd"
NOTES = (
    "Waarden uit de lijsten (wijk, soort conflict, verwijzer, uitkomst, redenen, huishouden) mogen als naam of code; "
    "hoofdletters, spaties en ‘/’, ‘en’ of ‘of’ maken niet uit. Wat dan nog niet herkend wordt, koppelt u in het "
    "voorbeeld aan een waarde uit de lijst.",
    "De datums moeten kloppen: niet in de toekomst, het intakebesluit en de afsluiting niet vóór de aanmelding, "
    "geen stap na de afsluiting, nazorg niet vóór het laatste gesprek.",
    "Bemiddelaars moeten al in de vrijwilligerspool staan (naam of e-mailadres); importeer die eerst.",
    "Op de tijdlijn van een geïmporteerde zaak staat bij elke stap ‘Geïmporteerd’.",
)
YES = {"ja", "j", "yes", "1", "waar", "x"}
NO = {"nee", "n", "no", "0", "onwaar", ""}
MAX_HOURS = 1000
# Steps a file may name, by key or label, without case or accents.
_STEP_NAMES = {fold(text): key for key, step in workflow.STEPS.items() for text in (key, step.label)}
_DECISIONS = {fold(text): key for key, label in workflow.DECISIONS.items() for text in (key, label)}
_HOLDS = {"ja": "ja", "deels": "deels", "nee": "nee", "geen": "geen"} | {fold(v): k for k, v in nazorg_rules.HOLDS.items()}


class Pool:
    """The volunteer pool by e-mail and by name, to find a case's mediators."""

    def __init__(self, view):
        self.view = view
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for doc in view.table(repo.VOLUNTEERS):
            if doc.get("email"):
                self.by_email[doc["email"].strip().lower()] = doc.doc_id
            self.by_name.setdefault(fold(doc.get("name") or ""), []).append(doc.doc_id)

    def find(self, row: Row, text: str) -> int | None:
        if "@" in text:
            found = self.by_email.get(text.lower())
            if found is None:
                row.errors.append(f"Bemiddelaar ‘{text}’: dit e-mailadres staat niet in de vrijwilligerspool.")
            return found
        ids = self.by_name.get(fold(text), [])
        if len(ids) == 1:
            return ids[0]
        row.errors.append(f"Bemiddelaar ‘{text}’ staat niet in de vrijwilligerspool. Importeer eerst de vrijwilligers "
                          "of schrijf de naam zoals in de pool." if not ids else
                          f"Er zijn {len(ids)} vrijwilligers die ‘{text}’ heten; gebruik het e-mailadres.")
        return None


def plan(view, data: bytes, *, today: dt.date, mapping: Mapping[tuple[str, str], str] | None = None) -> Plan:
    """Check a whole file against the current data; nothing is written."""
    result = Plan()
    values = ListValues(view, result, mapping)
    pool = Pool(view)
    weeks = settings_numbers.get(view, "nazorg_weeks")
    existing = {c.get("number") for c in repo.all_cases(view)}
    in_file: set[str] = set()

    def check(row: Row) -> None:
        _check_row(row, values, pool, today, weeks)
        number = row.raw.get("number", "")
        if number:
            if numbering.parse(number) is None:
                row.errors.append(f"Nummer ‘{number}’ heeft niet de vorm JJJJ-NNNN, bijvoorbeeld 2024-0031.")
            elif number in existing:
                row.errors.append(f"Zaak {number} bestaat al.")
            elif number in in_file:
                row.errors.append(f"Nummer {number} staat twee keer in het bestand.")
            else:
                in_file.add(number)

    plan_with(data, COLUMNS, check, result)
    # Numbers for rows without one follow the highest number of their year.
    counter = numbering.Counter(existing | in_file)
    for row in result.rows:
        if row.ok:
            row.record["number"] = row.raw.get("number") or counter.next(int(row.record["case"]["reported_at"][:4]))
            row.record["label"] = f"Zaak {row.record['number']}"
    return result


def _choice(row: Row, text: str, known: Mapping[str, str], what: str, hint: str) -> str | None:
    if not text:
        return None
    found = known.get(fold(text))
    if found is None:
        row.errors.append(f"{what} ‘{text}’ ken ik niet. {hint}")
    return found


def _parties(row: Row, values: ListValues) -> list[dict[str, str]]:
    raw, parties = row.raw, []
    for prefix in PARTIES:
        letter = prefix.upper()
        party = records.empty_party() | {name: raw.get(f"{prefix}_{name}", "") for name in ("name", "street", "postcode", "phone", "email")}
        if prefix == "c" and not any(raw.get(f"c_{name}") for name in (*party, "household", "tenure")):
            break
        if not party["street"]:
            row.errors.append(f"Het adres van partij {letter} ontbreekt.")
        if party["postcode"]:
            code = postcode.clean(party["postcode"])
            if code is None:
                row.errors.append(f"Postcode ‘{party['postcode']}’ van partij {letter} is niet goed (4 cijfers en 2 letters).")
            party["postcode"] = code or party["postcode"]
        if party["phone"]:
            party["phone"] = phone.clean(party["phone"]) or party["phone"]
        if raw.get(f"{prefix}_household"):
            party["household"] = values.find(row, "household_types", raw[f"{prefix}_household"], f"Huishouden {letter}")
        tenure = fold(raw.get(f"{prefix}_tenure", ""))
        if tenure and tenure not in records.TENURES:
            row.errors.append(f"Huur of koop {letter} ‘{raw[f'{prefix}_tenure']}’: vul huur of koop in.")
        party["tenure"] = tenure if tenure in records.TENURES else ""
        parties.append(party)
    if not parties[0]["name"]:
        row.errors.append("De naam van partij A ontbreekt.")
    return parties


def _step_of(row: Row, decision: str | None, outcome: str, dates: Mapping[str, dt.date]) -> str | None:
    """The step the file names, or the one its history implies."""
    text = row.raw.get("step", "")
    if text:
        step = _STEP_NAMES.get(fold(text))
        if step is None:
            row.errors.append(f"Stap ‘{text}’ bestaat niet. Gebruik bijvoorbeeld Aangemeld, Intake, Nazorg of Afgesloten.")
        return step
    if outcome or row.raw.get("closed_on"):
        return "afgesloten"
    if decision == "ongeschikt":
        return "ongeschikt"
    latest = max(dates, key=lambda s: (dates[s], workflow.STEPS[s].phase), default=None)
    return latest or ("intake" if decision else "aangemeld")


def _check_row(row: Row, values: ListValues, pool: Pool, today: dt.date, nazorg_weeks: int) -> None:
    raw, errors = row.raw, row.errors
    reported = date_cell(row, "reported", "datum van aanmelding", today=today, required=True)
    parties = _parties(row, values)
    conflict_types = [values.find(row, "conflict_types", part, "Soort conflict") for part in split_cell(raw.get("conflict_types", ""))]
    if not conflict_types:
        errors.append("De soort conflict ontbreekt.")
    wijk = values.find(row, "wijken", raw["wijk"], "Wijk") if raw.get("wijk") else ""
    referrer = values.find(row, "referrer_types", raw["referrer"], "Verwijzer") if raw.get("referrer") else "zelfmelder"
    complex_text = fold(raw.get("complex", ""))
    if complex_text not in YES | NO:
        errors.append(f"Complex ‘{raw.get('complex')}’: vul ja of nee in.")

    # The history: intake, dated steps, closing, nazorg.
    decision = _choice(row, raw.get("decision", ""), _DECISIONS, "Intakebesluit", "Vul geschikt of ongeschikt in.")
    decided_on = date_cell(row, "decided_on", "datum van het intakebesluit", today=today)
    dates: dict[str, dt.date] = {}
    for step_key, name in STEP_DATES.items():
        if day := date_cell(row, f"date_{step_key}", f"datum van ‘{name}’", today=today):
            dates[step_key] = day
    outcome = values.find(row, "outcomes", raw["outcome"], "Uitkomst") if raw.get("outcome") else ""
    closed_on = date_cell(row, "closed_on", "datum van afsluiten", today=today)
    step = _step_of(row, decision, outcome, dates)
    if step is None:
        return
    past_intake = step == "afgesloten" or (workflow.STEPS[step].phase > workflow.STEPS["intake"].phase and step != "ongeschikt")
    if step == "ongeschikt":
        if decision == "geschikt":
            errors.append("De stap is Ongeschikt maar het intakebesluit is geschikt.")
        decision = "ongeschikt"
    elif decision == "ongeschikt":
        errors.append(f"Het intakebesluit is ongeschikt maar de stap is {workflow.label(step)}; zet de stap op Ongeschikt.")
    elif past_intake or dates:
        decision = "geschikt"
    if decision and decided_on is None and not raw.get("decided_on"):
        errors.append("Bij een intakebesluit hoort de datum (kolom ‘Intake besloten op’); daarmee telt de intaketermijn.")
    if decided_on and not decision:
        errors.append("Er staat een datum van het intakebesluit, maar geen besluit: vul geschikt of ongeschikt in.")
    reasons = {"unsuitable": "", "not_solved": ""}
    if decision == "ongeschikt":
        text = raw.get("unsuitable_reason") or raw.get("reason", "")
        if text:
            reasons["unsuitable"] = values.find(row, "unsuitable_reasons", text, "Reden ongeschikt")
        else:
            errors.append("Bij een ongeschikte zaak hoort een reden (kolom ‘Reden ongeschikt’).")
    if step == "afgesloten":
        if not outcome and not raw.get("outcome"):
            errors.append("Een afgesloten zaak heeft een uitkomst nodig.")
        if closed_on is None and not raw.get("closed_on"):
            errors.append("Bij een afgesloten zaak hoort de datum van afsluiten (kolom ‘Afgesloten op’).")
        if outcome == workflow.NOT_SOLVED:
            text = raw.get("not_solved_reason") or raw.get("reason", "")
            if text:
                reasons["not_solved"] = values.find(row, "not_solved_reasons", text, "Reden niet opgelost")
            else:
                errors.append("Bij ‘niet opgelost’ hoort een reden (kolom ‘Reden niet opgelost’).")
    elif outcome or closed_on:
        errors.append(f"Alleen een afgesloten zaak heeft een uitkomst en een datum van afsluiten; de stap is {workflow.label(step)}.")

    # Do the dates agree?
    def not_before(day: dt.date | None, earliest: dt.date | None, what: str, than: str) -> None:
        if day and earliest and day < earliest:
            errors.append(f"{what} ({clock.date_text(day)}) ligt vóór {than} ({clock.date_text(earliest)}).")

    not_before(decided_on, reported, "Het intakebesluit", "de aanmelding")
    not_before(closed_on, reported, "De afsluiting", "de aanmelding")
    not_before(closed_on, decided_on, "De afsluiting", "het intakebesluit")
    for key, day in dates.items():
        not_before(day, decided_on or reported, f"‘{STEP_DATES[key]}’", "het intakebesluit" if decided_on else "de aanmelding")
        if closed_on and day > closed_on:
            errors.append(f"‘{STEP_DATES[key]}’ ({clock.date_text(day)}) ligt na de afsluiting ({clock.date_text(closed_on)}).")
    last_talk = max((dates[s] for s in TALKS if s in dates), default=None)

    nazorg = []
    for index, letter in enumerate(PARTIES):
        if index >= len(parties):
            if any(raw.get(f"nazorg_{letter}_{key}") for key in ("on", "holds", "satisfaction")):
                errors.append(f"Er staat nazorg bij partij {letter.upper()}, maar geen partij {letter.upper()}.")
            continue
        on = date_cell(row, f"nazorg_{letter}_on", f"datum van de nazorg bij partij {letter.upper()}", today=today)
        holds = _choice(row, raw.get(f"nazorg_{letter}_holds", ""), _HOLDS, f"Nazorg {letter.upper()} afspraken",
                        "Vul ja, deels, nee of geen in.")
        score = number_cell(row, f"nazorg_{letter}_satisfaction", f"Nazorg {letter.upper()} tevredenheid", limit=5)
        if score is not None and (score != int(score) or score < 1):
            errors.append(f"Nazorg {letter.upper()} tevredenheid: vul een heel getal van 1 tot en met 5 in.")
        if on is None:
            if (holds or score) and not raw.get(f"nazorg_{letter}_on"):
                errors.append(f"Bij de nazorg van partij {letter.upper()} hoort de datum van het gesprek.")
            continue
        not_before(on, last_talk or reported, f"De nazorg bij partij {letter.upper()}",
                   "het laatste gesprek" if last_talk else "de aanmelding")
        if step == "ongeschikt" or not past_intake:
            errors.append(f"Nazorg bij partij {letter.upper()} past niet bij een zaak in stap {workflow.label(step)}.")
        nazorg.append({"party": index, "contacted_on": on.isoformat(), "by_whom": IMPORTED, "holds": holds or "",
                       "satisfaction": int(score) if score else None, "note": IMPORTED})
    reports = {letter: raw.get(f"nazorg_{letter}_text", "") for letter in "ab"}
    if any(reports.values()) and step != "afgesloten":
        errors.append("Een nazorgverslag hoort bij een afgesloten zaak.")

    duo = [found for text in split_cell(raw.get("duo", "")) if (found := pool.find(row, text)) is not None]
    if duo and workflow.is_open({"step": step}):
        # A running case puts its mediators on it now: the one eligibility rule decides. A file
        # carries no reason to override; the case page does.
        from ..matching import eligibility  # matching builds on cases

        verdict = eligibility.judge(pool.view, {"parties": parties}, duo, today=today)
        if not verdict.ok:
            errors.append(verdict.message() + " Laat de bemiddelaars leeg en kies het duo na het importeren op de zaakpagina.")
    hours = number_cell(row, "hours", "Uren", limit=MAX_HOURS)
    minutes = number_cell(row, "minutes", "Tijd (minuten)", limit=MAX_HOURS * 60)
    if errors or reported is None:
        return
    closing = None
    if step == "afgesloten":
        closing = {"outcome": outcome, "reason": reasons["not_solved"], "agreements": raw.get("agreements", ""),
                   "nazorg_a": reports["a"], "nazorg_b": reports["b"], "closed_on": closed_on.isoformat()}
    case: dict[str, Any] = {
        "reported_at": clock.stamp(clock.on(reported, 9)), "step": step, "source": "import", "parties": parties,
        "wijk": wijk, "conflict_types": conflict_types, "description": raw.get("description", ""),
        "referrer": {"type": referrer, "organisation": raw.get("referrer_org", ""), "person": "", "phone": "", "email": ""},
        "complex": complex_text in YES, "closing": closing, "duo": duo,
        "minutes": round(hours * 60) if hours is not None else round(minutes or 0),
        "intake": {"checklist": [], "decision": decision or "", "reason": reasons["unsuitable"], "advice": "",
                   **({"decided_on": decided_on.isoformat()} if decided_on else {})},
        "held_from": "intake" if step == "in-de-wacht" else None,
        "last_talk": last_talk.isoformat() if last_talk else None,
        "nazorg_due": (last_talk + dt.timedelta(weeks=nazorg_weeks)).isoformat() if step == "nazorg" and last_talk else None,
    }
    row.record = {"case": case, "timeline": _timeline(case, decided_on, dates, closed_on, row.line), "nazorg": nazorg}


def _timeline(case: Mapping, decided_on: dt.date | None, dates: Mapping[str, dt.date], closed_on: dt.date | None,
              line: int) -> list[dict]:
    """The dated history as timeline entries, oldest first, each saying it was imported."""
    def at(day: dt.date) -> str:
        return clock.stamp(clock.on(day, 12))

    entries = [{"kind": "created", "at": case["reported_at"], "to": "aangemeld", "source": "import",
                "note": f"{IMPORTED} uit een spreadsheet (regel {line})."}]
    intake = case["intake"]
    if decided_on:
        if intake["decision"] == "ongeschikt":
            entries.append({"kind": "step", "from": "intake", "to": "ongeschikt", "reason": intake["reason"],
                            "at": at(decided_on), "note": IMPORTED, "source": "import"})
        else:
            entries.append({"kind": "intake", "decision": intake["decision"], "at": at(decided_on), "note": IMPORTED,
                            "source": "import"})
    previous = "intake"
    for step, day in sorted(dates.items(), key=lambda item: (item[1], workflow.STEPS[item[0]].phase)):
        entries.append({"kind": "step", "from": previous, "to": step, "at": at(day), "note": IMPORTED, "source": "import"})
        previous = step
    if case["closing"]:
        entries.append({"kind": "step", "from": previous, "to": "afgesloten", "outcome": case["closing"]["outcome"],
                        "reason": case["closing"]["reason"], "at": at(closed_on), "note": IMPORTED, "source": "import"})
    return entries


def commit(store: Store, data: bytes, user, *, today: dt.date,
           mapping: Mapping[tuple[str, str], str] | None = None) -> list[str]:
    """Write every row of a valid file in one transaction; returns the new numbers.

    Re-plans under the lock: a case created between preview and confirm cannot collide."""
    at = clock.now()
    stamp = at.isoformat(timespec="seconds")
    with store.transaction() as tx:
        checked = plan(tx, data, today=today, mapping=mapping)
        if not checked.ok:
            raise ValueError("Het bestand bevat fouten; er is niets geïmporteerd.")
        cases, events, nazorg = tx.table(repo.CASES), tx.table(repo.EVENTS), tx.table(nazorg_rules.NAZORG)
        by = getattr(user, "name", "") or getattr(user, "email", "")
        for row in checked.rows:
            case = records.new_case(row.record["case"], number=row.record["number"], now=at, step=row.record["case"]["step"])
            case["last_activity_at"] = stamp
            case_id = cases.insert(case)
            for entry in row.record["timeline"]:
                events.insert(repo.event_doc(case_id, entry, user, at))
            for record in row.record["nazorg"]:
                nazorg.insert({"case_id": case_id, **record, "by": by, "at": stamp})
    return [row.record["number"] for row in checked.rows]
