"""Network partners, their contact people, the contact log and agreements (convenanten). No Flask; the functions
taking a view or store read or write the tables.

Tables:
  partners          {"name", "type", "phone", "email", "website", "address", "notes", "created_at",
                     "archived_at", "archived_by" (set while archived: off the active lists, kept in history)}
  partner_contacts  {"partner_id", "name", "role", "phone", "email"}
  partner_log       {"partner_id", "date", "kind", "with", "summary", "by", "created_at",
                     "corrections": [{"at", "by", "was": {"date", "kind", "with", "summary"}}] (oldest first)}
  partner_agreements {"partner_id", "subject", "parties", "start", "end", "review_date",
                     "notes", "document": upload meta or None}

A partner's doc id is stable: cases refer to it as `referrer.partner_id`. A partner that no longer
works with the programme is archived, never deleted: it leaves the network list, the referrer
selects, the suggestions and Vandaag, while cases, reports and its own page keep it; it can be restored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from common.clock import to_date

from ..form_checks import Check
from common import tables

PARTNERS = tables.PARTNERS
CONTACTS = tables.PARTNER_CONTACTS
LOG = tables.PARTNER_LOG
AGREEMENTS = tables.PARTNER_AGREEMENTS

TYPES = {
    "politie": "Politie", "woningcorporatie": "Woningcorporatie", "gemeente": "Gemeente",
    "welzijn": "Welzijn", "wijkteam": "Wijkteam", "ggd": "GGD", "huisarts": "Huisarts", "overig": "Overig",
}
LOG_KINDS = {
    "overleg": "Overleg", "telefoon": "Telefoongesprek", "bezoek": "Werkbezoek", "email": "E-mail",
    "presentatie": "Presentatie", "overig": "Overig",
}
# How long before its review date an agreement starts to ask for attention.
REVIEW_WARNING_DAYS = 60

AGREEMENT_STATES = {
    "concept": "Nog niet getekend",
    "evaluatie_verlopen": "Evaluatie verlopen",
    "evaluatie_binnenkort": "Evaluatie binnenkort",
    "verlopen": "Verlopen",
    "nog_niet_gestart": "Nog niet gestart",
    "lopend": "Lopend",
}
NEEDS_ATTENTION = ("evaluatie_verlopen", "evaluatie_binnenkort", "verlopen", "concept")


def is_archived(partner: Mapping[str, Any] | None) -> bool:
    return bool((partner or {}).get("archived_at"))


def active(partners: Iterable[Mapping[str, Any]]) -> list:
    return [p for p in partners if not is_archived(p)]


def archive(partner: Mapping[str, Any], *, by: str, at: str) -> dict[str, Any]:
    """The change that archives a partner; ValueError (Dutch) when it already is."""
    if is_archived(partner):
        raise ValueError(f"{partner.get('name')} is al gearchiveerd.")
    return {"archived_at": at, "archived_by": by}


def restore(partner: Mapping[str, Any]) -> dict[str, Any]:
    """The change that brings an archived partner back; ValueError (Dutch) when it is active."""
    if not is_archived(partner):
        raise ValueError(f"{partner.get('name')} is niet gearchiveerd.")
    return {"archived_at": None, "archived_by": None}


def check_partner(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    check = Check(form)
    doc = {
        "name": check.text("name", "Naam", required=True, limit=120, missing="Vul de naam van de organisatie in."),
        "type": check.choice("type", "Soort organisatie", TYPES),
        "phone": check.text("phone", "Telefoon", limit=40),
        "email": check.email("email", "E-mailadres"),
        "website": check.text("website", "Website", limit=200),
        "address": check.text("address", "Adres", limit=200),
        "notes": check.text("notes", "Aantekeningen", limit=4000),
    }
    if doc["website"] and not doc["website"].startswith(("http://", "https://")):
        doc["website"] = "https://" + doc["website"]
    return doc, check.errors


def check_contact(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    check = Check(form)
    doc = {
        "name": check.text("name", "Naam", required=True, limit=120, missing="Vul de naam van de contactpersoon in."),
        "role": check.text("role", "Functie", limit=120),
        "phone": check.text("phone", "Telefoon", limit=40),
        "email": check.email("email", "E-mailadres"),
    }
    return doc, check.errors


def check_log_entry(form: Mapping[str, Any], *, by: str) -> tuple[dict[str, Any], dict[str, str]]:
    check = Check(form)
    doc = {
        "date": check.date("date", "Datum", required=True),
        "kind": check.choice("kind", "Soort contact", LOG_KINDS),
        "with": check.text("with", "Met wie", limit=200),
        "summary": check.text("summary", "Wat is besproken", required=True, limit=4000,
                              missing="Schrijf kort op wat er besproken of afgesproken is."),
        "by": by,
    }
    return doc, check.errors


LOG_FIELDS = ("date", "kind", "with", "summary")


def correct_log_entry(entry: Mapping[str, Any], doc: Mapping[str, Any], *, by: str, at: str) -> dict[str, Any]:
    """The change that corrects a contact-log entry: the new text, and the text it had before kept
    in `corrections`, so the log shows it was corrected and what it said. The entry keeps its
    author. ValueError (Dutch) when nothing changed."""
    was = {key: entry.get(key) for key in LOG_FIELDS}
    new = {key: doc[key] for key in LOG_FIELDS}
    if new == was:
        raise ValueError("Er is niets veranderd; pas de tekst aan of sluit de correctie.")
    return {**new, "corrections": [*(entry.get("corrections") or []), {"at": at, "by": by, "was": was}]}


def check_agreement(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    check = Check(form)
    doc = {
        "subject": check.text("subject", "Onderwerp", required=True, limit=200,
                              missing="Vul het onderwerp van het convenant in."),
        "parties": check.text("parties", "Partijen", limit=400),
        "start": check.date("start", "Ingangsdatum", required=True),
        "end": check.date("end", "Einddatum"),
        "review_date": check.date("review_date", "Evaluatiedatum"),
        "notes": check.text("notes", "Aantekeningen", limit=4000),
    }
    check.not_before("end", "Einddatum", doc["end"], doc["start"], "Ingangsdatum")
    check.not_before("review_date", "Evaluatiedatum", doc["review_date"], doc["start"], "Ingangsdatum")
    return doc, check.errors


def agreement_form_values(agreement: Mapping[str, Any]) -> dict[str, str]:
    return {key: agreement.get(key) or "" for key in ("subject", "parties", "start", "end", "review_date", "notes")}


@dataclass(frozen=True)
class AgreementState:
    """Where an agreement stands, and how many days from the date that matters."""

    state: str
    days: int | None  # days until (positive) or since (negative) the date that matters

    @property
    def label(self) -> str:
        return AGREEMENT_STATES[self.state]

    @property
    def needs_attention(self) -> bool:
        return self.state in NEEDS_ATTENTION


def agreement_state(agreement: Mapping[str, Any], today: date,
                    warning_days: int = REVIEW_WARNING_DAYS) -> AgreementState:
    """Where an agreement stands; the review date warns `warning_days` ahead."""
    start, end, review = (to_date(agreement.get(k)) for k in ("start", "end", "review_date"))
    if end and end < today:
        return AgreementState("verlopen", (end - today).days)
    if review and review <= today + timedelta(days=warning_days):
        # A review date that has passed keeps asking until it is moved.
        state = "evaluatie_verlopen" if review < today else "evaluatie_binnenkort"
        return AgreementState(state, (review - today).days)
    if not agreement.get("document"):
        return AgreementState("concept", None)
    if start and start > today:
        return AgreementState("nog_niet_gestart", (start - today).days)
    return AgreementState("lopend", (review - today).days if review else None)


@dataclass(frozen=True)
class AgreementRow:
    """An agreement in a list, with its partner and state."""

    agreement: Any
    partner: Any
    state: AgreementState


def agreement_rows(view, today: date, *, partner_id: int | None = None) -> list[AgreementRow]:
    """Agreements with their partner and state; those needing attention first, soonest first."""
    partners = {p.doc_id: p for p in view.table(PARTNERS).all()}
    rows = [AgreementRow(a, partners.get(a.get("partner_id")), agreement_state(a, today))
            for a in view.table(AGREEMENTS).all()
            if partner_id is None or a.get("partner_id") == partner_id]
    return sorted(rows, key=lambda r: (not r.state.needs_attention,
                                       r.state.days if r.state.days is not None else 10**6,
                                       r.agreement.get("subject", "")))


def attention(view, today: date) -> list[AgreementRow]:
    """Agreements of active partners to act on: review near or past, expired, or still unsigned."""
    return [row for row in agreement_rows(view, today) if row.state.needs_attention and not is_archived(row.partner)]


@dataclass(frozen=True)
class PartnerRow:
    """A partner in the network list, with its counts and latest contact."""

    partner: Any
    contacts: int
    last_contact: str | None
    agreements: int
    warnings: int


def partner_rows(view, today: date, *, type_filter: str = "", archived: bool = False) -> list[PartnerRow]:
    """The active partners, or with `archived` the archived ones."""
    contacts = _count_by_partner(view.table(CONTACTS).all())
    last: dict[int, str] = {}
    for entry in view.table(LOG).all():
        pid = entry.get("partner_id")
        if entry.get("date") and entry["date"] > last.get(pid, ""):
            last[pid] = entry["date"]
    agreements: dict[int, list[AgreementState]] = {}
    for agreement in view.table(AGREEMENTS).all():
        agreements.setdefault(agreement.get("partner_id"), []).append(agreement_state(agreement, today))
    rows = [PartnerRow(p, contacts.get(p.doc_id, 0), last.get(p.doc_id), len(agreements.get(p.doc_id, [])),
                       sum(s.needs_attention for s in agreements.get(p.doc_id, [])))
            for p in view.table(PARTNERS).all()
            if (not type_filter or p.get("type") == type_filter) and is_archived(p) == archived]
    return sorted(rows, key=lambda r: (r.partner.get("name", "").lower()))


def _count_by_partner(docs: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for doc in docs:
        counts[doc.get("partner_id")] = counts.get(doc.get("partner_id"), 0) + 1
    return counts


def contacts_of(view, partner_id: int) -> list:
    return sorted((c for c in view.table(CONTACTS).all() if c.get("partner_id") == partner_id),
                  key=lambda c: c.get("name", "").lower())


def log_of(view, partner_id: int) -> list:
    return sorted((e for e in view.table(LOG).all() if e.get("partner_id") == partner_id),
                  key=lambda e: (e.get("date") or "", e.doc_id), reverse=True)


def choices(view, *, keep: int | None = None) -> list[tuple[int, str, str]]:
    """(partner id, name, type label) of the active partners for a referrer select in another area,
    by name; `keep` (the partner a record is linked to now) stays in the list even when archived."""
    return [(p.doc_id, p.get("name", ""), TYPES.get(p.get("type"), ""))
            for p in sorted(view.table(PARTNERS).all(), key=lambda p: p.get("name", "").lower())
            if not is_archived(p) or p.doc_id == keep]


def names(view) -> dict[int, str]:
    """Every partner's name, archived ones too: history (cases, exports) keeps naming them."""
    return {p.doc_id: p.get("name", "") for p in view.table(PARTNERS).all()}
