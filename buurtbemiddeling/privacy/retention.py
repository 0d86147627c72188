"""Retention: which records are past their period, and how a record is made anonymous.

The rules (the upper half) are pure: plain docs in, a list of `Due` items or the updates
that anonymise a doc out. What stays is what the figures need (step, dates, categories,
wijk, outcome, minutes, household, huur/koop, the duo's ids); everything else that is
text goes. The scrubbing keeps an allow-list, so a text field another area adds later is
erased too rather than kept by accident.

The runner (the lower half) applies a plan in one store transaction and removes the files
(case documents, certificates, agreements) after the commit. `run_daily` runs it at most
once a day; the app calls it after a request, cron can call `flask --app app retention`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from figures.cases import closed_on
from common import postcode

from ..budget.ledger import CLAIMS
from ..mail import purge_sent
from ..volunteers.pipeline import since as step_since
from ..volunteers.qualifications import add_months
from common import retention_periods as period_rules
from db.store import META_TABLE

from common import tables

from .last_run import LAST_RUN, last_run

CASES, EVENTS, REPORTS = tables.CASES, tables.CASE_EVENTS, tables.REPORTS
APPLICATIONS, VOLUNTEERS = tables.APPLICATIONS, tables.VOLUNTEERS
HANDOVERS, DEBRIEFS, NAZORG, APPOINTMENTS = tables.HANDOVERS, tables.DEBRIEFS, tables.NAZORG, tables.APPOINTMENTS
SIGNALS, COACHING = tables.VOLUNTEER_SIGNALS, tables.COACHING_NOTES
USERS, META = tables.USERS, META_TABLE
ENDED_APPLICATION = ("afgewezen", "teruggetrokken")
KINDS = {"case": "Zaak", "report": "Melding", "application": "Aanmelding", "volunteer": "Vrijwilliger"}
REMOVED = "[verwijderd]"

# What stays of each kind of doc; other text, lists and mappings are emptied.
CASE_KEEP = {"number", "step", "held_from", "report_id", "source", "reported_at", "wijk", "conflict_types",
             "complex", "duo", "minutes", "created_at", "last_activity_at", "step_changed_at", "last_talk",
             "nazorg_due", "violence_reported", "anonymised_at"}
INTAKE_KEEP = {"checklist", "decision", "reason", "decided_on"}
CLOSING_KEEP = {"outcome", "reason", "closed_on"}
REFERRER_KEEP = {"type", "organisation", "partner_id"}
PARTY_KEEP = {"household", "tenure", "landlord"}
EVENT_KEEP = {"case_id", "at", "recorded_at", "kind", "from", "to", "channel", "with", "minutes", "date", "duo",
              "outcome", "reason", "source", "report_id", "user", "user_name", "via", "volunteer_id", "anonymised"}
REPORT_KEEP = {"form", "received_at", "source", "lang", "status", "flags", "case_id", "handled_at",
               "handled_reason", "handled_by", "anonymised_at"}
REPORT_VALUES_KEEP = {"conflict_type", "org_type", "violence", "contact_way"}
APPLICATION_KEEP = {"form", "received_at", "source", "lang", "status", "flags", "step", "volunteer_id",
                    "anonymised_at"}
APPLICATION_VALUES_KEEP = {"wijk", "age_band", "languages", "heard_via", "availability"}
VOLUNTEER_KEEP = {"step", "start_date", "wijk", "languages", "age_band", "gender", "availability", "max_cases",
                  "experience", "application_id", "anonymised_at"}
STEP_KEEP = {"step", "at"}
INTERVIEW_KEEP = {"held_on", "kind", "decision", "at"}
DEBRIEF_KEEP = {"case_id", "talk", "date", "checklist", "coaching_needed", "volunteer_ids", "at"}
NAZORG_KEEP = {"case_id", "party", "contacted_on", "holds", "satisfaction", "at"}
# When and what kind of talk stays (time spent, how far a case got); where (often an address) goes.
APPOINTMENT_KEEP = {"case_id", "kind", "date", "start", "end", "status", "volunteers", "coordinator", "uid", "created_at"}
NOTE_KEEP = {"volunteer_id", "case_id", "date", "kind", "source", "at", "follow_up_done"}
# The budget's realisation still needs the amounts; what the claim said and its receipt go.
CLAIM_KEEP = {"volunteer_id", "date", "amount_cents", "status", "created_at", "decided_at", "via"}


@dataclass(frozen=True)
class Due:
    kind: str  # case | report | application | volunteer
    doc_id: int
    label: str
    since: dt.date  # closed, handled, rejected or stopped on
    due: dt.date

    @property
    def record(self) -> str:
        return f"{self.kind}:{self.doc_id}"


# -- the rules ---------------------------------------------------------------------------

def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def blank(value: Any) -> Any:
    """The empty value of the same shape: text, lists and mappings go, numbers and flags stay."""
    if isinstance(value, str):
        return ""
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return value


def scrub(doc: Mapping[str, Any], keep: set[str]) -> dict[str, Any]:
    """Every field of `doc` not in `keep`, emptied (a full replacement for the kept ones)."""
    return {key: (value if key in keep else blank(value)) for key, value in doc.items()}


def _postcode_area(code: str) -> str:
    return postcode.area(code)


def anonymise_case(case: Mapping[str, Any], at: dt.date) -> dict[str, Any]:
    out = scrub(case, CASE_KEEP)
    out["intake"] = scrub(case.get("intake") or {}, INTAKE_KEEP)
    out["closing"] = scrub(case["closing"], CLOSING_KEEP) if isinstance(case.get("closing"), dict) else case.get("closing")
    out["referrer"] = scrub(case.get("referrer") or {}, REFERRER_KEEP)
    # The 4 digits of a postcode stay: they give the neighbourhood, not the house.
    out["parties"] = [{**scrub(p, PARTY_KEEP), "postcode": _postcode_area(p.get("postcode", ""))}
                      for p in case.get("parties") or []]
    out["anonymised_at"] = at.isoformat()
    return out


def anonymise_event(event: Mapping[str, Any]) -> dict[str, Any]:
    return {**scrub(event, EVENT_KEEP), "anonymised": True}


def anonymise_report(report: Mapping[str, Any], at: dt.date) -> dict[str, Any]:
    out = scrub(report, REPORT_KEEP)
    out["values"] = scrub(report.get("values") or {}, REPORT_VALUES_KEEP)
    out["anonymised_at"] = at.isoformat()
    return out


def _steps(steps: Iterable[Mapping]) -> list[dict]:
    return [scrub(s, STEP_KEEP) for s in steps or []]


def anonymise_application(doc: Mapping[str, Any], at: dt.date) -> dict[str, Any]:
    out = scrub(doc, APPLICATION_KEEP)
    out["values"] = scrub(doc.get("values") or {}, APPLICATION_VALUES_KEEP)
    out["steps"] = _steps(doc.get("steps"))
    out["interviews"] = [{**scrub(i, INTERVIEW_KEEP), "scores": [{"criterion": s.get("criterion"), "score": s.get("score")}
                                                                for s in i.get("scores") or []]}
                         for i in doc.get("interviews") or []]
    out["anonymised_at"] = at.isoformat()
    return out


def anonymise_volunteer(doc: Mapping[str, Any], doc_id: int, at: dt.date) -> dict[str, Any]:
    out = scrub(doc, VOLUNTEER_KEEP)
    out["name"] = f"Oud-vrijwilliger {doc_id}"  # lists and figures still need a label
    out["steps"] = _steps(doc.get("steps"))
    out["agreement"] = {"signed_on": (doc.get("agreement") or {}).get("signed_on", ""), "document": None}
    out["anonymised_at"] = at.isoformat()
    return out


def _due(kind: str, doc, label: str, since: dt.date | None, months: int, today: dt.date) -> Due | None:
    if since is None or doc.get("anonymised_at"):
        return None
    until = add_months(since, months)
    return Due(kind, doc.doc_id, label, since, until) if until <= today else None


def due_cases(cases: Iterable, today: dt.date, months: int) -> list[Due]:
    return [d for d in (_due("case", c, f"Zaak {c.get('number', c.doc_id)}", closed_on(c), months, today)
                        for c in cases) if d]


def due_reports(reports: Iterable, today: dt.date, months: int) -> list[Due]:
    """Reports handled without a case; a report that became a case goes with its case."""
    found = []
    for r in reports:
        if r.get("status") == "afgehandeld" and not r.get("case_id"):
            found.append(_due("report", r, f"Melding {r.doc_id} van {(r.get('received_at') or '')[:10]}",
                              _day(r.get("handled_at") or r.get("received_at")), months, today))
    return [d for d in found if d]


def due_applications(applications: Iterable, today: dt.date, months: int) -> list[Due]:
    return [d for d in (_due("application", a, f"Aanmelding {a.doc_id} ({a.get('step')})", _day(step_since(a)), months, today)
                        for a in applications if a.get("step") in ENDED_APPLICATION) if d]


def due_volunteers(volunteers: Iterable, today: dt.date, periods: period_rules.Periods) -> list[Due]:
    """Withdrawn during the training: the applicants' period; stopped mediators: their own."""
    found = []
    for v in volunteers:
        months = {"teruggetrokken": periods.application_months, "afgewezen": periods.application_months,
                  "gestopt": periods.volunteer_months}.get(v.get("step"))
        if months is not None:
            found.append(_due("volunteer", v, f"Vrijwilliger {v.doc_id} ({v.get('step')})", _day(step_since(v)), months, today))
    return [d for d in found if d]


