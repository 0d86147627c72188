"""Finding cases: filters, free-text search, sorting and pages. Pure of Flask.

Filters come from the URL (query string) so a filtered list can be shared, bookmarked,
exported and reached with the back button; `Filters.query()` writes them back.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from common import phone
from common.folding import fold
from figures import cases as case_rules

from ..settings.lists import slugify
from . import workflow

PAGE_SIZE = 25
# Filter groups besides single steps.
STEP_GROUPS = {"open": "Alle lopende zaken", "gesloten": "Afgesloten en ongeschikt"}
SORTS = {
    "nummer": "Nummer",
    "aangemeld": "Datum aanmelding",
    "activiteit": "Laatste activiteit",
    "stap": "Stap",
    "wijk": "Wijk",
}


@dataclass(frozen=True)
class Filters:
    """The case list's search and filters, as the query string carries them."""

    q: str = ""
    step: str = ""
    type: str = ""
    wijk: str = ""
    referrer: str = ""
    year: str = ""
    volunteer: str = ""
    sort: str = "activiteit"
    order: str = "desc"
    page: int = 1
    errors: dict = field(default_factory=dict, compare=False)

    FIELDS = ("q", "step", "type", "wijk", "referrer", "year", "volunteer", "sort", "order", "page")

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> "Filters":
        """Unknown or malformed values are ignored (and explained), never an error page."""
        def arg(name: str) -> str:
            return " ".join(str(args.get(name) or "").split())[:100]

        errors = {}
        step = arg("step")
        if step and step not in workflow.STEPS and step not in STEP_GROUPS:
            errors["step"] = "Onbekende stap; er wordt niet op stap gefilterd."
            step = ""
        year = arg("year")
        if year and not (year.isdigit() and len(year) == 4):
            errors["year"] = "Een jaar bestaat uit vier cijfers, bijvoorbeeld 2025."
            year = ""
        sort = arg("sort") if arg("sort") in SORTS else "activiteit"
        order = "asc" if arg("order") == "asc" else "desc"
        page = int(arg("page")) if arg("page").isdigit() and int(arg("page")) > 0 else 1
        return cls(q=arg("q"), step=step, type=arg("type"), wijk=arg("wijk"), referrer=arg("referrer"),
                   year=year, volunteer=arg("volunteer"), sort=sort, order=order, page=page, errors=errors)

    def query(self, **changes) -> dict[str, Any]:
        """Query-string parameters of these filters (defaults left out), with changes applied."""
        filters = replace(self, **changes)
        defaults = Filters()
        return {name: getattr(filters, name) for name in self.FIELDS
                if getattr(filters, name) != getattr(defaults, name)}

    def sort_link(self, key: str) -> dict[str, Any]:
        """Clicking a column header: sort by it, or flip the order if it already is."""
        order = ("asc" if self.order == "desc" else "desc") if self.sort == key else ("asc" if key in ("nummer", "wijk", "stap") else "desc")
        return self.query(sort=key, order=order, page=1)

    def file_label(self) -> str:
        """The filters in a file name, e.g. "wijk-de-linden_jaar-2025", or "alle" for every case."""
        names = {"q": "zoek", "step": "stap", "type": "soort", "wijk": "wijk", "referrer": "verwijzer",
                 "year": "jaar", "volunteer": "vrijwilliger"}
        parts = [f"{word}-{slugify(str(getattr(self, name)))}" for name, word in names.items() if getattr(self, name)]
        return "_".join(parts) or "alle"

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in ("q", "step", "type", "wijk", "referrer", "year", "volunteer"))


@dataclass
class Page:
    """One page of a list and where it is among all of them."""

    items: list
    total: int
    page: int
    pages: int




def haystack(case: Mapping) -> str:
    parts = [case.get("number", "")]
    for party in case.get("parties") or []:
        parts += [party.get("name", ""), party.get("street", ""), party.get("postcode", ""),
                  (party.get("postcode") or "").replace(" ", ""), phone.clean(party.get("phone")) or ""]
    referrer = case.get("referrer") or {}
    parts += [referrer.get("organisation", ""), referrer.get("person", "")]
    return fold(" ".join(p for p in parts if p))


