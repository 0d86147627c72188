"""The budget per year: lines, expenses, volunteers' expense claims, and the realisation. No Flask;
the functions taking a view or store read or write the tables.

All amounts are int euro cents. Tables:
  budget_lines    {"year": 2026, "line": LINE KEY, "amount_cents"}
  budget_expenses {"date", "line", "amount_cents", "description", "receipt": upload meta | None,
                   "by", "created_at"}
  expense_claims  {"volunteer_id", "date", "amount_cents", "description", "receipt": upload meta | None,
                   "status": "ingediend" | "goedgekeurd" | "afgewezen",
                   "created_at", "entered_by", "decided_at", "decided_by", "reason", "via": "portaal" (optional),
                   "case_id": the case the costs were made for (optional)}
An expense may be corrected later ("updated_at", "updated_by"). An approved claim counts on the line for volunteers' expenses in the year of its date.
`expense_claims` is the one store of claims: the budget, the volunteers area, the volunteer
portal and the privacy export all read it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from ..form_checks import Check
from .money import format_euro
from common import tables

BUDGET_LINES = tables.BUDGET_LINES
EXPENSES = tables.BUDGET_EXPENSES
CLAIMS = tables.EXPENSE_CLAIMS

LINES = {
    "training": "Training",
    "onkosten_vrijwilligers": "Onkostenvergoeding vrijwilligers",
    "werving_pr": "Werving en PR",
    "ruimtes_catering": "Ruimtes en catering",
    "waardering": "Waardering en uitjes",
    "overig": "Overig",
}
CLAIMS_LINE = "onkosten_vrijwilligers"
MAX_CLAIM_CENTS = 1_000_000  # EUR 10.000: more is a typing mistake in a volunteer's claim
WARN_PERCENT = 90

CLAIM_STATUSES = {"ingediend": "Ingediend", "goedgekeurd": "Goedgekeurd", "afgewezen": "Afgewezen"}
DECISIONS = {"goedkeuren": "goedgekeurd", "afwijzen": "afgewezen"}
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def year_of(doc: Mapping[str, Any]) -> int | None:
    day = doc.get("date") or ""
    return int(day[:4]) if day[:4].isdigit() else None


# ---- input ---------------------------------------------------------------------------------

def check_budget(form: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, str]]:
    """The amount per line for one year; an empty field means no budget (0)."""
    check = Check(form)
    amounts = {line: check.money(line, label, required=False, allow_zero=True) or 0 for line, label in LINES.items()}
    return amounts, check.errors


def _not_in_future(check: Check, doc: Mapping[str, Any], today: date | None, what: str) -> None:
    if today is not None and doc["date"] and doc["date"] > today.isoformat():
        check.fail("date", f"De datum ligt in de toekomst; {what}")


def check_expense(form: Mapping[str, Any], *, by: str, today: date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """An expense of the programme; with `today`, a date after it is refused (typed 2099 for 2025)."""
    check = Check(form)
    doc = {
        "date": check.date("date", "Datum", required=True),
        "line": check.choice("line", "Begrotingspost", LINES),
        "amount_cents": check.money("amount", "Bedrag"),
        "description": check.text("description", "Omschrijving", required=True, limit=300,
                                  missing="Schrijf op waaraan het geld is uitgegeven."),
        "by": by,
    }
    _not_in_future(check, doc, today, "boek uitgaven die al gedaan zijn.")
    return doc, check.errors


def expense_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list]:
    """What a correction of an expense changed, field by field ([before, after]), for the audit log."""
    return {key: [old.get(key), new[key]] for key in ("date", "line", "amount_cents", "description")
            if old.get(key) != new[key]}


def _case_of(check: Check, cases: Mapping[str, int]) -> int | None:
    """The optional case number a claim is made for; `cases` maps the numbers the claimant may
    choose (all cases for the coordinator, their own in the portal) to the case ids."""
    number = check.raw("case")
    if not number:
        return None
    if number not in cases:
        check.fail("case", f"Zaak: ‘{number}’ is geen zaaknummer dat u hier kunt kiezen (zoals 2026-0012). "
                           "Laat het veld leeg als de kosten niet bij één zaak horen.")
        return None
    return cases[number]


def check_claim(form: Mapping[str, Any], volunteers: Mapping[int, str], *, by: str,
                today: date | None = None, cases: Mapping[str, int] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """A claim the coordinator enters for a volunteer, or a volunteer in the portal. With `today`,
    a date after it is refused: a claim is for costs already made. `cases`: see `_case_of`."""
    check = Check(form)
    doc = {
        "volunteer_id": check.known_id("volunteer_id", "Vrijwilliger", volunteers),
        "case_id": _case_of(check, cases or {}),
        "date": check.date("date", "Datum", required=True),
        "amount_cents": check.money("amount", "Bedrag"),
        "description": check.text("description", "Omschrijving", required=True, limit=300,
                                  missing="Schrijf op waarvoor de vrijwilliger kosten maakte."),
        "status": "ingediend",
        "entered_by": by,
    }
    _not_in_future(check, doc, today, "declareer kosten die al gemaakt zijn.")
    if doc["amount_cents"] and doc["amount_cents"] > MAX_CLAIM_CENTS:
        check.fail("amount", f"Bedrag: meer dan {format_euro(MAX_CLAIM_CENTS)} is voor een declaratie te veel; klopt het bedrag?")
    return doc, check.errors


class DecisionError(ValueError):
    """A decision that cannot be taken; the message is Dutch."""


def decide(claim: Mapping[str, Any], decision: str, *, by: str, at: str, reason: str = "") -> dict[str, Any]:
    """The changes that approve or reject a submitted claim."""
    if decision not in DECISIONS:
        raise DecisionError("Kies goedkeuren of afwijzen.")
    if claim.get("status") != "ingediend":
        raise DecisionError(f"Over deze declaratie is al besloten: {CLAIM_STATUSES.get(claim.get('status'), '?').lower()}.")
    if decision == "afwijzen" and not reason.strip():
        raise DecisionError("Schrijf bij het afwijzen kort op waarom; de vrijwilliger krijgt dat te zien.")
    return {"status": DECISIONS[decision], "decided_by": by, "decided_at": at, "reason": reason.strip()[:300]}


# ---- figures -------------------------------------------------------------------------------

class _Spending:
    """Remaining and percent from `budget` and `spent`, for a line and for the whole year."""

    budget: int
    spent: int

    @property
    def remaining(self) -> int:
        return self.budget - self.spent

    @property
    def percent(self) -> int | None:
        """Whole percent spent, rounded down (a line at 89.9% is not yet at 90%)."""
        return self.spent * 100 // self.budget if self.budget > 0 else None


@dataclass(frozen=True)
class LineRealisation(_Spending):
    """One budget line's year: its budget against what was spent and claimed."""

    line: str
    label: str
    budget: int
    expenses: int
    claims: int

    @property
    def spent(self) -> int:
        return self.expenses + self.claims

    @property
    def state(self) -> str:
        """'ok', 'bijna' (at least WARN_PERCENT), 'over' (more than the budget) or 'leeg' (no budget, no spending)."""
        if self.budget <= 0:
            return "over" if self.spent > 0 else "leeg"
        if self.spent > self.budget:
            return "over"
        return "bijna" if self.spent * 100 >= self.budget * WARN_PERCENT else "ok"

    @property
    def warns(self) -> bool:
        return self.state in ("bijna", "over")