def plan(view, today: dt.date, periods: period_rules.Periods | None = None) -> list[Due]:
    """Everything past its period on `today`, oldest due first."""
    periods = periods or period_rules.current(view)
    found = (due_cases(view.table(CASES).all(), today, periods.case_months)
             + due_reports(view.table(REPORTS).all(), today, periods.report_months)
             + due_applications(view.table(APPLICATIONS).all(), today, periods.application_months)
             + due_volunteers(view.table(VOLUNTEERS).all(), today, periods))
    return sorted(found, key=lambda d: (d.due, d.kind, d.doc_id))


KIND_LABELS = {"case": ("zaak", "zaken"), "report": ("melding", "meldingen"),
               "application": ("aanmelding", "aanmeldingen"), "volunteer": ("vrijwilliger", "vrijwilligers")}


def newly_due(view, today: dt.date, values: Mapping[str, int]) -> dict[str, int]:
    """Per kind, how many records the next run would anonymise only because the periods became `values`."""
    stored = {d.get("key"): d.get("value") for d in view.table(period_rules.SETTINGS_TABLE).all()}
    proposed = period_rules.from_settings({"key": k, "value": v} for k, v in {**stored, **values}.items())
    already = {d.record for d in plan(view, today)}
    counts: dict[str, int] = {}
    for item in plan(view, today, proposed):
        if item.record not in already:
            counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts


