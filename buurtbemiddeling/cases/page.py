"""The built-in sections of the case page, and the list labels the templates show.

Each section's context is computed from a read view and the case, without Flask, so the
page can grow sections from other areas (see sections.py).
"""
from __future__ import annotations

from typing import Any

from common import clock, intake_term

from ..network import partners as network
from ..network import referrals
from ..reports import intake as report_intake
from ..settings import lists, numbers
from . import appointments, intake, records, repo, usage, workflow
from .sections import register
from ..messages import advice

# Why a report is closed without becoming a case.
HANDLED_REASONS = {
    "dubbel": "Dubbele melding (zelfde zaak loopt al)",
    "doorverwezen": "Doorverwezen, geen bemiddeling",
    "geen-contact": "Geen contact met de melder mogelijk",
    "spam": "Geen echte melding",
}
LIST_KEYS = ("conflict_types", "referrer_types", "outcomes", "unsuitable_reasons", "not_solved_reasons",
             "wijken", "household_types")


def list_context(view, case=None) -> dict:
    """`labels[key][value]` for showing stored values (retired too); `choices[key]` for offering
    them: the values that may be chosen, and the retired ones `case` already has."""
    return {
        "labels": {key: lists.labels(view, key) for key in LIST_KEYS},
        "choices": {key: lists.choices_for(view, key, usage.values_of(case, key)) for key in LIST_KEYS},
    }


def options(view, case=None) -> workflow.Options:
    """The list values a step of `case` may record (a retired one only where the case has it)."""
    def allowed(key):
        return frozenset(v for v, _ in lists.choices_for(view, key, usage.values_of(case, key)))
    return workflow.Options(
        outcomes=allowed("outcomes"), not_solved_reasons=allowed("not_solved_reasons"),
        unsuitable_reasons=allowed("unsuitable_reasons"), nazorg_weeks=numbers.get(view, "nazorg_weeks"),
    )


def partner_choices(view, referrer=None) -> list[tuple[int, str]]:
    """(id, "name (type)") of the active network partners by name, for the referrer's partner
    select; the partner `referrer` is linked to stays even when archived."""
    keep = (referrer or {}).get("partner_id")
    return [(pid, f"{name} ({kind})" if kind else name) for pid, name, kind in network.choices(view, keep=keep)]


def partner_names(view) -> dict[int, str]:
    return network.names(view)


def suggested_partner(view, referrer) -> Any:
    """The active partner an unlinked referrer's organisation names, for the coordinator to confirm."""
    if (referrer or {}).get("partner_id") is not None:
        return None
    return referrals.suggested(network.active(view.table(network.PARTNERS).all()), referrer)


def partner_context(view, case) -> dict:
    """The case's network partner: the linked one (None when unlinked or gone) and, unlinked,
    the one its organisation suggests."""
    referrer = case.get("referrer") or {}
    pid = referrer.get("partner_id")
    return {"partner": view.table(network.PARTNERS).get(doc_id=pid) if isinstance(pid, int) else None,
            "suggested_partner": suggested_partner(view, referrer)}


def appointments_of(view, case) -> list:
    return appointments.of_case(appointments.all_of(view), case.doc_id)


@register("cases/_progress.html", order=10)
def progress(view, case) -> dict:
    today = clock.today()
    mine = appointments_of(view, case)
    return {
        "pending": appointments.pending(case, mine),
        "kinds": appointments.KINDS,
        "took_place": appointments.TOOK_PLACE,
        "last_talk": appointments.last_talk_date(mine, today) or today.isoformat(),
        "main_line": [workflow.STEPS[key] for key in workflow.MAIN_LINE],
        "next_steps": [(key, workflow.ACTION_LABELS.get(key, workflow.label(key))) for key in workflow.next_steps(case)],
        "next_action": workflow.next_action(case, today),
        "primary": workflow.primary_action(case),
        "can_hold": workflow.can_hold(case),
        "steps": workflow.STEPS,
        "nazorg_weeks": numbers.get(view, "nazorg_weeks"),
    }


