"""The pool at a glance: counts per step, the active pool beside the population, recruitment.

The population figures (table `population`: {"dimension", "value", "share"} with share in
percent) are entered by the coordinator, e.g. from CBS figures of the municipality. Beside
them stands the demand the programme actually meets: wijken of cases and languages
residents asked for in reports. A group is a recruitment gap when the pool holds clearly
fewer of it than the population does. Pure.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from . import pipeline
from common import tables

POPULATION = tables.POPULATION
AGE_BANDS = ("18-25", "26-40", "41-55", "56-67", "68+")
GENDERS = {"vrouw": "Vrouw", "man": "Man", "anders": "Anders"}
DIMENSIONS = {"gender": "Gender", "age_band": "Leeftijd", "languages": "Talen", "wijk": "Wijk"}
UNKNOWN = "Niet opgegeven"
GAP_POINTS = 5.0  # percentage points below the population share that count as a gap


def active_volunteers(view) -> list:
    """The volunteers who can be matched to cases now (step *actief*), by name."""
    return sorted((v for v in view.table(pipeline.VOLUNTEERS).all() if v.get("step") == "actief"),
                  key=lambda v: v.get("name", ""))


def distribution(volunteers: Iterable[Mapping[str, Any]], dimension: str) -> Counter:
    counts: Counter = Counter()
    for volunteer in volunteers:
        value = volunteer.get(dimension)
        if isinstance(value, list):
            counts.update(v for v in value if v)
        else:
            counts[value or UNKNOWN] += 1
    return counts


@dataclass(frozen=True)
class Row:
    value: str
    pool: int
    pool_pct: float
    population_pct: float | None
    served_pct: float | None

    @property
    def gap(self) -> bool:
        if self.population_pct is None or self.value == UNKNOWN:
            return False
        return self.pool_pct + GAP_POINTS <= self.population_pct or (self.pool == 0 and self.population_pct > 0)


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def compare(pool_counts: Counter, pool_size: int, population: Mapping[str, float],
            served: Counter | None = None, order: Iterable[str] = ()) -> list[Row]:
    """One row per value found in the pool, the population or what was served."""
    served = served or Counter()
    served_total = sum(served.values())
    values = list(dict.fromkeys([*order, *population, *sorted(pool_counts, key=lambda v: -pool_counts[v]), *served]))
    return [
        Row(value, pool_counts.get(value, 0), _pct(pool_counts.get(value, 0), pool_size),
            population.get(value) if population else None,
            _pct(served.get(value, 0), served_total) if served_total else None)
        for value in values
        if pool_counts.get(value) or population.get(value) or served.get(value)
    ]


def population_shares(view) -> dict[str, dict[str, float]]:
    shares: dict[str, dict[str, float]] = {}
    for doc in view.table(POPULATION).all():
        shares.setdefault(doc["dimension"], {})[doc["value"]] = float(doc["share"])
    return shares


def served(view) -> dict[str, Counter]:
    """What the programme's residents bring: wijken of cases, languages asked for in reports."""
    wijken = Counter(case.get("wijk") for case in view.table(tables.CASES).all() if case.get("wijk"))
    languages: Counter = Counter()
    for report in view.table(tables.REPORTS).all():
        wanted = (report.get("values", {}).get("language") or "").strip()
        if wanted:
            languages[wanted.capitalize()] += 1
    return {"wijk": wijken, "languages": languages}


@dataclass(frozen=True)
class Channel:
    value: str
    applied: int
    taken_on: int
    active: int


def channels(applications: Iterable, volunteers: Iterable) -> list[Channel]:
    """Where applicants heard of us, and how many of them made it into the pool."""
    by_application = {v.get("application_id"): v for v in volunteers if v.get("application_id")}
    applied: Counter = Counter()
    taken: Counter = Counter()
    active: Counter = Counter()
    for doc in applications:
        channel = doc.get("values", {}).get("heard_via") or "onbekend"
        applied[channel] += 1
        volunteer = by_application.get(doc.doc_id)
        if volunteer is not None:
            taken[channel] += 1
            active[channel] += volunteer.get("step") == "actief"
    return [Channel(c, n, taken[c], active[c]) for c, n in applied.most_common()]


def overview(view) -> dict[str, Any]:
    applications = view.table(pipeline.APPLICATIONS).all()
    volunteers = view.table(pipeline.VOLUNTEERS).all()
    active = [v for v in volunteers if v.get("step") == "actief"]
    shares = population_shares(view)
    served_counts = served(view)
    orders = {"age_band": AGE_BANDS, "gender": tuple(GENDERS)}
    tables = {
        dimension: compare(distribution(active, dimension), len(active), shares.get(dimension, {}),
                           served_counts.get(dimension), orders.get(dimension, ()))
        for dimension in DIMENSIONS
    }
    return {
        "counts": pipeline.counts_per_step(applications, volunteers),
        "active_count": len(active),
        "tables": tables,
        "has_population": bool(shares),
        "channels": channels(applications, volunteers),
        "gaps": [(DIMENSIONS[d], row.value) for d, rows in tables.items() for row in rows if row.gap],
    }


def check_population(dimension: str, text: str) -> tuple[list[tuple[str, float]], str | None]:
    """Parse lines "value: share" (percent) typed by the coordinator for one dimension."""
    if dimension not in DIMENSIONS:
        return [], "Kies wat u invult."
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        value, sep, share = line.rpartition(":")
        try:
            pct = float(share.strip().rstrip("%").replace(",", "."))
        except ValueError:
            pct = -1
        if not sep or not value.strip() or not 0 <= pct <= 100:
            return [], f"Regel {number} is niet goed. Schrijf per regel ‘waarde: percentage’, bijvoorbeeld ‘Centrum: 18’."
        rows.append((value.strip()[:80], pct))
    return rows, None