def describe_counts(counts: Mapping[str, int]) -> str:
    """{"case": 23, "report": 1} -> '23 zaken en 1 melding'."""
    parts = [f"{n} {KIND_LABELS[kind][n != 1]}" for kind, n in counts.items() if n]
    return " en ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)


def upcoming(view, today: dt.date, days: int = 31) -> list[Due]:
    """What will go within `days` (the preview's second list)."""
    later = plan(view, today + dt.timedelta(days=days))
    now = {d.record for d in plan(view, today)}
    return [d for d in later if d.record not in now]


# -- the runner --------------------------------------------------------------------------

@dataclass
class Files:
    """Stored files that go with anonymised records (removed after the commit), and the records
    that belong to each case or volunteer, found once per run."""

    case_documents: list[tuple[int, str]]  # (case id, stored_as)
    uploads: list[Mapping]  # upload meta (certificates, agreements, claim receipts)
    _grouped: dict = field(default_factory=dict)  # (table, key) -> {owner: [doc ids]}

    def related(self, tx, table: str, key: str, owner: int) -> list:
        """The current docs of `table` whose `key` is `owner`. The doc ids are grouped once per
        run: a scan per record made anonymising 9,000 cases scan 183,000 events 9,000 times.
        Anonymising keeps every doc id, so the grouping stays true within the run."""
        grouped = self._grouped.get((table, key))
        if grouped is None:
            grouped = self._grouped[(table, key)] = {}
            for doc in tx.table(table):
                grouped.setdefault(doc.get(key), []).append(doc.doc_id)
        docs = tx.table(table)
        return [doc for doc in (docs.get(doc_id=doc_id) for doc_id in grouped.get(owner, ())) if doc is not None]


