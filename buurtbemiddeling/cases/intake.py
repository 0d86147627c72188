"""Intake rules: duplicate reports and the wijk guess. Pure of Flask.

The intake term (its deadline and when a case is late) lives in `common/intake_term.py`.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, Mapping

from common import folding
from common import postcode as postcodes


# -- duplicates --------------------------------------------------------------------

# Abbreviations typed at the end of a street name: "Merelstr." is "Merelstraat".
_ABBREVIATIONS = ((r"str\b\.?", "straat"), (r"\bln\b\.?", "laan"), (r"\bpln\b\.?", "plein"))


def normalise_address(street: str | None, postcode: str | None = None) -> str:
    """'Merelstraat 8 a', 'merelstr. 8A' -> 'merelstraat 8a' (+ ' 7413kl' when given)."""
    text = folding.fold(street)
    for pattern, replacement in _ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"(\d+) ([a-z])\b", r"\1\2", text)  # house number additions: '8 a' -> '8a'
    text = " ".join(text.split())
    code = postcodes.compact(postcode)
    return f"{text} {code.lower()}".strip() if code else text


def address_pair(a_street: str | None, a_postcode: str | None, b_street: str | None,
                 b_postcode: str | None = None) -> dict[str, str] | None:
    """The two addresses of a conflict as {normalised street: postcode or ""}.

    Compared in either order (B may report A later); B's postcode is often unknown, so the
    streets decide and a postcode only rules a match out when both sides know it."""
    a, b = normalise_address(a_street), normalise_address(b_street)
    if not a or not b or a == b:
        return None
    return {a: _postcode(a_postcode), b: _postcode(b_postcode)}


def _postcode(code: str | None) -> str:
    return postcodes.compact(code)


def same_pair(one: dict[str, str] | None, other: dict[str, str] | None) -> bool:
    if not one or not other or set(one) != set(other):
        return False
    return all(not one[k] or not other[k] or one[k] == other[k] for k in one)


def report_pair(report: Mapping) -> dict[str, str] | None:
    values = report.get("values") or {}
    return address_pair(values.get("street"), values.get("postcode"), values.get("b_street"), values.get("b_postcode"))


def case_pair(case: Mapping) -> dict[str, str] | None:
    parties = case.get("parties") or []
    if len(parties) < 2:
        return None
    a, b = parties[0], parties[1]
    return address_pair(a.get("street"), a.get("postcode"), b.get("street"), b.get("postcode"))


def duplicates(pair: dict[str, str] | None, reports: Iterable, cases: Iterable, *,
               skip_report: int | None = None, skip_case: int | None = None) -> dict[str, list]:
    """Other reports and cases about the same two addresses."""
    if pair is None:
        return {"reports": [], "cases": []}
    return {
        "reports": [r for r in reports if r.doc_id != skip_report and same_pair(report_pair(r), pair)],
        "cases": [c for c in cases if c.doc_id != skip_case and same_pair(case_pair(c), pair)],
    }


def by_pair(view, table: str, pair_of) -> dict[frozenset, list]:
    """The documents of `table` by the two streets of their conflict, kept per version of the
    table: normalising every address of five years of cases took most of a case page."""
    def streets(doc) -> frozenset | None:
        pair = pair_of(doc)
        return frozenset(pair) if pair else None

    def build(v) -> dict[frozenset, list]:
        # Only the two streets are kept per document (and are the key): at 15,000 cases the
        # whole pairs, postcodes and all, held 8 MB for as long as the worker lived.
        keys = v.mapped(f"cases.streets.{table}.{pair_of.__name__}", table, streets)
        found: dict[frozenset, list] = {}
        for doc in v.table(table):
            key = keys.get(doc.doc_id)
            if key:
                found.setdefault(key, []).append(doc)
        return found

    return view.derived(f"cases.by_pair.{table}.{pair_of.__name__}", build)


def duplicates_in(view, pair: dict[str, str] | None, reports_table: str, cases_table: str, *,
                  skip_report: int | None = None, skip_case: int | None = None) -> dict[str, list]:
    """`duplicates` among the stored reports and cases, looked up by the pair's streets."""
    key = frozenset(pair) if pair else None
    return duplicates(pair, by_pair(view, reports_table, report_pair).get(key, ()),
                      by_pair(view, cases_table, case_pair).get(key, ()), skip_report=skip_report, skip_case=skip_case)


def guess_wijk(postcode: str | None, cases: Iterable[Mapping]) -> str:
    """The wijk most often recorded for earlier cases in the same four-digit postcode area."""
    return wijk_per_area(cases).get(_area(postcode), "")


def wijk_per_area(cases: Iterable[Mapping]) -> dict[str, str]:
    """Per four-digit postcode area (of party A), the wijk most often recorded for its cases."""
    counts: dict[str, dict[str, int]] = {}
    for case in cases:
        parties = case.get("parties") or []
        area = _area(parties[0].get("postcode")) if parties else ""
        if case.get("wijk") and area:
            seen = counts.setdefault(area, {})
            seen[case["wijk"]] = seen.get(case["wijk"], 0) + 1
    return {area: max(seen, key=lambda wijk: (seen[wijk], wijk)) for area, seen in counts.items()}


def guess_wijk_in(view, postcode: str | None, cases_table: str) -> str:
    """`guess_wijk` over the stored cases, with the areas kept per version of the table:
    walking five years of cases took a third of a second per report page."""
    areas = view.derived("cases.wijk_per_area", lambda v: wijk_per_area(v.table(cases_table)))
    return areas.get(_area(postcode), "")


def _area(postcode: str | None) -> str:
    return postcodes.area(postcode)


