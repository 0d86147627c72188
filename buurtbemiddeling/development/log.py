"""The coordinator's professional development log and its yearly summary. No Flask;
the functions taking a store read or write the table.

Table `development_log`, one doc per entry, always of one user (`user_id`):
  {"user_id", "kind", "title", "date", "status"?, "minutes"?, "provider"?, "form"?, "verdict"?,
   "text" (Markdown), "created_at"}
`date` is the target date of a learning goal and the day of everything else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from common.numbers import hours_text

from ..form_checks import Check
from common import tables

TABLE = tables.DEVELOPMENT_LOG


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # one entry
    plural: str
    date_label: str
    text_label: str
    statuses: Mapping[str, str] | None = None
    done: tuple[str, ...] = ()  # statuses that count as finished
    hours: bool = False
    extra: Mapping[str, str] | None = None  # a choice of form (course) or verdict (method)
    extra_key: str = ""
    extra_label: str = ""


KINDS = {kind.key: kind for kind in (
    Kind("leerdoel", "Leerdoel", "Leerdoelen", "Streefdatum", "Wat wilt u leren en hoe",
         statuses={"gepland": "Gepland", "bezig": "Bezig", "behaald": "Behaald", "bijgesteld": "Bijgesteld",
                   "losgelaten": "Losgelaten"}, done=("behaald",)),
    Kind("scholing", "Scholing", "Cursussen en studiedagen", "Datum", "Wat heeft het opgeleverd",
         hours=True, extra={"cursus": "Cursus", "studiedag": "Studiedag", "training": "Training",
                            "intervisie": "Intervisie", "congres": "Congres", "overig": "Overig"},
         extra_key="form", extra_label="Vorm"),
    Kind("methode", "Evaluatie van een methode", "Evaluaties van nieuwe methoden", "Datum", "Evaluatie",
         extra={"overnemen": "Overnemen", "aanpassen": "Aanpassen en opnieuw proberen", "niet": "Niet overnemen",
                "loopt": "Nog in proef"}, extra_key="verdict", extra_label="Besluit"),
    Kind("voorstel", "Verbetervoorstel", "Verbetervoorstellen", "Datum", "Het voorstel",
         statuses={"idee": "Idee", "voorgelegd": "Voorgelegd", "aangenomen": "Aangenomen",
                   "uitgevoerd": "Uitgevoerd", "afgewezen": "Afgewezen"}, done=("uitgevoerd",)),
    Kind("zelfevaluatie", "Zelfevaluatie", "Zelfevaluaties", "Datum", "Zelfevaluatie"),
)}


def check_entry(kind_key: str, form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    kind = KINDS[kind_key]
    check = Check(form)
    doc: dict[str, Any] = {
        "kind": kind.key,
        "title": check.text("title", "Titel", required=True, limit=200, missing="Geef het een korte titel."),
        "date": check.date("date", kind.date_label, required=True),
        "text": check.text("text", kind.text_label, limit=20000),
    }
    if kind.statuses:
        doc["status"] = check.choice("status", "Status", kind.statuses)
    if kind.hours:
        doc["minutes"] = check.hours("hours", "Aantal uren")
        doc["provider"] = check.text("provider", "Aanbieder", limit=150)
    if kind.extra:
        doc[kind.extra_key] = check.choice(kind.extra_key, kind.extra_label, kind.extra)
    return doc, check.errors


def form_values(entry: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(entry)
    if entry.get("minutes"):
        values["hours"] = hours_text(entry["minutes"])
    return values


def entries_of(view, user_id: str, kind: str = "") -> list:
    return sorted((e for e in view.table(TABLE).all()
                   if e.get("user_id") == user_id and (not kind or e.get("kind") == kind)),
                  key=lambda e: (e.get("date") or "", e.doc_id), reverse=True)


def years_of(entries: Iterable[Mapping[str, Any]], current: int) -> list[int]:
    return sorted({current} | {int(e["date"][:4]) for e in entries if (e.get("date") or "")[:4].isdigit()}, reverse=True)


@dataclass(frozen=True)
class KindSummary:
    kind: Kind
    entries: list
    by_status: dict[str, int]
    done: int


@dataclass(frozen=True)
class YearSummary:
    year: int
    kinds: list[KindSummary]
    minutes: int  # hours of courses and study days, in minutes
    minutes_by_form: dict[str, int]
    open_goals: list  # learning goals not finished, whatever their target year

    def of(self, key: str) -> KindSummary:
        return next(summary for summary in self.kinds if summary.kind.key == key)


def year_summary(entries: Iterable[Mapping[str, Any]], year: int) -> YearSummary:
    entries = list(entries)
    in_year = [e for e in entries if (e.get("date") or "").startswith(f"{year}-")]
    summaries = []
    for kind in KINDS.values():
        own = sorted((e for e in in_year if e.get("kind") == kind.key), key=lambda e: e.get("date") or "")
        by_status: dict[str, int] = {}
        for entry in own:
            if kind.statuses:
                by_status[entry.get("status")] = by_status.get(entry.get("status"), 0) + 1
        summaries.append(KindSummary(kind, own, by_status, sum(e.get("status") in kind.done for e in own)))
    courses = [e for e in in_year if e.get("kind") == "scholing"]
    by_form: dict[str, int] = {}
    for course in courses:
        by_form[course.get("form")] = by_form.get(course.get("form"), 0) + int(course.get("minutes") or 0)
    open_goals = sorted((e for e in entries if e.get("kind") == "leerdoel"
                         and e.get("status") in ("gepland", "bezig", "bijgesteld")), key=lambda e: e.get("date") or "")
    return YearSummary(year, summaries, sum(by_form.values()), by_form, open_goals)
