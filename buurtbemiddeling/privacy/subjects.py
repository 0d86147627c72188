"""Rights of the data subject: find a person everywhere, gather what we hold, erase on request.

Where a person's details sit together is the personal-data registry's `HOLDERS`
(`privacy/registry.py`): the reporter, partij B and the referrer of a report, each party and
the referrer of a case, an applicant, a volunteer. Each place found is a `Hit` with a record key
(`case:12`, `report:3`, ...) and, for a case or report, which of its people (`party` index,
`referrer`). Hits that share a phone number or e-mail address, or a name and a street, are one
`Person`: two people with the same name elsewhere stay two, and the coordinator picks one.
Free text (notes, timelines, agendas, story drafts, mails: the registry's TEXT fields) that
mentions the search is listed as a `Mention`. Pure; erasing is `privacy/erasure.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from common import clock, folding, tables

from . import registry, retention

PARTY_FIELDS = ("name", "street", "postcode", "place", "phone", "email", "language")
MIN_QUERY = 3
# The tables whose records are a person's (or hold people, each a Hit) and their record kind.
KIND_OF_TABLE = {retention.REPORTS: "report", retention.CASES: "case", retention.APPLICATIONS: "application",
                 retention.VOLUNTEERS: "volunteer"}
TABLE_OF_KIND = {kind: table for table, kind in KIND_OF_TABLE.items()}


@dataclass(frozen=True)
class Hit:
    kind: str  # report | case | application | volunteer
    doc_id: int
    label: str  # what the coordinator sees in the list
    role: str  # "partij A", "verwijzer", "melder", "buur (partij B)", "aanmelder", "vrijwilliger"
    party: int | None = None  # the party's index on a case; 1 for partij B named in a report
    referrer: bool = False  # the person is the case's or report's referrer
    # The person's details at this place (name, address, phone, e-mail), to tell people apart.
    facts: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def record(self) -> str:
        return f"{self.kind}:{self.doc_id}"

    @property
    def key(self) -> str:
        """One hit as a form value: case:12:1, case:12:referrer, report:3, report:3:1."""
        suffix = ":referrer" if self.referrer else (f":{self.party}" if self.party is not None else "")
        return self.record + suffix


def _norm(text: Any) -> str:
    return folding.fold(text)


def digits(text: Any) -> str:
    """A phone number's digits, +31 written as 0."""
    found = re.sub(r"\D", "", str(text or ""))
    return "0" + found[2:] if found.startswith("31") and len(found) == 11 else found


PHONE_IN_TEXT = re.compile(r"\+?\d[\d \-()]{6,}\d")


@dataclass(frozen=True)
class Query:
    text: str
    digits: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digits", digits(self.text) if len(digits(self.text)) >= 6 else "")

    @property
    def usable(self) -> bool:
        return len(_norm(self.text)) >= MIN_QUERY


def _party_letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def _facts(place: Mapping[str, Any], holder: registry.Holder) -> dict[str, str]:
    """The details of one holder at one place, by kind: name, address (joined), phone, e-mail."""
    found: dict[str, list[str]] = {}
    for name, kind in holder.fields.items():
        value = place.get(name)
        if isinstance(value, str) and value.strip():
            found.setdefault(kind, []).append(value.strip())
    return {kind: ", ".join(values) for kind, values in found.items()}


def _places(doc: Mapping[str, Any], holder: registry.Holder) -> list[tuple[int | None, Mapping[str, Any]]]:
    """Where `holder` sits in `doc`: (party index or None, the mapping holding its fields)."""
    if holder.at.endswith("[]"):
        items = doc.get(holder.at[:-2]) or []
        return [(i, item) for i, item in enumerate(items) if isinstance(item, Mapping)]
    place = doc.get(holder.at) if holder.at else doc
    return [(None, place)] if isinstance(place, Mapping) else []


def _label(kind: str, doc: Mapping[str, Any], doc_id: int, name: str) -> str:
    if kind == "report":
        head = f"Melding {doc_id}" + (f" van {clock.date_text(doc['received_at'])}" if doc.get("received_at") else "")
    elif kind == "case":
        head = f"Zaak {doc.get('number') or doc_id}"
    elif kind == "application":
        head = f"Aanmelding {doc_id}"
    else:
        return f"Vrijwilliger {name or doc_id}"
    return f"{head} – {name}" if name else head


def _is_referrer(holder: registry.Holder) -> bool:
    return holder.role == "verwijzer"