@dataclass(frozen=True)
class Realisation(_Spending):
    """A year's budget against what was spent and claimed, per line."""

    year: int
    lines: list[LineRealisation]
    has_budget: bool

    @property
    def budget(self) -> int:
        return sum(line.budget for line in self.lines)

    @property
    def spent(self) -> int:
        return sum(line.spent for line in self.lines)

    @property
    def warnings(self) -> list[LineRealisation]:
        return [line for line in self.lines if line.warns]


def realisation(year: int, budget_lines: Iterable[Mapping], expenses: Iterable[Mapping],
                claims: Iterable[Mapping]) -> Realisation:
    budgets = {doc["line"]: int(doc.get("amount_cents") or 0) for doc in budget_lines if doc.get("year") == year}
    spent: dict[str, int] = {}
    for doc in expenses:
        if year_of(doc) == year:
            spent[doc.get("line")] = spent.get(doc.get("line"), 0) + int(doc["amount_cents"])
    claimed = sum(int(doc["amount_cents"]) for doc in claims
                  if doc.get("status") == "goedgekeurd" and year_of(doc) == year)
    lines = [LineRealisation(line, label, budgets.get(line, 0), spent.get(line, 0),
                             claimed if line == CLAIMS_LINE else 0) for line, label in LINES.items()]
    return Realisation(year, lines, bool(budgets))


def realisation_of(view, year: int) -> Realisation:
    return realisation(year, view.table(BUDGET_LINES).all(), view.table(EXPENSES).all(), view.table(CLAIMS).all())


@dataclass(frozen=True)
class YearOverview:
    """The budget page of a year: the realisation, the months and what is still open."""

    realisation: Realisation
    months: list[list[int]]  # per line (in LINES order) twelve monthly totals, claims included
    month_totals: list[int]
    expenses: dict[str, list]  # line -> expenses of the year, by date
    claims_by_volunteer: list[tuple[Any, int, int]]  # (volunteer id, approved count, cents)
    claims_open: int  # submitted, not decided: not in the figures yet
    receipts_missing: int


