"""Intake rules: duplicate reports and the wijk guess. Pure of Flask.

The intake term (its deadline and when a case is late) lives in `common/intake_term.py`.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from common import folding
from common import postcode as postcodes
from db.store import carried_over


# -- duplicates --------------------------------------------------------------------

# Abbreviations typed at the end of a street name: "Merelstr." is "Merelstraat".
_ABBREVIATIONS = tuple((re.compile(pattern), replacement) for pattern, replacement in
                       ((r"str\b\.?", "straat"), (r"\bln\b\.?", "laan"), (r"\bpln\b\.?", "plein")))
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_ADDITION = re.compile(r"(\d+) ([a-z])\b")  # house number additions: '8 a' -> '8a'


# After another worker's change to a part of the cases, the address pairs of its 200 cases are
# made again, though one case changed: kept per text, normalising them was most of that.
ADDRESSES_KEPT = 8192


def normalise_address(street: str | None, postcode: str | None = None) -> str:
    """'Merelstraat 8 a', 'merelstr. 8A' -> 'merelstraat 8a' (+ ' 7413kl' when given)."""
    texts = (street is None or isinstance(street, str)) and (postcode is None or isinstance(postcode, str))
    return (_normalised if texts else _normalised.__wrapped__)(street, postcode)


@lru_cache(maxsize=ADDRESSES_KEPT)
def _normalised(street, postcode) -> str:
    text = folding.fold(street)
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    text = _NOT_ALNUM.sub(" ", text)
    text = _ADDITION.sub(r"\1\2", text)
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


def by_pair(view, table: str, pair_of) -> Callable[[dict[str, str] | None], list]:
    """A lookup: the documents of `table` with the two streets of this pair (`address_pair`),
    kept per part of the table (`parted`) as their ids: normalising every address of five years
    of cases took most of a case page, and after a change only the changed part is normalised
    again. The documents are read when found (a fresh CGI process reads only their parts)."""
    parts = _by_streets(view, table, pair_of)
    documents = view.table(table)
    return lambda pair: ([documents.get(doc_id=doc_id) for part in parts for doc_id in part.get(_streets(pair), ())]
                         if pair else [])


def _by_streets(view, table: str, pair_of) -> list[dict[str, list[int]]]:
    """Per part of `table`: {the two streets (`_streets`): ids of its documents with them}; a
    part another worker changed normalises only its changed documents' addresses again."""
    def streets(doc) -> str | None:
        return _streets(pair_of(doc))

    def again(earlier: _Streets, docs) -> _Streets:
        return _Streets(*carried_over(earlier.docs, docs, earlier.keys.__getitem__, streets))

    return view.parted(f"cases.by_pair.{table}.{pair_of.__name__}", table,
                       lambda docs: again(_Streets([], []), docs), again)


class _Streets(dict):
    """{the two streets: ids of the part's documents with them}, with each document's streets."""

    __slots__ = ("docs", "keys")

    def __init__(self, docs: list, keys: list[str | None]) -> None:
        super().__init__()
        self.docs, self.keys = docs, keys
        for doc, key in zip(docs, keys):
            if key:
                self.setdefault(key, []).append(doc.doc_id)


SAME_STREETS = "cases.same_streets"


def same_streets(view, cases_table: str) -> dict[int, tuple[int, ...]]:
    """{case id: the ids of the cases with the same two streets, its own included} for every
    case that shares them with another. Ids only, no address: a process that serves one
    request keeps it on disk (`store.KEPT_ON_DISK`), where the streets may not be kept."""
    def build(v) -> dict[int, tuple[int, ...]]:
        found: dict[str, list[int]] = {}
        for part in _by_streets(v, cases_table, case_pair):
            for key, ids in part.items():
                held = found.get(key)
                found[key] = ids if held is None else held + ids  # a new list: a part's value is kept
        groups: dict[int, tuple[int, ...]] = {}
        for ids in found.values():
            if len(ids) > 1:
                group = tuple(ids)
                groups.update(dict.fromkeys(group, group))
        return groups

    return view.derived(f"{SAME_STREETS}.{cases_table}", build)


def duplicates_of_case(view, case, reports_table: str, cases_table: str) -> dict[str, list]:
    """`duplicates_in` for a stored case. A process that serves one request finds the other
    cases by the case's id in `same_streets`, kept on disk: the next case page reads only the
    parts that hold them, where the streets of every case had to be parsed and normalised
    again. A worker looks them up by the streets (`by_pair`): after a change it normalises
    the changed part only, where joining the parts' values again would cost them all."""
    pair = case_pair(case)
    if pair is not None and view.keeps_on_disk(f"derived:{SAME_STREETS}.{cases_table}"):
        documents = view.table(cases_table)
        cases = [documents.get(doc_id=doc_id) for doc_id in same_streets(view, cases_table).get(case.doc_id, ())]
    else:
        cases = by_pair(view, cases_table, case_pair)(pair)
    return duplicates(pair, by_pair(view, reports_table, report_pair)(pair), cases,
                      skip_report=case.get("report_id"), skip_case=case.doc_id)


def _streets(pair: dict[str, str] | None) -> str | None:
    # The two streets in one string, in either order: as a set with its two strings, five
    # years of cases and reports held 8 MB more in every worker.
    return "\n".join(sorted(pair)) if pair else None


def duplicates_in(view, pair: dict[str, str] | None, reports_table: str, cases_table: str, *,
                  skip_report: int | None = None, skip_case: int | None = None) -> dict[str, list]:
    """`duplicates` among the stored reports and cases, looked up by the pair's streets."""
    return duplicates(pair, by_pair(view, reports_table, report_pair)(pair),
                      by_pair(view, cases_table, case_pair)(pair), skip_report=skip_report, skip_case=skip_case)


def guess_wijk(postcode: str | None, cases: Iterable[Mapping]) -> str:
    """The wijk most often recorded for earlier cases in the same four-digit postcode area."""
    return wijk_per_area(cases).get(_area(postcode), "")


def wijk_per_area(cases: Iterable[Mapping]) -> dict[str, str]:
    """Per four-digit postcode area (of party A), the wijk most often recorded for its cases."""
    return _most_recorded(wijk_counts(cases))


def wijk_counts(cases: Iterable[Mapping]) -> Counter:
    """{(four-digit postcode area of party A, wijk): how often that wijk was recorded there}."""
    counts: Counter = Counter()
    for case in cases:
        parties = case.get("parties") or []
        area = _area(parties[0].get("postcode")) if parties else ""
        if case.get("wijk") and area:
            counts[area, case["wijk"]] += 1
    return counts


def _most_recorded(counts: Counter) -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    for (area, wijk), n in counts.items():
        best[area] = max(best.get(area, (0, "")), (n, wijk))
    return {area: wijk for area, (_, wijk) in best.items()}


def guess_wijk_in(view, postcode: str | None, cases_table: str) -> str:
    """`guess_wijk` over the stored cases, with the areas kept per version of the table:
    walking five years of cases took a third of a second per report page."""
    def build(v) -> dict[str, str]:
        return _most_recorded(v.summed("cases.wijk_counts", cases_table, wijk_counts))

    return view.derived("cases.wijk_per_area", build).get(_area(postcode), "")


def _area(postcode: str | None) -> str:
    return postcodes.area(postcode)