def is_party_b(holder: registry.Holder) -> bool:
    """Partij B as named in someone's report (a case keeps B as its second party)."""
    return holder.role.endswith("(partij B)")


def holder_of(hit: Hit) -> registry.Holder:
    """The registry holder a hit stands for: where in its record this person's details are."""
    for holder in registry.holders(TABLE_OF_KIND[hit.kind]):
        if hit.referrer == _is_referrer(holder) and (hit.kind != "report" or (hit.party == 1) == is_party_b(holder)):
            return holder
    raise LookupError(f"no holder for {hit.key}")


def _hits_in(kind: str, doc) -> list[Hit]:
    """The people of one record, each a hit."""
    hits = []
    for holder in registry.holders(TABLE_OF_KIND[kind]):
        for index, place in _places(doc, holder):
            facts = _facts(place, holder)
            if index is not None:  # a party of a case
                role, party = f"partij {_party_letter(index)}", index
            else:
                role, party = holder.role, 1 if is_party_b(holder) else None
            hits.append(Hit(kind, doc.doc_id, _label(kind, doc, doc.doc_id, facts.get(registry.NAME, "")), role,
                            party=party, referrer=_is_referrer(holder), facts=facts))
    return hits


def _people_of(kind: str):
    """A record's people, each with its details folded once (kept per version of the table)."""
    def fn(doc) -> tuple:
        return tuple((hit, tuple(_norm(v) for v in hit.facts.values()), frozenset(digits(v) for v in hit.facts.values()))
                     for hit in _hits_in(kind, doc))
    return fn


def search(view, text: str) -> list[Hit]:
    query = Query(text)
    if not query.usable:
        return []
    wanted = _norm(query.text)
    hits: list[Hit] = []
    for table, kind in KIND_OF_TABLE.items():
        for people in view.mapped(f"privacy.people.{table}", table, _people_of(kind)).values():
            hits += [hit for hit, folded, numbers in people
                     if any(wanted in value for value in folded) or query.digits and query.digits in numbers]
    return hits


def describe(view, chosen: Iterable[Hit]) -> list[Hit]:
    """The chosen hits (from their keys) with labels and details read from the data again;
    a key whose record or person is gone is left out."""
    found = []
    for hit in chosen:
        doc = view.table(TABLE_OF_KIND[hit.kind]).get(doc_id=hit.doc_id)
        if doc is not None:
            found += [h for h in _hits_in(hit.kind, doc) if h.key == hit.key]
    return found


# -- telling people apart ------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """Hits that are one person: they share a phone number or e-mail address, or a name and an address."""
    hits: tuple[Hit, ...]

    @property
    def name(self) -> str:
        return next((h.facts[registry.NAME] for h in self.hits if h.facts.get(registry.NAME)), "Naam onbekend")

    def details(self, kind: str) -> list[str]:
        return list(dict.fromkeys(h.facts[kind] for h in self.hits if h.facts.get(kind)))

    @property
    def keys(self) -> list[str]:
        return [h.key for h in self.hits]


def _identities(hit: Hit) -> set[str]:
    found = set()
    if len(digits(hit.facts.get(registry.PHONE))) >= 6:
        found.add("phone:" + digits(hit.facts[registry.PHONE]))
    if hit.facts.get(registry.EMAIL):
        found.add("email:" + _norm(hit.facts[registry.EMAIL]))
    if hit.facts.get(registry.NAME) and hit.facts.get(registry.ADDRESS):
        street = hit.facts[registry.ADDRESS].split(",")[0]
        found.add(f"home:{_norm(hit.facts[registry.NAME])}|{_norm(street)}")
    return found


def people(hits: Iterable[Hit]) -> list[Person]:
    """The hits grouped per person, in the order found. A hit shares a group only through a
    detail both places hold, never through the name alone."""
    groups: list[tuple[set[str], list[Hit]]] = []
    for hit in hits:
        ids = _identities(hit)
        joined = [g for g in groups if g[0] & ids]
        if not joined:
            groups.append((ids, [hit]))
            continue
        first = joined[0]
        first[0].update(ids)
        first[1].append(hit)
        for other in joined[1:]:
            first[0].update(other[0])
            first[1].extend(other[1])
            groups.remove(other)
    return [Person(tuple(dict.fromkeys(members))) for _, members in groups]


