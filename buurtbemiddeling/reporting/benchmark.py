"""The benchmark export: the period's cases as an anonymised CSV for the national comparison.

Only categories (as the configured codes), months, steps and the outcome: no names,
addresses, phone numbers, e-mail, landlords, descriptions, notes or agreements, no household
details and no case number (rows get a running number, so a row cannot be traced back to a
case file). Dates are months, never days. The period's cases are those reported in it or
closed (afgesloten or ongeschikt) in it; each row carries both months.

Small groups are protected over the exported fields together: every combination of values in
the file is shared by at least THRESHOLD cases. A row in a smaller group is merged step by
step (`MERGES`: durations and time in bands, months to quarters, then wijk, conflict types,
referrer and the rest to "samengevoegd"); a row still alone after that is left out. Column
`samengevoegd` names what was merged for a row, and `Protected` says how many rows were left
out, for the page that offers the download. Pure of Flask.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from figures import cases as case_rules
from figures.anonymity import THRESHOLD
from figures.period import Period

from ..csv_safe import csv_text

MERGED = "samengevoegd"
COLUMNS = (
    "maand_melding", "bron", "verwijzer_type", "wijk", "soorten_conflict", "complex",
    "stap", "doorlopen_stappen", "intakebesluit", "maand_intakebesluit", "intake_op_tijd", "reden_ongeschikt",
    "uitkomst", "reden_niet_opgelost", "maand_afsluiting", "doorlooptijd_dagen", "nazorg_gedaan", "tijd_minuten",
)
HEADER = ("volgnummer", *COLUMNS, MERGED)


def _band(value: Any, edges: tuple[int, ...], unit: str) -> str:
    if value in ("", None):
        return ""
    lower = 0
    for edge in edges:
        if int(value) <= edge:
            return f"{lower}-{edge} {unit}"
        lower = edge + 1
    return f"meer dan {edges[-1]} {unit}"


def _quarter(month: str) -> str:
    return f"{month[:4]}-K{(int(month[5:7]) - 1) // 3 + 1}" if len(month) == 7 else month


# (what the page calls it, the columns, how a value is merged), applied in this order to small groups only.
MERGES: tuple[tuple[str, tuple[str, ...], Callable[[str], str]], ...] = (
    ("doorlooptijd in banden", ("doorlooptijd_dagen",), lambda v: _band(v, (30, 60, 90, 180), "dagen")),
    ("tijd in banden", ("tijd_minuten",), lambda v: _band(v, (300, 900), "minuten")),
    ("doorlopen stappen", ("doorlopen_stappen",), lambda v: MERGED if v else v),
    ("redenen", ("reden_ongeschikt", "reden_niet_opgelost"), lambda v: MERGED if v else v),
    ("maanden tot kwartalen", ("maand_melding", "maand_intakebesluit", "maand_afsluiting"), _quarter),
    ("wijk", ("wijk",), lambda v: MERGED),
    ("soort conflict", ("soorten_conflict",), lambda v: MERGED),
    ("verwijzer en bron", ("verwijzer_type", "bron"), lambda v: MERGED),
    ("complex, stap en nazorg", ("complex", "stap", "nazorg_gedaan", "intake_op_tijd"), lambda v: MERGED if v else v),
    ("kwartalen tot jaren", ("maand_melding", "maand_intakebesluit", "maand_afsluiting"), lambda v: v[:4]),
)


@dataclass(frozen=True)
class Protected:
    table: list[list[Any]]  # the header, then the rows
    merged: int  # rows in which something was merged
    left_out: int  # rows still in a group under THRESHOLD after every merge
    threshold: int = THRESHOLD


def in_period(case: Mapping[str, Any], period: Period) -> bool:
    return case_rules.reported_on(case) in period or case_rules.closed_on(case) in period


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nee")


def _month(day: dt.date | None) -> str:
    return day.strftime("%Y-%m") if day else ""


def paths(events: Iterable[Mapping[str, Any]]) -> dict[Any, list[str]]:
    """Per case id, the steps it went through (from its timeline), in order."""
    found: dict[Any, list[tuple[str, Any, str]]] = defaultdict(list)
    for event in events:
        if event.get("kind") == "created":
            found[event.get("case_id")].append((event.get("at") or "", 0, event.get("to") or "aangemeld"))
        elif event.get("kind") == "step" and event.get("to"):
            found[event.get("case_id")].append((event.get("at") or "", getattr(event, "doc_id", 1), event["to"]))
    return {case: [step for _, _, step in sorted(items)] for case, items in found.items()}


def case_rows(cases: Iterable[Mapping[str, Any]], period: Period, *, events: Iterable[Mapping[str, Any]] = (),
              nazorg: Iterable[Mapping[str, Any]] = (), today: dt.date,
              deadline: Callable[[dt.date], dt.date]) -> list[dict[str, str]]:
    """Per case of the period its exported values (all text), before any protection."""
    steps_of = paths(events)
    nazorg_of: dict[Any, list] = defaultdict(list)
    for record in nazorg:
        nazorg_of[record.get("case_id")].append(record)
    chosen = sorted((c for c in cases if in_period(c, period)),
                    key=lambda c: (case_rules.reported_on(c) or dt.date.min, case_rules.case_id(c) or 0))
    found = []
    for case in chosen:
        intake = case.get("intake") or {}
        closing = case.get("closing") if isinstance(case.get("closing"), Mapping) else {}
        closed = case_rules.is_closed(case)
        types = case.get("conflict_types") or []
        values = (
            _month(case_rules.reported_on(case)), case.get("source") or "", (case.get("referrer") or {}).get("type") or "",
            case.get("wijk") or "", "|".join(sorted([types] if isinstance(types, str) else types)),
            _yes_no(bool(case.get("complex"))), case.get("step") or "",
            ">".join(steps_of.get(case_rules.case_id(case), [])), intake.get("decision") or "",
            _month(case_rules.day(intake.get("decided_on"))),
            _yes_no(case_rules.intake_on_time(case, today=today, deadline=deadline)),
            intake.get("reason") or "" if intake.get("decision") == "ongeschikt" else "",
            case_rules.outcome(case) or "", (closing.get("reason") or "") if closed else "",
            _month(case_rules.closed_on(case)), case_rules.duration_days(case) if closed else "",
            _yes_no(case_rules.nazorg_done(case, nazorg_of.get(case_rules.case_id(case), [])) if closed else None),
            int(case.get("minutes") or 0),
        )
        found.append({column: "" if value is None else str(value) for column, value in zip(COLUMNS, values)})
    return found


def protect(found: list[dict[str, str]], threshold: int = THRESHOLD) -> Protected:
    """Merge, then leave out, until every combination of exported values occurs `threshold` times or more."""
    merged_in: list[list[str]] = [[] for _ in found]

    def small() -> set[int]:
        counts = Counter(tuple(row[c] for c in COLUMNS) for row in found)
        return {i for i, row in enumerate(found) if counts[tuple(row[c] for c in COLUMNS)] < threshold}

    for what, columns, merge in MERGES:
        rows = small()
        if not rows:
            break
        for i in rows:
            row = found[i]
            changed = {c: merge(row[c]) for c in columns}
            if any(changed[c] != row[c] for c in columns):
                row.update(changed)
                merged_in[i].append(what)
    left = small()
    table: list[list[Any]] = [list(HEADER)]
    kept = [i for i in range(len(found)) if i not in left]
    for number, i in enumerate(kept, 1):
        table.append([number, *(found[i][c] for c in COLUMNS), ", ".join(merged_in[i])])
    return Protected(table, sum(1 for i in kept if merged_in[i]), len(left), threshold)


def rows(cases: Iterable[Mapping[str, Any]], period: Period, **kwargs) -> Protected:
    return protect(case_rows(cases, period, **kwargs))


def export(cases, period: Period, **kwargs) -> str:
    return csv_text(rows(cases, period, **kwargs).table)