def year_overview(year: int, budget_lines: Iterable[Mapping], expenses: Iterable[Mapping],
                  claims: Iterable[Mapping]) -> YearOverview:
    expenses, claims = list(expenses), list(claims)
    real = realisation(year, budget_lines, expenses, claims)
    keys = list(LINES)
    months = [[0] * 12 for _ in keys]
    by_line: dict[str, list] = {line: [] for line in keys}
    for doc in expenses:
        if year_of(doc) == year and doc.get("line") in by_line:
            months[keys.index(doc["line"])][int(doc["date"][5:7]) - 1] += int(doc["amount_cents"])
            by_line[doc["line"]].append(doc)
    per_volunteer: dict[Any, list[int]] = {}
    open_claims = 0
    for doc in claims:
        if year_of(doc) != year:
            continue
        if doc.get("status") == "ingediend":
            open_claims += 1
        elif doc.get("status") == "goedgekeurd":
            months[keys.index(CLAIMS_LINE)][int(doc["date"][5:7]) - 1] += int(doc["amount_cents"])
            counted = per_volunteer.setdefault(doc.get("volunteer_id"), [0, 0])
            counted[0] += 1
            counted[1] += int(doc["amount_cents"])
    for docs in by_line.values():
        docs.sort(key=lambda doc: (doc["date"], getattr(doc, "doc_id", 0)))
    month_totals = [sum(row[m] for row in months) for m in range(12)]
    missing = sum(1 for docs in by_line.values() for doc in docs if not doc.get("receipt"))
    return YearOverview(real, months, month_totals, by_line,
                        sorted(((vid, n, cents) for vid, (n, cents) in per_volunteer.items()), key=lambda t: -t[2]),
                        open_claims, missing)


def year_overview_of(view, year: int) -> YearOverview:
    return year_overview(year, view.table(BUDGET_LINES).all(), view.table(EXPENSES).all(), view.table(CLAIMS).all())


def years_in_use(view, current: int) -> list[int]:
    """Years with a budget or spending, and the current one, newest first."""
    years = {current}
    years.update(doc.get("year") for doc in view.table(BUDGET_LINES).all())
    years.update(year_of(doc) for doc in view.table(EXPENSES).all())
    years.update(year_of(doc) for doc in view.table(CLAIMS).all())
    return sorted((y for y in years if isinstance(y, int)), reverse=True)


def set_budget(tx, year: int, amounts: Mapping[str, int]) -> None:
    """Store one year's amounts, one doc per line (inside a transaction)."""
    table = tx.table(BUDGET_LINES)
    table.remove(lambda doc: doc.get("year") == year)
    table.insert_multiple({"year": year, "line": line, "amount_cents": int(cents)} for line, cents in amounts.items())


def budget_form_values(view, year: int) -> dict[str, int]:
    return {doc["line"]: doc["amount_cents"] for doc in view.table(BUDGET_LINES).all() if doc.get("year") == year}


def claims_list(view, status: str = "", volunteer_id: int | None = None) -> list:
    """Claims, submitted ones first (oldest first, as they wait longest), then newest decided."""
    docs = [doc for doc in view.table(CLAIMS).all() if (not status or doc.get("status") == status)
            and (volunteer_id is None or doc.get("volunteer_id") == volunteer_id)]
    waiting = sorted((d for d in docs if d.get("status") == "ingediend"), key=lambda d: (d.get("date", ""), d.doc_id))
    decided = sorted((d for d in docs if d.get("status") != "ingediend"),
                     key=lambda d: (d.get("date", ""), d.doc_id), reverse=True)
    return waiting + decided


def claims_of_case(view, case_id: int) -> list:
    """The claims made for one case, oldest first (the case page's costs)."""
    return sorted((doc for doc in view.table(CLAIMS).all() if doc.get("case_id") == case_id),
                  key=lambda doc: (doc.get("date", ""), doc.doc_id))


def claims_of(view, volunteer_id: int) -> list:
    """One volunteer's claims, newest first (their page in the volunteers area)."""
    return sorted((doc for doc in view.table(CLAIMS).all() if doc.get("volunteer_id") == volunteer_id),
                  key=lambda doc: (doc.get("date", ""), doc.doc_id), reverse=True)


def volunteer_names(view) -> dict[int, str]:
    """Volunteers who can claim expenses: everyone in the volunteers table, by name."""
    docs = sorted(view.table(tables.VOLUNTEERS).all(), key=lambda v: (v.get("name") or "").lower())
    return {doc.doc_id: doc.get("name") or f"Vrijwilliger {doc.doc_id}" for doc in docs}
