"""Rights of the data subject: find a person everywhere, gather what we hold, erase on request.

A person is found by name, e-mail address or phone number in reports, the parties and
referrer of cases, applications and volunteers. Each place found is a `Hit` with a
record key (`case:12`, `report:3`, ...) and, for a case, the party's index. Pure; erasing
is `privacy/erasure.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from common import folding

from common import tables
from . import retention

PARTY_FIELDS = ("name", "street", "postcode", "place", "phone", "email", "language")
MIN_QUERY = 3


@dataclass(frozen=True)
class Hit:
    kind: str  # report | case | application | volunteer
    doc_id: int
    label: str  # what the coordinator sees in the list
    role: str  # "partij A", "verwijzer", "melder", "aanmelder", "vrijwilliger"
    party: int | None = None  # the party's index on a case
    referrer: bool = False  # the person is the case's referrer

    @property
    def record(self) -> str:
        return f"{self.kind}:{self.doc_id}"

    @property
    def key(self) -> str:
        """One hit as a form value: case:12:1, case:12:referrer, report:3."""
        suffix = ":referrer" if self.referrer else (f":{self.party}" if self.party is not None else "")
        return self.record + suffix


def _norm(text: Any) -> str:
    return folding.fold(text)


def _digits(text: Any) -> str:
    digits = re.sub(r"\D", "", str(text or ""))
    return "0" + digits[2:] if digits.startswith("31") and len(digits) == 11 else digits


@dataclass(frozen=True)
class Query:
    text: str
    digits: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digits", _digits(self.text) if len(_digits(self.text)) >= 6 else "")

    @property
    def usable(self) -> bool:
        return len(_norm(self.text)) >= MIN_QUERY

    def matches(self, *values: Any) -> bool:
        wanted = _norm(self.text)
        for value in values:
            if not value or not isinstance(value, str):
                continue
            if wanted and wanted in _norm(value):
                return True
            if self.digits and self.digits == _digits(value):
                return True
        return False


def _party_letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def search(view, text: str) -> list[Hit]:
    query = Query(text)
    if not query.usable:
        return []
    hits: list[Hit] = []
    for report in view.table(retention.REPORTS).all():
        values = report.get("values") or {}
        if query.matches(*values.values()):
            hits.append(Hit("report", report.doc_id, f"Melding {report.doc_id} van {(report.get('received_at') or '')[:10]}"
                            f" – {values.get('name') or values.get('resident_name') or ''}".rstrip(" –"), "melder"))
    for case in view.table(retention.CASES).all():
        for index, party in enumerate(case.get("parties") or []):
            if query.matches(*(party.get(k) for k in PARTY_FIELDS)):
                hits.append(Hit("case", case.doc_id, f"Zaak {case.get('number')} – {party.get('name') or ''}",
                                f"partij {_party_letter(index)}", party=index))
        referrer = case.get("referrer") or {}
        if query.matches(referrer.get("person"), referrer.get("phone"), referrer.get("email")):
            hits.append(Hit("case", case.doc_id, f"Zaak {case.get('number')} – {referrer.get('person') or ''}",
                            "verwijzer", referrer=True))
    for application in view.table(retention.APPLICATIONS).all():
        values = application.get("values") or {}
        if query.matches(values.get("name"), values.get("email"), values.get("phone")):
            hits.append(Hit("application", application.doc_id,
                            f"Aanmelding {application.doc_id} – {values.get('name') or ''}", "aanmelder"))
    for volunteer in view.table(retention.VOLUNTEERS).all():
        if query.matches(volunteer.get("name"), volunteer.get("email"), volunteer.get("phone")):
            hits.append(Hit("volunteer", volunteer.doc_id, f"Vrijwilliger {volunteer.get('name') or volunteer.doc_id}",
                            "vrijwilliger"))
    return hits


def parse_key(key: str) -> Hit | None:
    """A hit back from its form value; None when it is not one of ours."""
    match = re.fullmatch(r"(report|case|application|volunteer):(\d{1,9})(?::(referrer|\d{1,3}))?", key or "")
    if not match:
        return None
    kind, doc_id, extra = match.group(1), int(match.group(2)), match.group(3)
    if extra and kind != "case":
        return None
    return Hit(kind, doc_id, "", "", party=int(extra) if extra and extra.isdigit() else None, referrer=extra == "referrer")


# -- gathering everything (the export) ---------------------------------------------------

def _plain(doc: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(doc) if doc else {}


def gather(view, hits: Iterable[Hit]) -> dict[str, Any]:
    """Everything held about the person in these places, as plain data for JSON and the PDF.

    For a case: the case with its timeline, handover, debriefs and nazorg; it holds the
    other party too, so the coordinator checks the export before sending it."""
    out: dict[str, list] = {"reports": [], "cases": [], "applications": [], "volunteers": []}
    seen: set[str] = set()
    for hit in hits:
        if hit.record in seen:
            continue
        seen.add(hit.record)
        if hit.kind == "report":
            doc = view.table(retention.REPORTS).get(doc_id=hit.doc_id)
            if doc:
                out["reports"].append({"id": hit.doc_id, **_plain(doc)})
        elif hit.kind == "case":
            case = view.table(retention.CASES).get(doc_id=hit.doc_id)
            if case:
                related = {name: [_plain(d) for d in view.table(name).all() if d.get("case_id") == hit.doc_id]
                           for name in (retention.EVENTS, retention.HANDOVERS, retention.DEBRIEFS, retention.NAZORG)}
                out["cases"].append({"id": hit.doc_id, **_plain(case), "timeline": related[retention.EVENTS],
                                     "handover": related[retention.HANDOVERS], "debriefs": related[retention.DEBRIEFS],
                                     "nazorg": related[retention.NAZORG]})
        elif hit.kind == "application":
            doc = view.table(retention.APPLICATIONS).get(doc_id=hit.doc_id)
            if doc:
                out["applications"].append({"id": hit.doc_id, **_plain(doc)})
        elif hit.kind == "volunteer":
            doc = view.table(retention.VOLUNTEERS).get(doc_id=hit.doc_id)
            if doc:
                vid = hit.doc_id
                out["volunteers"].append({
                    "id": vid, **_plain(doc),
                    "trainings": [_plain(r) for r in view.table(tables.TRAINING_RECORDS).all() if r.get("volunteer_id") == vid],
                    "expense_claims": [_plain(c) for c in view.table(tables.EXPENSE_CLAIMS).all() if c.get("volunteer_id") == vid],
                    "signals": [_plain(s) for s in view.table(retention.SIGNALS).all() if s.get("volunteer_id") == vid],
                    "coaching_notes": [_plain(n) for n in view.table(retention.COACHING).all() if n.get("volunteer_id") == vid],
                })
    return out
