"""The steps of an applicant and a volunteer, and which moves between them make sense.

An application lives in table `applications` until the coordinator takes the applicant on
(*aangenomen*); only then a volunteer doc is made in `volunteers` (with `application_id`),
so the matching pool never holds people who were never selected, and a rejected
applicant's data stays in one place that a retention rule can empty. Before that,
`step` and `steps` live on the application itself; a record without them is *nieuw*.

Pure: no Flask, no store writes. Views call `check_move` and apply what it returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Sequence
from common import tables

APPLICATIONS = tables.APPLICATIONS
VOLUNTEERS = tables.VOLUNTEERS

STEPS = (
    "nieuw", "kennismakingsgesprek", "selectiegesprek", "aangenomen", "afgewezen", "teruggetrokken",
    "basistraining", "meeloopperiode", "actief", "inactief", "gestopt",
)
LABELS = {
    "nieuw": "Nieuw", "kennismakingsgesprek": "Kennismakingsgesprek", "selectiegesprek": "Selectiegesprek",
    "aangenomen": "Aangenomen", "afgewezen": "Afgewezen", "teruggetrokken": "Teruggetrokken",
    "basistraining": "Basistraining", "meeloopperiode": "Meeloopperiode", "actief": "Actief",
    "inactief": "Inactief", "gestopt": "Gestopt",
}
# Steps an application can be in before it becomes a volunteer.
APPLICATION_STEPS = ("nieuw", "kennismakingsgesprek", "selectiegesprek")
ENDED = ("afgewezen", "teruggetrokken", "gestopt")
# What the coordinator does next, per step: shown in the "who waits for what" list.
WAITS_FOR = {
    "nieuw": "Kennismakingsgesprek plannen",
    "kennismakingsgesprek": "Selectiegesprek voeren",
    "selectiegesprek": "Besluit nemen",
    "aangenomen": "Inschrijven voor basistraining",
    "basistraining": "Basistraining afronden",
    "meeloopperiode": "Evalueren en actief maken",
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "nieuw": ("kennismakingsgesprek", "selectiegesprek", "afgewezen", "teruggetrokken"),
    "kennismakingsgesprek": ("selectiegesprek", "afgewezen", "teruggetrokken"),
    "selectiegesprek": ("aangenomen", "afgewezen", "teruggetrokken"),
    "aangenomen": ("basistraining", "teruggetrokken", "gestopt"),
    "basistraining": ("meeloopperiode", "teruggetrokken", "gestopt"),
    "meeloopperiode": ("actief", "gestopt"),
    "actief": ("inactief", "gestopt"),
    "inactief": ("actief", "gestopt"),
    "afgewezen": (),
    "teruggetrokken": (),
    "gestopt": (),
}
NEEDS_REASON = ("afgewezen", "teruggetrokken", "gestopt", "inactief")


class StepError(ValueError):
    """A move that makes no sense; the message is Dutch and meant for the coordinator.
    `overridable`: the coordinator may still make it, giving a reason (`override_reason`)."""

    def __init__(self, message: str, *, overridable: bool = False):
        super().__init__(message)
        self.overridable = overridable


@dataclass(frozen=True)
class Move:
    """What moving an application or volunteer to a step writes."""

    step: str
    entry: dict[str, Any]  # appended to `steps`
    becomes_volunteer: bool  # an application taken on: create the volunteer doc


def step_of(doc: Mapping[str, Any]) -> str:
    return doc.get("step") or "nieuw"


def next_steps(doc: Mapping[str, Any]) -> tuple[str, ...]:
    return TRANSITIONS.get(step_of(doc), ())


def check_move(doc: Mapping[str, Any], to: str, *, by: str, reason: str = "", at: datetime,
               has_basistraining: bool = False, selection_decision: str | None = None,
               unqualified: Sequence[str] = (), override_reason: str = "") -> Move:
    """Validate a move of an application or volunteer to step `to`.

    has_basistraining: whether the volunteer completed a basistraining of 15+ hours
    (see qualifications); selection_decision: the latest selection interview's decision;
    unqualified: the required qualifications not in order (`qualifications.not_in_order`).
    Becoming actief without them needs the coordinator's `override_reason`, kept in the entry.
    """
    current = step_of(doc)
    if to not in STEPS:
        raise StepError("Deze stap bestaat niet.")
    if to not in TRANSITIONS.get(current, ()):
        raise StepError(f"Van ‘{LABELS[current]}’ kan niet naar ‘{LABELS[to]}’.")
    reason = (reason or "").strip()
    if to in NEEDS_REASON and not reason:
        raise StepError(f"Geef een reden voor ‘{LABELS[to]}’.")
    if to == "aangenomen" and selection_decision != "aannemen":
        raise StepError("Leg eerst een selectiegesprek vast met het besluit ‘aannemen’.")
    if to == "actief" and not has_basistraining:
        raise StepError("Zonder afgeronde basistraining (minstens 15 uur) kan iemand niet actief worden.")
    entry = {"step": to, "at": at.isoformat(timespec="seconds"), "by": by, "reason": reason}
    if to == "actief" and unqualified:
        override = " ".join((override_reason or "").split())[:500]
        if not override:
            raise StepError(f"Niet in orde: {'; '.join(unqualified)}. Wie actief is, ontmoet bewoners; daarvoor is "
                            "dit verplicht. Wilt u haar of hem toch actief maken? Schrijf waarom bij ‘Reden om toch "
                            "actief te maken’; dat komt in de geschiedenis en in het auditlog.", overridable=True)
        entry["override"] = {"reason": override, "missing": list(unqualified)}
    return Move(to, entry, becomes_volunteer=(to == "aangenomen" and current in APPLICATION_STEPS))


def interview_steps(current: str, kind: str, decision: str) -> list[str]:
    """The steps an interview implies: holding it puts the applicant in that step (if not past
    it), and a selection interview's "aannemen" or "afwijzen" settles the outcome."""
    order = list(APPLICATION_STEPS)
    if current not in order:
        return []
    steps = [kind] if kind in order and order.index(kind) > order.index(current) else []
    outcome = {"aannemen": "aangenomen", "afwijzen": "afgewezen"}.get(decision)
    if kind == "selectiegesprek" and outcome:
        steps.append(outcome)
    return steps


