"""The matching score: which duos of volunteers fit a case, and why, in plain Dutch.

Pure: no Flask, no store. The caller passes the case, the candidates with the facts it
derived from the store (open cases now, basistraining, mediations done), the history of
pairs, the weights (`current_app.config.get("MATCHING_WEIGHTS")` over `DEFAULTS`) and the
postcode radius.

Decisions a coordinator should know about:
- **Excluded, never merely penalised**: a conflict of interest (same street, same postcode
  area, named in the volunteer's `knows` list), no basistraining (the CCV route lets nobody
  meet residents without it), and a volunteer already at their own maximum of cases (the
  maximum is what they promised themselves; going over it is a conversation, not a score),
  and a required qualification (a VOG) missing or expired. Each exclusion is listed with its
  reason, so nobody silently disappears. Every path that puts a volunteer on a case asks
  `eligibility.judge`, which uses these exclusions; the coordinator may override only a full
  load and a nearby postcode area, with a reason (`Exclusion.overridable`).
- Language counts once per party for the duo: one speaker is enough for a talk.
- Speed: every eligible volunteer is scored alone (cheap), the best `top_n` (plus the best
  speakers of each needed language, each gender and the most experienced, so a good
  complement is never filtered away) are paired; 400 volunteers give ~300 pairs, not 80,000.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any, Iterable, Mapping, Sequence

from common import folding, postcode

# Points per factor (weights) and the thresholds the rules use. Config overrides any key.
DEFAULTS: dict[str, float] = {
    "language": 30,             # per party whose language (other than Dutch) the duo speaks
    "experience": 20,           # per member: full at `experience_full` mediations of this conflict type
    "seniority": 10,            # per member: full at `experienced_from` mediations in total
    "availability": 8,          # per member: full at 4 evening/weekend (or wanted) dagdelen
    "shared_availability": 15,  # the duo can go together; the same amount off when they cannot
    "load": 15,                 # per member: full when they have no open case now
    "complement": 15,           # a duo that differs in gender, age, background
    "past_pair": 20,            # worked together before, and it went well (off when it went badly)
    "mentor": 20,               # a newcomer beside an experienced colleague
    "two_newcomers": 30,        # off: two newcomers alone
    "complex": 20,              # a complex case: with an experienced member on, without off
    "experience_full": 5,
    "newcomer_below": 3,        # fewer mediations than this: a newcomer
    "experienced_from": 8,      # at least this many: experienced
    "top_n": 25,
    "max_duos": 10,
    "per_volunteer": 3,         # a volunteer appears in at most this many of the shown duos
}
DUTCH = {"nederlands", "nl", "dutch"}
DAYS = {"ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag", "vr": "vrijdag",
        "za": "zaterdag", "zo": "zondag"}
GENDER_WORDS = {"man": "een man", "vrouw": "een vrouw"}


# -- the shapes ------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A volunteer (the stored doc) with what the caller derived from the store."""

    id: int
    volunteer: Mapping[str, Any]
    load: int = 0                 # open cases the volunteer is on now
    basistraining: bool = True
    mediations: int = 0           # mediations done in total
    experience: Mapping[str, int] | None = None  # per conflict type; default: the doc's own
    unqualified: tuple[str, ...] = ()  # required qualifications missing or expired, as words

    @property
    def name(self) -> str:
        return self.volunteer.get("name") or f"Vrijwilliger {self.id}"


@dataclass(frozen=True)
class PairRecord:
    cases: int
    solved: int


@dataclass(frozen=True)
class Factor:
    text: str
    points: float = 0.0
    who: str = ""  # a member's name, or "" for the duo as a whole

    @property
    def tone(self) -> str:
        return "plus" if self.points > 0 else "min" if self.points < 0 else "neutraal"


@dataclass
class Individual:
    candidate: Candidate
    points: float
    factors: list[Factor]
    languages: frozenset[str]
    slots: frozenset[str]
    newcomer: bool
    experienced: bool
    # Its factors as a duo shows them (under its name, languages left to the duo): made once,
    # not again for each of the few hundred pairs it is in.
    in_duo: tuple[Factor, ...] = ()
    speaks: Mapping[str, str] = field(default_factory=dict)  # a party's language text: theirs that matches

    @property
    def id(self) -> int:
        return self.candidate.id

    @property
    def name(self) -> str:
        return self.candidate.name


