"""Does a text for the public site give away who someone is? Pure: no Flask, no store writes.

Before a story or news item goes public, its text is checked against the people in the
programme's data (the parties of cases, reporters, volunteers): their names, streets, phone
numbers and e-mail addresses, and the case numbers. It is also checked against the general shape
of such details, which catches people who are not (or no longer) in the data. Every hit is shown
to the coordinator, who edits it away or publishes anyway with a reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from common import folding, phone, tables

CASES, REPORTS, VOLUNTEERS = tables.CASES, tables.REPORTS, tables.VOLUNTEERS
MIN_WORD = 4  # shorter surnames and streets ("Bos", "Dijk") match too many ordinary words

_SHAPES = [
    ("telefoonnummer", re.compile(r"(?<![\w+])(?:\+\d{2}[\s.-]*|0)\d(?:[\s.-]*\d){7,9}(?!\w)")),
    ("e-mailadres", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("postcode", re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b")),
    ("adres", re.compile(r"\b[A-Z][\w'-]*(?:straat|laan|weg|plein|gracht|kade|dreef|hof|singel|pad|steeg|park|erf)"
                         r"\s+\d+\s?[a-zA-Z]?\b")),
    ("zaaknummer", re.compile(r"\b20\d{2}-\d{4}\b")),
]


@dataclass(frozen=True)
class Hit:
    kind: str  # naam, straat, telefoonnummer, ...
    found: str  # as it stands in the text

    def describe(self) -> str:
        return f"{self.kind}: “{self.found}”"


def _people(view) -> Iterator[Mapping[str, Any]]:
    for case in view.table(CASES).all():
        yield from case.get("parties") or []
    for report in view.table(REPORTS).all():
        values = report.get("values") or {}
        yield values
        yield {"name": values.get("neighbour_name"), "street": values.get("neighbour_street")}
    yield from view.table(VOLUNTEERS).all()


def known_details(view) -> dict[str, set[str]]:
    """What the data holds that identifies someone, folded for matching, by kind."""
    found: dict[str, set[str]] = {"naam": set(), "straat": set(), "telefoonnummer": set(), "e-mailadres": set(),
                                  "zaaknummer": set()}
    for person in _people(view):
        name = folding.fold(person.get("name") or "").strip()
        if len(name) >= MIN_WORD:
            found["naam"].add(name)
            surname = name.split()[-1]
            if len(surname) >= MIN_WORD and len(name.split()) > 1:
                found["naam"].add(surname)
        street = folding.fold(re.sub(r"\s*\d.*$", "", person.get("street") or "")).strip()
        if len(street) >= MIN_WORD + 1:
            found["straat"].add(street)
        number = phone.clean(person.get("phone") or "")
        if number:
            found["telefoonnummer"].add(number)
        if person.get("email"):
            found["e-mailadres"].add(folding.fold(person["email"]).strip())
    found["zaaknummer"] = {c["number"] for c in view.table(CASES).all() if c.get("number")}
    return found


def _number(text: str) -> str:
    """A phone number as common/phone writes it, however it was typed; else its digits."""
    return phone.clean(text) or re.sub(r"\D", "", text)


def check(text: str, details: Mapping[str, Iterable[str]]) -> list[Hit]:
    """Every detail in `text` that could identify someone, in the order of kinds above."""
    hits: list[Hit] = []
    folded = folding.fold(text)
    for kind in ("naam", "straat", "e-mailadres"):
        for detail in sorted(details.get(kind, ())):
            if re.search(rf"(?<!\w){re.escape(detail)}(?!\w)", folded):
                hits.append(Hit(kind, _original(text, detail)))
    digits_in_text = {_number(m.group()) for m in _SHAPES[0][1].finditer(text)}
    hits += [Hit("telefoonnummer", n) for n in sorted(set(details.get("telefoonnummer", ())) & digits_in_text)]
    hits += [Hit("zaaknummer", n) for n in sorted(details.get("zaaknummer", ())) if n in text]
    shown = {folding.fold(h.found) for h in hits} | {_number(h.found) for h in hits if h.kind == "telefoonnummer"}
    for kind, shape in _SHAPES:
        for match in shape.finditer(text):
            key = _number(match.group()) if kind == "telefoonnummer" else folding.fold(match.group())
            if key not in shown:
                shown.add(key)
                hits.append(Hit(kind, match.group()))
    return hits


def _original(text: str, folded_detail: str) -> str:
    """The detail as written in the text (case and accents kept), for showing it."""
    words = folded_detail.split()
    pattern = r"\W+".join(r"\w+" for _ in words)
    for match in re.finditer(pattern, text):
        if folding.fold(match.group()) == folded_detail:
            return match.group()
    return folded_detail


def check_item(view, item: Mapping[str, Any]) -> list[Hit]:
    text = "\n".join(str(item.get(field) or "") for field in ("title", "summary", "body"))
    return check(text, known_details(view))