def _replace(table, doc_id: int, doc: Mapping[str, Any]) -> None:
    # A full replacement, so fields emptied by `scrub` cannot survive a partial update.
    table.remove(doc_ids=[doc_id])
    from tinydb.table import Document

    table.insert(Document(dict(doc), doc_id=doc_id))


def _anonymise_case_in(tx, case_id: int, today: dt.date, files: Files) -> None:
    cases = tx.table(CASES)
    case = cases.get(doc_id=case_id)
    if case is None:
        return
    _replace(cases, case_id, anonymise_case(case, today))
    events = tx.table(EVENTS)
    for event in files.related(tx, EVENTS, "case_id", case_id):
        if event.get("kind") == "document" and event.get("stored_as"):
            files.case_documents.append((case_id, event["stored_as"]))
        _replace(events, event.doc_id, anonymise_event(event))
    tx.table(HANDOVERS).remove(doc_ids=[h.doc_id for h in files.related(tx, HANDOVERS, "case_id", case_id)])
    for name, keep in ((DEBRIEFS, DEBRIEF_KEEP), (NAZORG, NAZORG_KEEP), (APPOINTMENTS, APPOINTMENT_KEEP)):
        table = tx.table(name)
        for doc in files.related(tx, name, "case_id", case_id):
            _replace(table, doc.doc_id, scrub(doc, keep))
    reports = tx.table(REPORTS)
    found = {r.doc_id: r for r in files.related(tx, REPORTS, "case_id", case_id)}
    own = reports.get(doc_id=case["report_id"]) if case.get("report_id") else None
    if own is not None:
        found.setdefault(own.doc_id, own)
    for report in found.values():
        if not report.get("anonymised_at"):
            _replace(reports, report.doc_id, anonymise_report(report, today))


def _anonymise_report_in(tx, report_id: int, today: dt.date, files: Files) -> None:
    table = tx.table(REPORTS)
    doc = table.get(doc_id=report_id)
    if doc is not None:
        _replace(table, report_id, anonymise_report(doc, today))


def _anonymise_application_in(tx, application_id: int, today: dt.date, files: Files) -> None:
    table = tx.table(APPLICATIONS)
    doc = table.get(doc_id=application_id)
    if doc is not None:
        _replace(table, application_id, anonymise_application(doc, today))