@register("cases/_appointments.html", order=15)
def appointments_section(view, case) -> dict | None:
    mine = appointments_of(view, case)
    if not workflow.is_open(case) and not mine:
        return None
    names = repo.volunteer_names(view)
    duo = [(str(v), names.get(v, f"Vrijwilliger {v}")) for v in case.get("duo") or []]
    return {
        "appointments": mine, "kinds": appointments.KINDS, "statuses": appointments.STATUSES, "names": names,
        "duo": duo, "can_plan": workflow.is_open(case), "today": clock.today().isoformat(),
        "defaults": {"kind": appointments.suggested_kind(case, mine), "date": "",
                     "volunteers": [v for v, _ in duo], "coordinator": "" if duo else "ja"},
        "planned": appointments.PLANNED,
    }


@register("cases/_facts.html", order=20)
def facts(view, case) -> dict:
    found = intake.duplicates_of_case(view, case, report_intake.TABLE, repo.CASES)
    return {"duplicates": found, "tenures": records.TENURES, "minutes": records.minutes_label(repo.case_with_activity(view, case).get("minutes")),
            **partner_context(view, case)}


@register("cases/_intake.html", order=30)
def intake_section(view, case) -> dict:
    days = intake_term.current(view)
    today = clock.today()
    return {
        "checklist": workflow.CHECKLIST,
        "decisions": workflow.DECISIONS,
        "deadline": intake_term.deadline(case, days),
        "overdue": intake_term.is_late(case, today, days),
        "working_days": days,
        "editable": case.get("step") == "intake",
        **advice.offer(case),
    }


@register("cases/_duo.html", order=40)
def duo(view, case) -> dict:
    names = repo.volunteer_names(view)
    return {
        "volunteers": repo.active_volunteers(view),
        "members": [(v, names.get(v, f"Vrijwilliger {v} (niet gevonden)")) for v in case.get("duo") or []],
        "editable": workflow.is_open(case),
    }


@register("cases/_closing.html", order=60)
def closing(view, case) -> dict:
    from ..quality import nazorg  # the quality area keeps what nazorg recorded per party

    recorded = nazorg.of_case(view, case.doc_id)
    return {"can_close": "afgesloten" in workflow.next_steps(case), "not_solved": workflow.NOT_SOLVED,
            "prefill": {f"nazorg_{letter}": nazorg.summary(recorded[index])
                        for index, letter in ((0, "a"), (1, "b")) if index in recorded},
            "pending": appointments.pending(case, appointments_of(view, case)), "kinds": appointments.KINDS,
            "took_place": appointments.TOOK_PLACE}


@register("cases/_timeline.html", order=80)
def timeline(view, case) -> dict:
    events = repo.timeline(view, case.doc_id)
    return {
        "events": events,
        "unreached": records.unreached(events), "warn_from": records.UNREACHED_WARNING,
        "outcomes": records.CONTACT_OUTCOMES,
        "contact_with": records.CONTACT_WITH,
        "channels": records.CHANNELS,
        "kinds": records.EVENT_KINDS,
        "today": clock.today().isoformat(),
        "minutes_label": records.minutes_label,
    }


def report_panel(view, report) -> dict:
    """For a report's page: its case, other reports or cases about the same addresses, and the ways to handle it."""
    found = intake.duplicates_in(view, intake.report_pair(report), report_intake.TABLE, repo.CASES,
                                 skip_report=report.doc_id, skip_case=report.get("case_id"))
    case = repo.get_case(view, report["case_id"]) if report.get("case_id") else None
    # Only a referral names an organisation; a resident's own report has no partner to choose.
    referrer = records.from_report(report, report.doc_id)["referrer"]
    referral = referrer.get("type") != "zelfmelder"
    suggested = suggested_partner(view, referrer) if referral else None
    return {"case": case, "duplicates": found, "handled_reasons": HANDLED_REASONS,
            "wijken": lists.choices(view, "wijken"),
            "guessed_wijk": intake.guess_wijk_in(view, (report.get("values") or {}).get("postcode"), repo.CASES),
            "partners": partner_choices(view) if referral else [], "partner_field": records.PARTNER_FIELD,
            "organisation": referrer.get("organisation", ""),
            "suggested_partner": suggested.doc_id if suggested else None}
