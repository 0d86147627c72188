"""The benchmark export: the period's cases as an anonymised CSV for the national comparison.

Only categories (as the configured codes), dates, steps and the outcome: no names,
addresses, phone numbers, e-mail, landlords, descriptions, notes or agreements, and no case
number (rows get a running number, so a row cannot be traced back to a case file). The
period's cases are those reported in it or closed (afgesloten or ongeschikt) in it; each
row carries both dates, so the benchmark can count either way. Pure of Flask.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Callable, Iterable, Mapping

from figures import cases as case_rules
from figures.period import Period

from ..csv_safe import csv_text

COLUMNS = (
    "volgnummer", "datum_melding", "bron", "verwijzer_type", "wijk", "soorten_conflict", "complex",
    "aantal_huishoudens", "huishouden_a", "huishouden_b", "woonsituatie_a", "woonsituatie_b",
    "stap", "doorlopen_stappen", "intakebesluit", "datum_intakebesluit", "intake_op_tijd", "reden_ongeschikt",
    "uitkomst", "reden_niet_opgelost", "datum_afsluiting", "doorlooptijd_dagen", "nazorg_gedaan", "tijd_minuten",
)


def in_period(case: Mapping[str, Any], period: Period) -> bool:
    return case_rules.reported_on(case) in period or case_rules.closed_on(case) in period


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nee")


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def paths(events: Iterable[Mapping[str, Any]]) -> dict[Any, list[str]]:
    """Per case id, the steps it went through (from its timeline), in order."""
    found: dict[Any, list[tuple[str, Any, str]]] = defaultdict(list)
    for event in events:
        if event.get("kind") == "created":
            found[event.get("case_id")].append((event.get("at") or "", 0, event.get("to") or "aangemeld"))
        elif event.get("kind") == "step" and event.get("to"):
            found[event.get("case_id")].append((event.get("at") or "", getattr(event, "doc_id", 1), event["to"]))
    return {case: [step for _, _, step in sorted(items)] for case, items in found.items()}


def rows(cases: Iterable[Mapping[str, Any]], period: Period, *, events: Iterable[Mapping[str, Any]] = (),
         nazorg: Iterable[Mapping[str, Any]] = (), today: dt.date,
         deadline: Callable[[dt.date], dt.date]) -> list[list[Any]]:
    steps_of = paths(events)
    nazorg_of: dict[Any, list] = defaultdict(list)
    for record in nazorg:
        nazorg_of[record.get("case_id")].append(record)
    chosen = sorted((c for c in cases if in_period(c, period)),
                    key=lambda c: (case_rules.reported_on(c) or dt.date.min, case_rules.case_id(c) or 0))
    table: list[list[Any]] = [list(COLUMNS)]
    for number, case in enumerate(chosen, 1):
        parties = list(case.get("parties") or [])
        a, b = (parties + [{}, {}])[:2]
        intake = case.get("intake") or {}
        closing = case.get("closing") if isinstance(case.get("closing"), Mapping) else {}
        closed = case_rules.is_closed(case)
        types = case.get("conflict_types") or []
        table.append([
            number, _iso(case_rules.reported_on(case)), case.get("source") or "",
            (case.get("referrer") or {}).get("type") or "", case.get("wijk") or "",
            "|".join([types] if isinstance(types, str) else types), _yes_no(bool(case.get("complex"))),
            len(parties), a.get("household") or "", b.get("household") or "", a.get("tenure") or "",
            b.get("tenure") or "", case.get("step") or "", ">".join(steps_of.get(case_rules.case_id(case), [])),
            intake.get("decision") or "", _iso(case_rules.day(intake.get("decided_on"))),
            _yes_no(case_rules.intake_on_time(case, today=today, deadline=deadline)),
            intake.get("reason") or "" if intake.get("decision") == "ongeschikt" else "",
            case_rules.outcome(case) or "", (closing.get("reason") or "") if closed else "",
            _iso(case_rules.closed_on(case)), case_rules.duration_days(case) if closed else "",
            _yes_no(case_rules.nazorg_done(case, nazorg_of.get(case_rules.case_id(case), [])) if closed else None),
            int(case.get("minutes") or 0),
        ])
    return table


def export(cases, period: Period, **kwargs) -> str:
    return csv_text(rows(cases, period, **kwargs))
