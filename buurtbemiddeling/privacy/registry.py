"""The one registry of personal data: every stored table and field, and whether it can hold a
person's data, of what kind. Flask-free and pure.

Who asks it: the "who is this person" search and the subject export (`privacy/subjects.py`),
erasure on request (`privacy/erasure.py`) and retention (`privacy/retention.py`: a field that
retention keeps must be registered as not personal). `tests/test_privacy_registry.py` walks the
demo programme's tables and every public form and fails on a field that is in neither list, so a
new stored field is classified before it can hold someone's data unnoticed.

Paths name a value inside a document: `values.email` (a mapping's key), `parties[].name` (each
item of a list), `answers.*.note` (any key: `answers` is keyed by volunteer id). A path that
names a file's metadata (kind `FILE`) covers everything below it (`receipt.stored`, `.name`).

Kinds:
- `NAME`, `ADDRESS` (street, postcode, place), `PHONE`, `EMAIL`: details that identify someone;
- `TEXT`: free text that may mention anyone (notes, descriptions, agendas, mail bodies);
- `DETAIL`: something about one person that does not identify them by itself (language, age band);
- `FILE`: an uploaded or generated file kept on disk (the field holds where it is).
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

NAME, ADDRESS, PHONE, EMAIL = "name", "address", "phone", "email"
TEXT, DETAIL, FILE = "text", "detail", "file"
KINDS = {NAME: "naam", ADDRESS: "adres", PHONE: "telefoonnummer", EMAIL: "e-mailadres",
         TEXT: "vrije tekst", DETAIL: "persoonskenmerk", FILE: "bestand"}
IDENTIFYING = frozenset({NAME, ADDRESS, PHONE, EMAIL})

# Where files live (relative to the data folder): uploads hold {"stored", "name", "type", "size"}
# (`buurtbemiddeling/uploads.py`), case documents {"stored_as", "filename"} under documents/<case id>/.
UPLOADS, CASE_DOCUMENTS = "uploads", "documents"


@dataclass(frozen=True)
class Table:
    name: str
    personal: Mapping[str, str]  # path -> kind
    plain: frozenset[str]  # paths that hold no personal data (ids, dates, codes, counts, categories)
    owner: tuple[str, str] | None = None  # (field, table): whose record this is, e.g. ("case_id", "cases")
    files: str | None = None  # UPLOADS or CASE_DOCUMENTS: where this table's FILE fields point

    def kind_of(self, path: str) -> str | None:
        """The kind of personal data at `path`, "" when registered as not personal, None when unknown."""
        for pattern, kind in self.personal.items():
            if _matches(pattern, path) or (kind == FILE and _matches(pattern + ".*", path)):
                return kind
        if any(_matches(pattern, path) for pattern in self.plain):
            return ""
        return None

    def paths(self, *kinds: str) -> list[str]:
        return [path for path, kind in self.personal.items() if not kinds or kind in kinds]


def _matches(pattern: str, path: str) -> bool:
    # fnmatch's "*" crosses dots; a key pattern must not, so compare part by part.
    parts, wanted = path.split("."), pattern.split(".")
    return len(parts) == len(wanted) and all(fnmatch.fnmatchcase(p, w) for p, w in zip(parts, wanted))


def _table(name: str, personal: Mapping[str, str], plain: str, **options: Any) -> Table:
    return Table(name, MappingProxyType(dict(personal)), frozenset(plain.split()), **options)


FILE_META = "stored name type size"  # what an upload's metadata holds, all under its FILE path

TABLES: Mapping[str, Table] = MappingProxyType({t.name: t for t in (
    # -- residents ---------------------------------------------------------------------------
    _table("reports", {
        "values.name": NAME, "values.email": EMAIL, "values.phone": PHONE,
        "values.street": ADDRESS, "values.postcode": ADDRESS, "values.place": ADDRESS,
        "values.b_name": NAME, "values.b_street": ADDRESS, "values.b_postcode": ADDRESS,
        "values.referrer_name": NAME, "values.referrer_email": EMAIL, "values.referrer_phone": PHONE,
        "values.resident_name": NAME, "values.language": DETAIL, "values.contact_time[]": DETAIL,
        "values.description": TEXT, "values.tried": TEXT, "values.since": TEXT,
    }, "form received_at source lang status flags flags[] case_id handled_at handled_by handled_reason "
       "anonymised_at values.contact_way values.conflict_type values.violence values.consent values.org_name values.org_type "
       "values.resident_consent values.feedback_consent"),
    _table("cases", {
        "parties[].name": NAME, "parties[].street": ADDRESS, "parties[].postcode": ADDRESS,
        "parties[].place": ADDRESS, "parties[].phone": PHONE, "parties[].email": EMAIL,
        "parties[].language": DETAIL, "parties[].call_time": DETAIL,
        "referrer.person": NAME, "referrer.phone": PHONE, "referrer.email": EMAIL,
        "description": TEXT, "intake.advice": TEXT, "closing.agreements": TEXT,
        "closing.nazorg_a": TEXT, "closing.nazorg_b": TEXT, "feedback_call": TEXT,
    }, "number step held_from held_until report_id source reported_at wijk conflict_types[] complex duo[] minutes "
       "parties[].household parties[].tenure parties[].landlord referrer.type referrer.organisation "
       "referrer.partner_id referrer.feedback_consent referrer.feedback_off intake.checklist[] intake.decision "
       "intake.reason intake.decided_on closing closing.outcome closing.reason closing.closed_on last_talk nazorg_due "
       "created_at last_activity_at step_changed_at violence_reported anonymised_at"),
    _table("case_events", {
        "summary": TEXT, "note": TEXT, "text": TEXT, "title": TEXT, "user_name": NAME,
        "stored_as": FILE, "filename": FILE,
    }, "case_id recorded_at user kind at to from source date with channel minutes decision last_talk nazorg_due "
       "outcome reason content_type size correction closing_undone decision_undone override report_id via "
       "volunteer_id duo duo[] anonymised", owner=("case_id", "cases"), files=CASE_DOCUMENTS),
    _table("handovers", {"summary": TEXT, "safety": TEXT, "agreements": TEXT},
           "case_id updated_at by", owner=("case_id", "cases")),
    _table("appointments", {"place": ADDRESS},
           "case_id kind date start end volunteers volunteers[] coordinator status uid created_at",
           owner=("case_id", "cases")),
    _table("debriefs", {"went_well": TEXT, "hard": TEXT},
           "case_id talk date checklist[].item checklist[].done coaching_needed volunteer_ids[] by at",
           owner=("case_id", "cases")),
    _table("nazorg", {"note": TEXT, "by_whom": NAME},
           "case_id party contacted_on holds satisfaction by at", owner=("case_id", "cases")),
    _table("duo_proposals", {"names.*": NAME, "answers.*.note": TEXT, "override": TEXT, "reasons[]": TEXT},
           "case_id duo[] score status proposed_at proposed_by decided_at answers.*.answer answers.*.at "
           "answers.*.by answers.*.via", owner=("case_id", "cases")),
    # -- volunteers ------------------------------------------------------------------------------
    _table("applications", {
        "values.name": NAME, "values.email": EMAIL, "values.phone": PHONE,
        "values.street": ADDRESS, "values.postcode": ADDRESS,
        "values.age_band": DETAIL, "values.languages[]": DETAIL, "values.languages_other": DETAIL,
        "values.background": DETAIL, "values.motivation": TEXT, "values.experience": TEXT,
        "steps[].reason": TEXT, "interviews[].scores[].note": TEXT, "interviews[].reason": TEXT,
        "interviews[].interviewers": NAME,
    }, "form received_at source lang status flags flags[] step volunteer_id anonymised_at values.wijk "
       "values.availability[] values.heard_via values.consent steps[].step steps[].at steps[].by steps[].reason_code "
       "interviews[].held_on interviews[].kind interviews[].scores[].criterion interviews[].scores[].label "
       "interviews[].scores[].score interviews[].decision interviews[].by interviews[].at"),
    _table("volunteers", {
        "name": NAME, "email": EMAIL, "phone": PHONE, "street": ADDRESS, "postcode": ADDRESS,
        "age_band": DETAIL, "gender": DETAIL, "languages[]": DETAIL, "background": DETAIL,
        "knows[]": TEXT, "notes": TEXT, "steps[].reason": TEXT, "contacts[].note": TEXT,
        "agreement.document": FILE,
    }, "wijk availability[] max_cases experience.* start_date step steps[].step steps[].at steps[].by "
       "steps[].reason_code steps[].override agreement.signed_on application_id contacts[].on contacts[].kind "
       "contacts[].by anonymised_at", files=UPLOADS),
    _table("training_records", {"certificate": FILE, "notes": TEXT},
           "volunteer_id training_id date hours by at", owner=("volunteer_id", "volunteers"), files=UPLOADS),
    _table("expense_claims", {"description": TEXT, "reason": TEXT, "receipt": FILE},
           "volunteer_id date amount_cents status entered_by created_at decided_by decided_at via case_id",
           owner=("volunteer_id", "volunteers"), files=UPLOADS),
    _table("volunteer_signals", {"text": TEXT},
           "volunteer_id date kind source case_id by at follow_up_done", owner=("volunteer_id", "volunteers")),
    _table("coaching_notes", {"content": TEXT, "follow_up": TEXT},
           "volunteer_id case_id date kind follow_up_date follow_up_done by at", owner=("volunteer_id", "volunteers")),
    _table("events", {"agenda": TEXT, "notes": TEXT, "place": ADDRESS, "title": TEXT, "answers.*.reason": TEXT},
           "kind date start end invitees[] attendance[] uid answers.*.answer answers.*.at"),
    _table("volunteer_feeds", {}, "volunteer_id token", owner=("volunteer_id", "volunteers")),
    # -- accounts ----------------------------------------------------------------------------------
    _table("users", {"name": NAME, "email": EMAIL},
           "role password_hash active created_at epoch volunteer_id partner_id password_set_at last_login_at "
           "totp_secret totp_pending totp_enabled totp_last_step recovery_codes[].salt recovery_codes[].hash "
           "sessions"),
    _table("invitations", {}, "user_id purpose token_hash created_at created_by expires_at used_at withdrawn_at"),
    # -- network and partners ----------------------------------------------------------------
    _table("partners", {"phone": PHONE, "email": EMAIL, "address": ADDRESS, "notes": TEXT},
           "name type website created_at archived_at archived_by"),
    _table("partner_contacts", {"name": NAME, "phone": PHONE, "email": EMAIL, "role": DETAIL},
           "partner_id", owner=("partner_id", "partners")),
    _table("partner_log", {"with": NAME, "summary": TEXT, "corrections[].was.with": NAME,
                           "corrections[].was.summary": TEXT},
           "partner_id date kind by created_at corrections[].at corrections[].by corrections[].was.date "
           "corrections[].was.kind",
           owner=("partner_id", "partners")),
    _table("partner_agreements", {"notes": TEXT, "document": FILE},
           "partner_id subject parties start end review_date created_at", owner=("partner_id", "partners"),
           files=UPLOADS),
    # -- the office's own texts: free text where a name may end up ----------------------------
    _table("outbox", {"to": EMAIL, "reply_to": EMAIL, "subject": TEXT, "body": TEXT, "last_error": TEXT},
           "kind record message_id date created_at sent_at attempts claimed_at next_attempt_at permanent cancelled_at"),
    _table("publicity", {"title": TEXT, "summary": TEXT, "body": TEXT, "override_reason": TEXT},
           "kind lang slug anonymised published published_on created_at updated_at by disclosure disclosure[] "
           "override override_kinds[]"),
    _table("budget_expenses", {"description": TEXT, "receipt": FILE},
           "date line amount_cents by created_at updated_at updated_by", files=UPLOADS),
    _table("development_log", {"text": TEXT, "title": TEXT},
           "user_id kind date status created_at minutes form provider verdict"),
    _table("planning_projects", {"description": TEXT, "owner": NAME}, "name kind status start deadline created_at"),
    _table("planning_tasks", {"title": TEXT, "owner": NAME},
           "project_id deadline status priority created_at done_at"),
    _table("protocol_versions", {"body": TEXT, "note": TEXT, "author_name": NAME},
           "protocol_id number title author_id created_at"),
    _table("report_narratives", {"text": TEXT}, "period updated_at by"),
    _table("message_templates", {"body": TEXT, "subject": TEXT}, "key updated_by updated_at"),
    # -- no personal data ---------------------------------------------------------------------
    _table("_meta", {}, "schema key date value"),
    _table("settings", {}, "key value"),
    _table("lists", {}, "list value label label_en retired order"),
    _table("trainings", {}, "name kind hours validity_months required description retired"),
    _table("budget_lines", {}, "year line amount_cents"),
    _table("population", {}, "dimension value share"),
    _table("protocols", {}, "title created_at created_by published published_at published_by"),
    _table("protocol_acknowledgements", {}, "protocol_id number user_id at"),
    _table("calendar_feed", {}, "token"),
)})


# The details of audit entries (db/audit.py) that can hold someone's data: the address typed at
# a failed login, the reasons a portal answer was refused (they name a party).
AUDIT = _table("audit", {"email": EMAIL, "reasons[]": TEXT}, "at user action record")


# What the coordinator calls each table that holds personal data (erasure summary, exports).
LABELS: Mapping[str, str] = MappingProxyType({
    "reports": "meldingen", "cases": "zaken", "case_events": "tijdlijnen van zaken", "handovers": "overdrachten",
    "appointments": "afspraken", "debriefs": "nabesprekingen", "nazorg": "nazorg", "duo_proposals": "duovoorstellen",
    "applications": "aanmeldingen", "volunteers": "vrijwilligers", "training_records": "trainingen van vrijwilligers",
    "expense_claims": "onkostendeclaraties", "volunteer_signals": "signalen over vrijwilligers",
    "coaching_notes": "coachingsnotities", "events": "bijeenkomsten",
    "users": "accounts", "partners": "netwerkpartners", "partner_contacts": "contactpersonen van partners",
    "partner_log": "contacten met partners", "partner_agreements": "afspraken met partners", "outbox": "e-mail",
    "publicity": "nieuws en verhalen", "budget_expenses": "uitgaven", "development_log": "ontwikkellogboek",
    "planning_projects": "projecten", "planning_tasks": "taken", "protocol_versions": "protocollen",
    "report_narratives": "toelichtingen bij rapportages", "message_templates": "berichtteksten",
})


# Counter sets (`db/counters.py`, not tables, not backed up): short-lived, keyed per sender.
COUNTERS: Mapping[str, str] = MappingProxyType({
    "login_throttle": EMAIL,  # "account:<e-mail>" and "address:<ip>" -> failure times, for minutes
    "form_rate": "",  # a hashed client address -> post times
    "spam_counts": "",  # "<day>|<form>|<reason>" -> a count
})


@dataclass(frozen=True)
class Holder:
    """A place where one person's details are stored together: `at` is where in the document
    ("" the document itself, "values", "parties[]" each party, "referrer"), `fields` maps each of
    their fields there to its kind."""

    table: str
    at: str
    role: str  # as the coordinator reads it
    fields: Mapping[str, str]

    def path(self, field: str) -> str:
        return f"{self.at}.{field}" if self.at else field


def _holder(table_name: str, at: str, role: str, **fields: str) -> Holder:
    return Holder(table_name, at, role, MappingProxyType(fields))


HOLDERS: tuple[Holder, ...] = (
    _holder("reports", "values", "melder", name=NAME, email=EMAIL, phone=PHONE, street=ADDRESS, postcode=ADDRESS,
            place=ADDRESS, language=DETAIL),
    _holder("reports", "values", "buur (partij B)", b_name=NAME, b_street=ADDRESS, b_postcode=ADDRESS),
    _holder("reports", "values", "verwijzer", referrer_name=NAME, referrer_email=EMAIL, referrer_phone=PHONE),
    _holder("cases", "parties[]", "partij", name=NAME, street=ADDRESS, postcode=ADDRESS, place=ADDRESS,
            phone=PHONE, email=EMAIL, language=DETAIL, call_time=DETAIL),
    _holder("cases", "referrer", "verwijzer", person=NAME, phone=PHONE, email=EMAIL),
    _holder("applications", "values", "aanmelder", name=NAME, email=EMAIL, phone=PHONE, street=ADDRESS,
            postcode=ADDRESS),
    _holder("volunteers", "", "vrijwilliger", name=NAME, email=EMAIL, phone=PHONE, street=ADDRESS, postcode=ADDRESS),
    _holder("partner_contacts", "", "contactpersoon partner", name=NAME, phone=PHONE, email=EMAIL),
    _holder("users", "", "account", name=NAME, email=EMAIL),
)


def holders(table_name: str | None = None) -> list[Holder]:
    return [h for h in HOLDERS if table_name is None or h.table == table_name]


def holder(table_name: str, at: str) -> Holder:
    """The holder at `at` in `table_name`; for reports "values" is the reporter (melder)."""
    return next(h for h in HOLDERS if h.table == table_name and h.at == at)


class UnknownTable(KeyError):
    pass


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise UnknownTable(f"Table {name!r} is not in the personal-data registry (privacy/registry.py).") from None


def kind_of(table_name: str, path: str) -> str | None:
    """The kind of personal data at `table_name`/`path`; "" when not personal; None when unregistered."""
    return TABLES[table_name].kind_of(path) if table_name in TABLES else None


# -- walking documents by path -------------------------------------------------------------------

def paths_in(doc: Any, prefix: str = "") -> Iterator[str]:
    """Every path in a document that holds a value (None and empty containers hold nothing)."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from paths_in(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(doc, list):
        for item in doc:
            yield from paths_in(item, prefix + "[]")
    elif doc is not None:
        yield prefix


