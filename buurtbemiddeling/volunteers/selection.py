"""The selection interview: each criterion of the competency profile scored, a decision, a reason.

Interviews are kept on the application (`interviews`, oldest first). Criteria come from the
configurable list `selection_criteria`; a criterion retired later stays readable in old
interviews because each interview stores the label it was scored under. Pure.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Sequence

from common import clock

from .checks import past_date

SCALE = {1: "Onvoldoende", 2: "Matig", 3: "Voldoende", 4: "Goed", 5: "Uitstekend"}
DECISIONS = {"aannemen": "Aannemen", "afwijzen": "Afwijzen", "aanhouden": "Aanhouden (nog een gesprek)"}
KINDS = {"kennismakingsgesprek": "Kennismakingsgesprek", "selectiegesprek": "Selectiegesprek"}
PASS_MARK = 3  # "voldoende": below it a criterion is a point of concern

DEFAULT_CRITERIA = (
    ("sociale-vaardigheden", "Sociale vaardigheden"),
    ("probleemoplossend-communiceren", "Probleemoplossend communiceren"),
    ("samenwerken", "Samenwerken"),
    ("neutraliteit", "Neutraliteit"),
    ("betrouwbaarheid", "Betrouwbaarheid"),
    ("inlevingsvermogen", "Inlevingsvermogen"),
)


@dataclass
class Checked:
    """A selection interview's cleaned values and its errors."""

    interview: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_interview(form: Mapping[str, str], criteria: Sequence[tuple[str, str]], *, by: str, today: date) -> Checked:
    """Read the interview form: `held_on`, `kind`, `interviewers`, `score_<c>`, `note_<c>`, `decision`, `reason`."""
    errors: dict[str, str] = {}
    held_on = past_date(form.get("held_on"), errors, "held_on", today, missing="Vul de datum van het gesprek in, bijvoorbeeld 2026-03-14.",
                        future="Een gesprek kan niet in de toekomst gevoerd zijn.")
    kind = form.get("kind") or "selectiegesprek"
    if kind not in KINDS:
        errors["kind"] = "Kies het soort gesprek."
    scores: list[dict[str, Any]] = []
    for value, label in criteria:
        raw = (form.get(f"score_{value}") or "").strip()
        score = int(raw) if raw.isdigit() and int(raw) in SCALE else None
        if score is None and kind == "selectiegesprek":
            errors[f"score_{value}"] = f"Geef een score voor {label.lower()}."
        scores.append({"criterion": value, "label": label, "score": score,
                       "note": (form.get(f"note_{value}") or "").strip()[:2000]})
    decision = form.get("decision") or ""
    if decision not in DECISIONS:
        errors["decision"] = "Kies een besluit."
    reason = (form.get("reason") or "").strip()[:2000]
    if not reason:
        errors["reason"] = "Schrijf de reden van het besluit op."
    interview = {
        "held_on": held_on, "kind": kind, "interviewers": (form.get("interviewers") or "").strip()[:200],
        "scores": scores, "decision": decision, "reason": reason, "by": by,
        "at": clock.stamp(),
    }
    return Checked(interview, errors)


def average(interview: Mapping[str, Any]) -> float | None:
    scored = [row["score"] for row in interview.get("scores", []) if row.get("score")]
    return round(sum(scored) / len(scored), 1) if scored else None


def concerns(interview: Mapping[str, Any]) -> list[str]:
    """Criteria scored below "voldoende": what the coordinator should weigh or coach on."""
    return [row["label"] for row in interview.get("scores", []) if row.get("score") and row["score"] < PASS_MARK]


def advice(interview: Mapping[str, Any]) -> str:
    """A plain reading of the scores; the decision stays the coordinator's."""
    mean = average(interview)
    if mean is None:
        return "Nog geen scores."
    weak = concerns(interview)
    if not weak and mean >= 3.5:
        return "De scores passen bij aannemen."
    if len(weak) >= 2 or mean < 2.5:
        return "Meerdere zwakke punten: afwijzen ligt voor de hand, tenzij de reden anders zegt."
    return "Twijfel: bespreek " + ", ".join(weak).lower() + " of voer nog een gesprek." if weak else "Twijfel: gemiddeld net voldoende."


def latest_decision(application: Mapping[str, Any]) -> str | None:
    interviews = [i for i in application.get("interviews", []) if i.get("kind") == "selectiegesprek"]
    return interviews[-1]["decision"] if interviews else None