def _anonymise_volunteer_in(tx, volunteer_id: int, today: dt.date, files: Files) -> None:
    table = tx.table(VOLUNTEERS)
    doc = table.get(doc_id=volunteer_id)
    if doc is None:
        return
    if (doc.get("agreement") or {}).get("document"):
        files.uploads.append(doc["agreement"]["document"])
    _replace(table, volunteer_id, anonymise_volunteer(doc, volunteer_id, today))
    if doc.get("application_id"):
        _anonymise_application_in(tx, doc["application_id"], today, files)
    records = tx.table(tables.TRAINING_RECORDS)
    for record in files.related(tx, "training_records", "volunteer_id", volunteer_id):
        if record.get("certificate"):
            files.uploads.append(record["certificate"])
            records.update({"certificate": None, "notes": ""}, doc_ids=[record.doc_id])
    claims = tx.table(CLAIMS)
    for claim in files.related(tx, CLAIMS, "volunteer_id", volunteer_id):
        if claim.get("receipt"):
            files.uploads.append(claim["receipt"])
        _replace(claims, claim.doc_id, {**scrub(claim, CLAIM_KEEP), "receipt": None})
    for name in (SIGNALS, COACHING):
        notes = tx.table(name)
        for note in files.related(tx, name, "volunteer_id", volunteer_id):
            _replace(notes, note.doc_id, scrub(note, NOTE_KEEP))
    accounts = tx.table(USERS)
    for account in files.related(tx, USERS, "volunteer_id", volunteer_id):
        # The account cannot log in any more and holds no name or address.
        accounts.update({"name": f"Oud-vrijwilliger {volunteer_id}", "email": f"verwijderd-{account.doc_id}@invalid",
                         "password_hash": None, "active": False, "totp_secret": None, "totp_pending": None, "totp_enabled": False,
                         "epoch": int(account.get("epoch", 0)) + 1}, doc_ids=[account.doc_id])


ANONYMISE = {"case": _anonymise_case_in, "report": _anonymise_report_in,
             "application": _anonymise_application_in, "volunteer": _anonymise_volunteer_in}


def anonymise(store, items: Iterable[tuple[str, int]], today: dt.date, *, upload_dir: Path | None = None) -> None:
    """Anonymise these records now (one transaction), then remove their files."""
    files = Files([], [])
    with store.transaction() as tx:
        for kind, doc_id in items:
            ANONYMISE[kind](tx, doc_id, today, files)
    remove_files(store, files, upload_dir)


def remove_files(store, files: Files, upload_dir: Path | None) -> None:
    from ..cases import documents

    for case_id, stored in files.case_documents:
        try:
            documents.path_of(store.data_dir, case_id, stored).unlink(missing_ok=True)
        except documents.DocumentError:
            pass
    if upload_dir is not None:
        for meta in files.uploads:
            name = str(meta.get("stored") or "")
            if name and "/" not in name and not name.startswith("."):
                (Path(upload_dir) / name).unlink(missing_ok=True)


def run(store, today: dt.date, *, dry_run: bool = False, upload_dir: Path | None = None,
        user: str | None = None, now: dt.datetime | None = None) -> list[Due]:
    """Anonymise everything past its period; with `dry_run` only say what would go."""
    with store.transaction():
        # Plan under the lock, so two runs at once cannot both act on the same list.
        due = plan(store.read(), today)
        if not dry_run:
            anonymise(store, [(d.kind, d.doc_id) for d in due], today, upload_dir=upload_dir)
            _mark(store, today)
            for item in due:
                # The audit says which record went and why, never what it held.
                store.audit(user, "retention.anonymise", item.record, due=item.due.isoformat())
    if not dry_run:
        purge_sent(store, now=now)
    return due


def _mark(store, today: dt.date) -> None:
    with store.transaction() as tx:
        meta = tx.table(META)
        doc = next((d for d in meta.all() if d.get("key") == LAST_RUN), None)
        if doc is None:
            meta.insert({"key": LAST_RUN, "date": today.isoformat()})
        else:
            meta.update({"date": today.isoformat()}, doc_ids=[doc.doc_id])


def run_daily(store, today: dt.date, *, upload_dir: Path | None = None) -> list[Due] | None:
    """Run once per day at most; None when it already ran today (checked under the lock)."""
    if last_run(store.read()) == today.isoformat():
        return None
    with store.transaction():
        if last_run(store.read()) == today.isoformat():
            return None
        return run(store, today, upload_dir=upload_dir)