def unregistered(table_name: str, doc: Mapping[str, Any]) -> set[str]:
    """The paths of `doc` that the registry does not classify."""
    return {path for path in paths_in(doc) if kind_of(table_name, path) is None}


def values(doc: Any, path: str) -> Iterator[Any]:
    """Every value at `path` in `doc` (several for a path through lists or `*`)."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(doc, dict):
        return
    found = list(doc.values()) if key == "*" else ([doc[key]] if key in doc else [])
    for value in found:
        items = value if many and isinstance(value, list) else ([value] if not many else [])
        for item in items:
            if rest:
                yield from values(item, rest)
            elif item is not None:
                yield item


def rewrite(doc: Any, path: str, change: Callable[[Any], Any]) -> Any:
    """`doc` with every value at `path` replaced by `change(value)`: a copy when something
    changed (the rest shared), else `doc` itself."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(doc, dict):
        return doc
    changed = {}
    for k in (list(doc) if key == "*" else ([key] if key in doc else [])):
        value = doc[k]
        if many:
            if isinstance(value, list):
                new = [rewrite(item, rest, change) if rest else change(item) for item in value]
                if any(a is not b for a, b in zip(new, value)):
                    changed[k] = new
        elif value is not None:
            new = rewrite(value, rest, change) if rest else change(value)
            if new is not value:
                changed[k] = new
    return {**doc, **changed} if changed else doc


def texts(table_name: str) -> list[str]:
    """The free-text paths of a table: where someone's name may be written by hand."""
    return TABLES[table_name].paths(TEXT) if table_name in TABLES else []
