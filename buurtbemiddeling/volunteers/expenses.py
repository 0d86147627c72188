"""Volunteers' expense claims: entered, then approved or rejected by the coordinator.

Table `expenses`: {"volunteer_id", "date", "amount_cents", "what", "receipt": upload meta | None,
"status": ingediend | goedgekeurd | afgewezen, "decided_on", "decided_by", "reason", "by", "at"}.
The budget area counts approved claims with `approved_total(view, year)`. Pure.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Mapping

from .checks import past_date

EXPENSES = "expenses"
STATUSES = {"ingediend": "Ingediend", "goedgekeurd": "Goedgekeurd", "afgewezen": "Afgewezen"}
MAX_CENTS = 1_000_000  # EUR 10.000: anything above is a typing mistake for a volunteer's claim
_AMOUNT = re.compile(r"^\s*(?:€\s*)?(\d{1,6})(?:[.,](\d{1,2}))?\s*$")


def parse_amount(text: str) -> int | None:
    """'12,50' or '€ 12.5' -> 1250 cents; None when it is not an amount."""
    match = _AMOUNT.match(text or "")
    if not match:
        return None
    euros, cents = match.groups()
    return int(euros) * 100 + int((cents or "0").ljust(2, "0"))


def euros(cents: int) -> str:
    text = f"{cents / 100:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"€ {text}"


def check_claim(form: Mapping[str, str], known_ids: set[int], *, by: str, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    errors = {}
    raw_id = form.get("volunteer_id") or ""
    if not (raw_id.isdigit() and int(raw_id) in known_ids):
        errors["volunteer_id"] = "Kies de vrijwilliger."
    day = past_date(form.get("date"), errors, "date", today, missing="Vul de datum van de uitgave in, bijvoorbeeld 2026-03-14.",
                    future="De datum van de uitgave ligt in de toekomst.")
    cents = parse_amount(form.get("amount", ""))
    if cents is None or not 0 < cents <= MAX_CENTS:
        errors["amount"] = "Vul het bedrag in euro’s in, bijvoorbeeld 12,50."
    what = (form.get("what") or "").strip()[:300]
    if not what:
        errors["what"] = "Schrijf op waarvoor de kosten zijn, bijvoorbeeld ‘reiskosten bemiddelingsgesprek’."
    doc = {"volunteer_id": int(raw_id) if raw_id.isdigit() else None, "date": day, "amount_cents": cents or 0,
           "what": what, "receipt": None, "status": "ingediend", "decided_on": "", "decided_by": "", "reason": "",
           "by": by, "at": datetime.now().isoformat(timespec="seconds")}
    return doc, errors


def check_decision(claim: Mapping[str, Any], decision: str, reason: str) -> str | None:
    """An error message, or None when the decision may be taken."""
    if claim.get("status") != "ingediend":
        return "Over deze declaratie is al besloten."
    if decision not in ("goedgekeurd", "afgewezen"):
        return "Kies goedkeuren of afwijzen."
    if decision == "afgewezen" and not reason.strip():
        return "Geef een reden als u een declaratie afwijst."
    return None


def approved_total(view, year: int) -> int:
    """Cents approved for expenses made in `year` (for the budget)."""
    return sum(doc.get("amount_cents", 0) for doc in view.table(EXPENSES).all()
               if doc.get("status") == "goedgekeurd" and doc.get("date", "").startswith(f"{year}-"))