def parse_key(key: str) -> Hit | None:
    """A hit back from its form value; None when it is not one of ours."""
    match = re.fullmatch(r"(report|case|application|volunteer):(\d{1,9})(?::(referrer|\d{1,3}))?", key or "")
    if not match:
        return None
    kind, doc_id, extra = match.group(1), int(match.group(2)), match.group(3)
    if extra and kind not in ("case", "report"):
        return None
    return Hit(kind, doc_id, "", "", party=int(extra) if extra and extra.isdigit() else None, referrer=extra == "referrer")


# -- free text that mentions someone ---------------------------------------------------------

TEXT_PLACES = {
    tables.CASES: "Zaak", tables.CASE_EVENTS: "Tijdlijn van zaak", tables.HANDOVERS: "Overdracht van zaak",
    tables.DEBRIEFS: "Nabespreking van zaak", tables.NAZORG: "Nazorg van zaak", tables.DUO_PROPOSALS: "Voorstel voor zaak",
    tables.APPOINTMENTS: "Afspraak van zaak", tables.REPORTS: "Melding", tables.APPLICATIONS: "Aanmelding",
    tables.VOLUNTEERS: "Vrijwilliger", tables.EVENTS: "Activiteit", tables.PUBLICITY: "Verhaal of nieuwsbericht",
    tables.OUTBOX: "E-mail in het postvak uit", tables.COACHING_NOTES: "Coachingsnotitie",
    tables.VOLUNTEER_SIGNALS: "Signaal over vrijwilliger", tables.TRAINING_RECORDS: "Training van vrijwilliger",
    tables.EXPENSE_CLAIMS: "Declaratie", tables.BUDGET_EXPENSES: "Uitgave", tables.PARTNERS: "Netwerkpartner",
    tables.PARTNER_LOG: "Contact met netwerkpartner", tables.PARTNER_AGREEMENTS: "Afspraak met netwerkpartner",
    tables.DEVELOPMENT_LOG: "Ontwikkellogboek", tables.PLANNING_PROJECTS: "Project", tables.PLANNING_TASKS: "Taak",
    tables.PROTOCOL_VERSIONS: "Protocol", tables.REPORT_NARRATIVES: "Toelichting bij rapportage",
    tables.MESSAGE_TEMPLATES: "Berichttekst",
}


@dataclass(frozen=True)
class Mention:
    table: str
    doc_id: int
    where: str  # in Dutch: "Tijdlijn van zaak 2026-0003", "Activiteit ‘Intervisie’ van 01-03-2026"
    record: str | None  # the record key it belongs to (its audit trail), when there is one


def _where(view, table: str, doc) -> tuple[str, str | None]:
    word = TEXT_PLACES.get(table, "Tekst")
    owner = registry.TABLES[table].owner
    if table == tables.CASES or owner and owner[1] == tables.CASES:
        case_id = doc.doc_id if table == tables.CASES else doc.get(owner[0])
        case = view.table(tables.CASES).get(doc_id=case_id) if isinstance(case_id, int) else None
        return f"{word} {case.get('number') if case else case_id}", f"case:{case_id}"
    if table == tables.EVENTS:
        day = clock.date_text(doc["date"]) if doc.get("date") else ""
        return f"{word} ‘{doc.get('title') or doc.doc_id}’{' van ' + day if day else ''}", None
    kind = KIND_OF_TABLE.get(table)
    return f"{word} {doc.doc_id}", (f"{kind}:{doc.doc_id}" if kind else None)


def _text_of(table: str):
    """A document's free text, folded, and the phone numbers written in it (kept per version)."""
    paths = registry.texts(table)

    def fn(doc) -> tuple[str, frozenset[str]] | None:
        found = [v for path in paths for v in registry.values(doc, path) if isinstance(v, str) and v]
        if not found:
            return None
        joined = "\n".join(found)
        return _norm(joined), frozenset(digits(p) for p in PHONE_IN_TEXT.findall(joined))
    return fn


def mentions(view, text: str, skip: Iterable[str] = ()) -> list[Mention]:
    """Free text anywhere (the registry's TEXT fields) that mentions `text`; records in `skip`
    (the person's own, already found) are left out."""
    query = Query(text)
    if not query.usable:
        return []
    wanted, skip = _norm(query.text), set(skip)
    found = []
    for table in (t for t in registry.TABLES if registry.texts(t)):
        for doc_id, kept in view.mapped(f"privacy.texts.{table}", table, _text_of(table)).items():
            if kept is None or not (wanted in kept[0] or query.digits and query.digits in kept[1]):
                continue
            where, record = _where(view, table, view.table(table).get(doc_id=doc_id))
            if record is None or record not in skip:
                found.append(Mention(table, doc_id, where, record))
    return found