def since(doc: Mapping[str, Any]) -> str:
    """When the doc entered its current step (ISO), falling back to when it arrived."""
    steps = doc.get("steps") or []
    if steps:
        return steps[-1]["at"]
    return doc.get("received_at") or doc.get("start_date") or ""


def days_between(earlier_iso: str, today: date) -> int:
    if not earlier_iso:
        return 0
    return max(0, (today - date.fromisoformat(earlier_iso[:10])).days)


def volunteer_from_application(application: Mapping[str, Any], application_id: int, move: Move) -> dict[str, Any]:
    """The volunteer doc made when an applicant is taken on; the shape cases and matching read."""
    values = application.get("values", {})
    # The public form stores language slugs ("turks"); matching compares names ("Turks").
    languages = [lang[:1].upper() + lang[1:] for lang in values.get("languages") or []]
    other = (values.get("languages_other") or "").strip()
    if other:
        languages += [part.strip() for part in other.split(",") if part.strip()]
    return {
        "name": values.get("name", ""), "email": values.get("email") or "", "phone": values.get("phone") or "",
        "street": values.get("street") or "", "postcode": values.get("postcode") or "", "wijk": values.get("wijk") or "",
        "languages": languages, "age_band": values.get("age_band") or "", "gender": values.get("gender") or "",
        "background": values.get("background") or "", "availability": list(values.get("availability") or []),
        "max_cases": 2, "experience": {}, "start_date": move.entry["at"][:10],
        "step": move.step, "steps": [*application.get("steps", []), move.entry],
        "agreement": {"signed_on": "", "document": None}, "notes": values.get("experience") or "",
        "knows": [], "application_id": application_id, "contacts": [],
    }


@dataclass(frozen=True)
class Waiting:
    """An application or volunteer waiting for the coordinator, and since when."""

    kind: str  # "application" | "volunteer"
    doc_id: int
    name: str
    step: str
    waits_for: str
    since: str
    days: int


def waiting_list(applications: Iterable, volunteers: Iterable, today: date) -> list[Waiting]:
    """Everyone still on the way to *actief*, longest waiting first."""
    rows = []
    for kind, docs in (("application", applications), ("volunteer", volunteers)):
        for doc in docs:
            step = step_of(doc)
            if step not in WAITS_FOR or (kind == "application" and step not in APPLICATION_STEPS):
                continue
            name = doc.get("name") or doc.get("values", {}).get("name") or "(geen naam)"
            entered = since(doc)
            rows.append(Waiting(kind, doc.doc_id, name, step, WAITS_FOR[step], entered, days_between(entered, today)))
    return sorted(rows, key=lambda row: (-row.days, row.name))


def counts_per_step(applications: Iterable, volunteers: Iterable) -> dict[str, int]:
    """How many people are in each step; taken-on applications count once, as volunteers."""
    counts = dict.fromkeys(STEPS, 0)
    for doc in applications:
        if step_of(doc) != "aangenomen" or not doc.get("volunteer_id"):
            counts[step_of(doc)] += 1
    for doc in volunteers:
        counts[step_of(doc)] += 1
    return counts