@dataclass
class Duo:
    members: tuple[Individual, Individual]
    score: float
    factors: list[Factor]

    @property
    def ids(self) -> tuple[int, int]:
        return (self.members[0].id, self.members[1].id)

    @property
    def names(self) -> str:
        return f"{self.members[0].name} en {self.members[1].name}"

    def shared(self) -> list[Factor]:
        """The factors of the duo as a whole (not of one member)."""
        return [f for f in self.factors if not f.who]

    def of_member(self, member: Individual) -> list[Factor]:
        name = member.name
        return [f for f in self.factors if f.who == name]

    def highlights(self, count: int = 5) -> list[Factor]:
        """The factors that weighed most, for a short view (what the duo shares comes first)."""
        weighty = sorted((f for f in self.factors if f.points or not f.who), key=lambda f: (bool(f.who), -abs(f.points)))
        return weighty[:count]


@dataclass(frozen=True)
class Excluded:
    candidate: Candidate
    reasons: tuple[str, ...]


@dataclass
class Ranking:
    duos: list[Duo]
    excluded: list[Excluded]
    eligible: int
    paired: int  # how many individuals were paired after the prefilter
    notes: list[str] = field(default_factory=list)  # about the case as a whole, e.g. a language nobody speaks


def weights_from(config: Mapping[str, Any] | None) -> dict[str, float]:
    """The defaults with the configured keys over them (unknown keys are ignored)."""
    merged = dict(DEFAULTS)
    for key, value in (config or {}).items():
        if key in DEFAULTS and isinstance(value, (int, float)):
            merged[key] = float(value)
    return merged


# -- small helpers ---------------------------------------------------------------------

# A ranking scores every pair of some hundreds of volunteers: each one's names, streets and
# postcode would be folded again for every pair. Kept per text (pure functions of it).
TEXTS_KEPT = 8192


def _plain(text: Any) -> str:
    return _plain_text(text) if isinstance(text, str) else " ".join(folding.words(text))


@lru_cache(maxsize=TEXTS_KEPT)
def _plain_text(text: str) -> str:
    return " ".join(folding.words(text))


@lru_cache(maxsize=TEXTS_KEPT)
def street_name(address: str) -> str:
    """'Lindelaan 12a' -> 'lindelaan': the street without the house number."""
    plain = _plain(address)
    return re.sub(r"\s+\d.*$", "", plain).strip()


@lru_cache(maxsize=TEXTS_KEPT)
def postcode_area(code: str, radius: int) -> str:
    return postcode.area(code, radius)


def letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def slot_label(slot: str) -> str:
    """'di-avond' -> 'dinsdagavond'."""
    day, _, part = slot.partition("-")
    return f"{DAYS.get(day, day)}{part}"