def matches(case: Mapping, filters: Filters, text: str | None = None) -> bool:
    """`text` is the case's `haystack`, when the caller keeps them."""
    step = case.get("step")
    if filters.step == "open" and not workflow.is_open(case) and step != "in-de-wacht":
        return False
    if filters.step == "gesloten" and not case_rules.is_ended(case):
        return False
    if filters.step in workflow.STEPS and step != filters.step:
        return False
    if filters.type and filters.type not in (case.get("conflict_types") or []):
        return False
    if filters.wijk and case.get("wijk") != filters.wijk:
        return False
    if filters.referrer and (case.get("referrer") or {}).get("type") != filters.referrer:
        return False
    if filters.year and not case_rules.reported_moment(case).startswith(filters.year):
        return False
    if filters.volunteer and filters.volunteer not in {str(v) for v in case.get("duo") or []}:
        return False
    if filters.q:
        text = haystack(case) if text is None else text
        return all(word in text or any(one_typo(word, held) for held in text.split()) for word in query_words(filters.q))
    return True


def query_words(q: str) -> list[str]:
    """The words searched for; a phone number typed in any spacing, with +31 or (0), becomes
    the one stored form ("06 12345678", "+31 6 1234 5678" -> "0612345678")."""
    number = phone.clean(q) if sum(c.isdigit() for c in q) >= 8 else None
    return [fold(number)] if number else fold(q).split()


TYPO_MIN = 4  # shorter words must match exactly: "jan" is not "jas"


def one_typo(word: str, held: str) -> bool:
    """`held` is `word` with one letter wrong, missing, extra or two swapped ("amrany"/"amrani").
    Only for names: a number (case number, postcode digits, phone) must match as typed."""
    if len(word) < TYPO_MIN or word == held or abs(len(word) - len(held)) > 1 or any(c.isdigit() for c in word):
        return False
    if len(word) == len(held):
        diff = [i for i, (a, b) in enumerate(zip(word, held)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == held[diff[1]] and word[diff[1]] == held[diff[0]])
    short, long_ = (word, held) if len(word) < len(held) else (held, word)
    at = next((i for i, (a, b) in enumerate(zip(short, long_)) if a != b), len(short))
    return short[at:] == long_[at + 1:]


def sort_key(key: str, last_activity=None):
    """`last_activity`: a case's shown last activity (its events count too), else the stored one."""
    if key == "nummer":
        return lambda c: _number_key(c.get("number", ""))
    if key == "aangemeld":
        return lambda c: (case_rules.reported_moment(c), c.doc_id)
    if key == "stap":
        return lambda c: (workflow.STEPS[c["step"]].phase if c.get("step") in workflow.STEPS else 99, c.doc_id)
    if key == "wijk":
        return lambda c: (c.get("wijk") or "~", c.doc_id)
    if last_activity is not None:
        return lambda c: (last_activity(c), c.doc_id)
    return lambda c: (c.get("last_activity_at") or "", c.doc_id)


def _number_key(number: str) -> tuple[int, int]:
    year, _, serial = number.partition("-")
    return (int(year) if year.isdigit() else 0, int(serial) if serial.isdigit() else 0)


def search(cases: Iterable, filters: Filters, page_size: int = PAGE_SIZE, *,
           texts: Mapping[int, str] | None = None, last_activity=None, text_checked: bool = False,
           in_order: bool = False) -> tuple[list, Page]:
    """All matching cases (sorted, for export) and the requested page of them.

    `texts`: each case's `haystack` by doc id, computed once rather than per search.
    `text_checked`: `cases` all contain the searched words already (`repo.cases_for`); a name
    found in a thousand cases is then not tested again case by case."""
    texts = texts or {}
    rest = replace(filters, q="") if text_checked else filters
    chosen = (c for c in cases if matches(c, rest, texts.get(c.doc_id))) if narrows(rest) else cases
    found = list(chosen) if in_order else sorted(chosen, key=sort_key(filters.sort, last_activity),
                                                 reverse=filters.order == "desc")
    pages = max(1, math.ceil(len(found) / page_size))
    page = min(filters.page, pages)
    return found, Page(found[(page - 1) * page_size: page * page_size], len(found), page, pages)


def narrows(filters: Filters) -> bool:
    """Whether `matches` can turn a case down under these filters."""
    return bool(filters.step in ("open", "gesloten") or filters.step in workflow.STEPS or filters.q or filters.type
                or filters.wijk or filters.referrer or filters.year or filters.volunteer)


def years(cases: Iterable) -> list[str]:
    return sorted({day.strftime("%Y") for day in map(case_rules.reported_on, cases) if day}, reverse=True)