def _listing(words: Sequence[str], limit: int = 3) -> str:
    words = list(words)
    if len(words) > limit:
        return ", ".join(words[:limit]) + f" en nog {len(words) - limit}"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def wanted_languages(case: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(party letter, the language text) for each party who prefers a language other than Dutch."""
    wanted = []
    for index, party in enumerate(case.get("parties") or []):
        text = (party.get("language") or "").strip()
        if text and not set(_plain(text).split()) <= DUTCH:
            wanted.append((letter(index), text))
    return wanted


def _speaks(languages: Iterable[str], wanted_text: str) -> str | None:
    """The volunteer's language named in the party's language text, as the volunteer spells it."""
    words = set(_plain(wanted_text).split())
    for language in languages:
        plain = _plain(language)
        if plain and plain not in DUTCH and (plain in words or plain == _plain(wanted_text)):
            return language
    return None


def _useful_slots(slots: Iterable[str], wanted: Sequence[str]) -> list[str]:
    """Dagdelen that help: the ones the case asks for, else evenings and weekends (residents are home)."""
    if wanted:
        return [s for s in slots if s in wanted]
    return [s for s in slots if s.endswith("avond") or s.startswith(("za-", "zo-"))]


# -- conflict of interest and who can be deployed ----------------------------------------

class Exclusion(str):
    """A reason a volunteer may not be on a case, in Dutch; `kind` names the rule and
    `overridable` says whether the coordinator may put them on anyway, with a reason."""

    kind: str
    OVERRIDABLE = frozenset({"area", "load"})

    def __new__(cls, text: str, kind: str) -> "Exclusion":
        made = super().__new__(cls, text)
        made.kind = kind
        return made

    @property
    def overridable(self) -> bool:
        return self.kind in self.OVERRIDABLE


def exclusions(candidate: Candidate, case: Mapping[str, Any], radius: int) -> list[Exclusion]:
    """Why this volunteer may not be on this case; empty when they may."""
    volunteer = candidate.volunteer
    reasons = []
    own_street = street_name(volunteer.get("street") or "")
    own_area = postcode_area(volunteer.get("postcode") or "", radius)
    known = [_plain(line) for line in volunteer.get("knows") or [] if _plain(line)]
    for index, party in enumerate(case.get("parties") or []):
        who = f"partij {letter(index)}"
        party_street = street_name(party.get("street") or "")
        if own_street and own_street == party_street:
            reasons.append(Exclusion(f"Woont in dezelfde straat als {who} ({(party.get('street') or '').strip()})",
                                     "street"))
        elif own_area and own_area == postcode_area(party.get("postcode") or "", radius):
            # The same full postcode is next door; a shared area is a judgement call.
            kind = "street" if radius >= 6 else "area"
            area = "dezelfde postcode" if radius >= 6 else f"hetzelfde postcodegebied ({own_area})"
            reasons.append(Exclusion(f"Woont in {area} als {who}", kind))
        line = _knows(known, party) if known else ""  # most know nobody: no party's name folded for them
        if line:
            reasons.append(Exclusion(f"Kent {who} (staat bij ‘kent’: {line})", "knows"))
    if not candidate.basistraining:
        reasons.append(Exclusion("Nog geen basistraining: niet inzetbaar", "basistraining"))
    for missing in candidate.unqualified:
        reasons.append(Exclusion(f"{missing}: niet inzetbaar", "qualification"))
    maximum = int(volunteer.get("max_cases") or 2)
    if candidate.load >= maximum:
        reasons.append(Exclusion(f"Heeft al {candidate.load} van maximaal {maximum} zaken: geen ruimte", "load"))
    return reasons


def _knows(known: Sequence[str], party: Mapping[str, Any]) -> str:
    name = _plain(party.get("name"))
    address = _plain(party.get("street"))
    surname = name.split()[-1] if name else ""
    for line in known:
        padded = f" {line} "
        if name and len(name) >= 3 and f" {name} " in padded:
            return line
        if address and re.search(r"\d", address) and f" {address} " in padded:
            return line
        family = re.fullmatch(r"(?:familie|fam) (.+)", line)
        if family and surname and family.group(1).split()[-1] == surname:
            return line
    return ""


# -- one volunteer alone -----------------------------------------------------------------

def score_individual(candidate: Candidate, case: Mapping[str, Any], w: Mapping[str, float],
                     conflict_labels: Mapping[str, str] | None = None) -> Individual:
    volunteer = candidate.volunteer
    labels = conflict_labels or {}
    factors: list[Factor] = []
    languages = frozenset(volunteer.get("languages") or [])
    slots = frozenset(volunteer.get("availability") or [])

    # Language: counted for the duo; here only to let speakers through the prefilter.
    language_points = 0.0
    speaks = {}
    for party_letter, text in wanted_languages(case):
        spoken = _speaks(languages, text)
        if spoken:
            speaks[text] = spoken
            language_points += w["language"]
            factors.append(Factor(f"Spreekt {spoken}, net als partij {party_letter}"))

    experience = candidate.experience if candidate.experience is not None else (volunteer.get("experience") or {})
    types = list(case.get("conflict_types") or [])
    for conflict in types:
        n = int(experience.get(conflict) or 0)
        label = labels.get(conflict, conflict.replace("-", " ")).lower()
        if n:
            points = w["experience"] * min(n, w["experience_full"]) / w["experience_full"] / len(types)
            factors.append(Factor(f"Heeft {_count(n, 'keer', 'keer')} bemiddeld bij {label}", points))
        else:
            factors.append(Factor(f"Nog geen ervaring met {label}"))

    newcomer = candidate.mediations < w["newcomer_below"]
    experienced = candidate.mediations >= w["experienced_from"]
    seniority = w["seniority"] * min(candidate.mediations, w["experienced_from"]) / w["experienced_from"]
    if newcomer:  # no points: being new is neither good nor bad alone; the duo rules weigh it
        factors.append(Factor(f"Nieuwe bemiddelaar: {_count(candidate.mediations, 'zaak', 'zaken')} gedaan"))
    else:
        word = "Ervaren" if experienced else "Heeft ervaring"
        factors.append(Factor(f"{word}: {candidate.mediations} zaken gedaan", seniority))

    useful = sorted(_useful_slots(slots, case.get("times") or ()), key=_slot_order)
    if not slots:
        factors.append(Factor("Beschikbaarheid niet ingevuld"))
    elif useful:
        factors.append(Factor(f"Beschikbaar op {_listing([slot_label(s) for s in useful])}",
                              w["availability"] * min(len(useful), 4) / 4))
    else:
        factors.append(Factor("Niet beschikbaar op avonden of in het weekend"))

    maximum = int(volunteer.get("max_cases") or 2)
    free = max(maximum - candidate.load, 0)
    factors.append(Factor(f"Heeft nu {candidate.load} van maximaal {maximum} zaken", w["load"] * free / maximum))

    points = language_points + sum(f.points for f in factors)
    name = candidate.name
    in_duo = tuple(Factor(f.text, f.points, name) for f in factors if not f.text.startswith("Spreekt "))
    return Individual(candidate, points, factors, languages, slots, newcomer, experienced, in_duo, speaks)


def _slot_order(slot: str) -> tuple[int, int]:
    day, _, part = slot.partition("-")
    days, parts = list(DAYS), ["ochtend", "middag", "avond"]
    return (days.index(day) if day in days else 9, parts.index(part) if part in parts else 9)


# -- two volunteers together -------------------------------------------------------------

@dataclass(frozen=True)
class CaseTerms:
    """What a case asks of every duo, worked out once per ranking rather than per pair."""

    wanted: list[tuple[str, str]]  # wanted_languages
    times: tuple[str, ...]         # the dagdelen the case asks for
    differ: frozenset[str]         # gender, age_band: where the parties differ from each other
    complex: bool

    @classmethod
    def of(cls, case: Mapping[str, Any]) -> "CaseTerms":
        parties = case.get("parties") or []
        differ = frozenset(key for key in ("gender", "age_band") if len({p.get(key) for p in parties if p.get(key)}) > 1)
        return cls(wanted_languages(case), tuple(case.get("times") or ()), differ, bool(case.get("complex")))


def score_duo(first: Individual, second: Individual, case: Mapping[str, Any], w: Mapping[str, float],
              history: Mapping[frozenset, PairRecord] | None = None, *, terms: CaseTerms | None = None) -> Duo:
    terms = terms or CaseTerms.of(case)
    factors: list[Factor] = []
    for party_letter, text in terms.wanted:
        for member in (first, second):
            spoken = member.speaks.get(text)
            if spoken:
                factors.append(Factor(f"Spreekt {spoken}, net als partij {party_letter}", w["language"], member.name))
                break
        else:
            factors.append(Factor(f"Niemand in dit duo spreekt {text} (partij {party_letter}): regel een tolk"))

    factors += first.in_duo + second.in_duo

    factors.extend(_together(first, second, terms, w))

    record = (history or {}).get(frozenset((first.id, second.id)))
    if record and record.cases:
        share = record.solved / record.cases
        text = f"Werkten eerder samen: {_count(record.cases, 'zaak', 'zaken')}, {record.solved} opgelost"
        # Good when most were solved; a poor record after two or more cases counts against.
        weight = w["past_pair"] * min(record.cases, 3) / 3
        points = weight * share if share >= .5 else -weight if record.cases >= 2 else 0.0
        factors.append(Factor(text, points))

    score = round(sum(f.points for f in factors), 1)
    return Duo((first, second), score, factors)


def _together(first: Individual, second: Individual, terms: CaseTerms, w: Mapping[str, float]) -> list[Factor]:
    factors = []
    if first.slots and second.slots:
        shared = _shared_slots(first.slots & second.slots, terms.times)
        if shared:
            text, count = shared
            factors.append(Factor(f"Beiden beschikbaar op {text}", w["shared_availability"] * min(count, 3) / 3))
        else:
            factors.append(Factor("Geen dagdeel waarop beiden kunnen", -w["shared_availability"]))

    newcomers = first.newcomer + second.newcomer
    if newcomers == 2:
        factors.append(Factor("Twee nieuwe bemiddelaars samen: liever één ervaren collega erbij", -w["two_newcomers"]))
    elif newcomers == 1 and (first.experienced or second.experienced):
        factors.append(Factor("Nieuwe bemiddelaar samen met een ervaren collega", w["mentor"]))
    if terms.complex:
        if first.experienced or second.experienced:
            factors.append(Factor("Complexe zaak, met een ervaren bemiddelaar erbij", w["complex"]))
        else:
            factors.append(Factor("Complexe zaak zonder ervaren bemiddelaar", -w["complex"]))

    complement = _complement(first.candidate.volunteer, second.candidate.volunteer, terms.differ)
    if complement:
        words, share = complement
        factors.append(Factor("Vult elkaar aan: " + ", ".join(words), w["complement"] * share))
    return factors


@lru_cache(maxsize=TEXTS_KEPT)
def _shared_slots(both: frozenset[str], times: tuple[str, ...]) -> tuple[str, int] | None:
    """The dagdelen two can go together (the useful ones, else all), in words, and how many."""
    shared = sorted(_useful_slots(both, times) or both, key=_slot_order)
    return (_listing([slot_label(s) for s in shared]), len(shared)) if shared else None


def _complement(a: Mapping[str, Any], b: Mapping[str, Any], differ: frozenset[str]):
    """What differs within the duo, and its share of the complement weight.

    A difference counts double where the parties differ in it too (`differ`: a man and a woman
    in conflict each find someone they recognise); the share is capped at the full weight."""
    def parties_differ(key: str) -> bool:
        return key in differ

    words, share = [], 0.0
    ga, gb = a.get("gender") or "", b.get("gender") or ""
    if ga and gb and ga != gb:
        words.append(f"{GENDER_WORDS.get(ga, ga)} en {GENDER_WORDS.get(gb, gb)}" if ga in GENDER_WORDS and gb in GENDER_WORDS
                     else "verschillend gender")
        share += .4 * (2 if parties_differ("gender") else 1)
    if a.get("age_band") and b.get("age_band") and a["age_band"] != b["age_band"]:
        words.append("verschillende leeftijd")
        share += .4 * (2 if parties_differ("age_band") else 1)
    background_a, background_b = _plain(a.get("background")), _plain(b.get("background"))
    if background_a and background_b and background_a != background_b:
        words.append("verschillende achtergrond")
        share += .2
    if not words:
        return None
    return words, min(share, 1.0)


# -- the ranking -------------------------------------------------------------------------

def rank(case: Mapping[str, Any], candidates: Iterable[Candidate], *, weights: Mapping[str, Any] | None = None,
         radius: int = 6, history: Mapping[frozenset, PairRecord] | None = None,
         conflict_labels: Mapping[str, str] | None = None) -> Ranking:
    """The proposed duos for a case, best first, and everyone excluded with the reasons."""
    w = weights_from(weights)
    excluded: list[Excluded] = []
    eligible: list[Individual] = []
    for candidate in candidates:
        reasons = exclusions(candidate, case, radius)
        if reasons:
            excluded.append(Excluded(candidate, tuple(reasons)))
        else:
            eligible.append(score_individual(candidate, case, w, conflict_labels))
    eligible.sort(key=lambda i: (-i.points, i.name, i.id))
    pool = _prefilter(eligible, case, int(w["top_n"]))
    terms = CaseTerms.of(case)
    duos = [score_duo(a, b, case, w, history, terms=terms) for a, b in combinations(pool, 2)]
    duos.sort(key=lambda d: (-d.score, d.names, d.ids))
    notes = [f"Niemand die nu inzetbaar is spreekt {text} (partij {party}): regel een tolk."
             for party, text in wanted_languages(case) if not any(_speaks(i.languages, text) for i in eligible)]
    if len(eligible) < 2:
        notes.append("Er zijn minder dan twee vrijwilligers inzetbaar voor deze zaak.")
    excluded.sort(key=lambda e: e.candidate.name)
    return Ranking(_shown(duos, int(w["max_duos"]), int(w["per_volunteer"])), excluded, len(eligible), len(pool), notes)


def _prefilter(eligible: list[Individual], case: Mapping[str, Any], top_n: int) -> list[Individual]:
    """The best `top_n`, plus a few who may make a better duo than their own score says."""
    chosen = {i.id: i for i in eligible[:top_n]}
    extras: list[list[Individual]] = [
        [i for i in eligible if _speaks(i.languages, text)] for _, text in wanted_languages(case)
    ]
    genders = {i.candidate.volunteer.get("gender") for i in eligible if i.candidate.volunteer.get("gender")}
    extras += [[i for i in eligible if i.candidate.volunteer.get("gender") == g] for g in sorted(genders)]
    extras.append([i for i in eligible if i.experienced])
    for group in extras:
        for individual in group[:3]:
            chosen.setdefault(individual.id, individual)
    return sorted(chosen.values(), key=lambda i: (-i.points, i.name, i.id))


def _shown(duos: list[Duo], limit: int, per_volunteer: int) -> list[Duo]:
    """The best duos, with nobody in more than `per_volunteer` of them, so there is a real choice."""
    shown, seen = [], {}
    for duo in duos:
        if any(seen.get(i, 0) >= per_volunteer for i in duo.ids):
            continue
        shown.append(duo)
        for i in duo.ids:
            seen[i] = seen.get(i, 0) + 1
        if len(shown) >= limit:
            break
    return shown
