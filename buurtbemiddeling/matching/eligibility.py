"""Who may be on a case: the one rule every path asks before a volunteer joins a case.

Paths: a proposed duo and one's own duo (Koppelen), the case page's duo form, the last
"ja" to a proposal (coordinator or portal), and any import that carries mediators. Each
calls `judge` and then `allow`. No Flask; reads a store view.

The reasons are `score.exclusions`: a conflict of interest (same street or postcode, knows a
party), no basistraining, a required qualification missing or expired, not actief, a full
load. Only a full load and a nearby postcode area may be overridden, by the coordinator and
with a reason; the override is written on the case's timeline and in the audit log.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..cases.workflow import WorkflowError
from ..volunteers import pipeline

if TYPE_CHECKING:
    from . import score

MAX_REASON = 500
NOT_ACTIVE = "Staat niet op actief"


class EligibilityError(WorkflowError):
    """A volunteer may not be on the case. `overridable`: the coordinator may still, with a reason
    (the form then asks for one in field `override_reason`)."""

    def __init__(self, message: str, *, overridable: bool, verdict: "Verdict | None" = None):
        super().__init__(message, "override_reason" if overridable else "duo")
        self.overridable = overridable
        self.verdict = verdict or Verdict()


@dataclass(frozen=True)
class Verdict:
    """Per volunteer judged: the reasons they may not be on the case (absent when they may)."""

    excluded: Mapping[int, tuple[score.Exclusion, ...]] = field(default_factory=dict)
    names: Mapping[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.excluded

    @property
    def overridable(self) -> bool:
        return all(reason.overridable for reasons in self.excluded.values() for reason in reasons)

    def lines(self) -> list[str]:
        return [f"{self.names.get(vid, vid)}: {reason}" for vid, reasons in self.excluded.items() for reason in reasons]

    def message(self) -> str:
        return "Komt niet in aanmerking voor deze zaak. " + "; ".join(self.lines()) + "."

    def own_words(self, volunteer_id: int) -> str:
        """For a volunteer in the portal: only their own reasons, never their partner's."""
        mine = "; ".join(self.excluded.get(volunteer_id, ()))
        return ("Uw antwoord is niet vastgelegd: het duo kan nu niet aan deze zaak worden gekoppeld"
                + (f" ({mine})" if mine else "") + ". De coördinator neemt contact met u op.")


def judge(view, case: Mapping[str, Any], ids: Iterable[int], *, radius: int = 6, today: dt.date | None = None,
          keep: Iterable[int] = ()) -> Verdict:
    """Judge the volunteers `ids` for `case`; those in `keep` (already on it) are not judged again."""
    # The facts and the score load here, not with this module: a case page shows proposals
    # (proposals.py imports this module) without judging anyone.
    from . import facts, score

    case_id = getattr(case, "doc_id", None)
    found = {c.id: c for c in facts.candidates(view, skip_case=case_id, today=today)}
    volunteers = view.table(pipeline.VOLUNTEERS)
    excluded, names = {}, {}
    for vid in dict.fromkeys(int(i) for i in ids):
        if vid in set(keep):
            continue
        candidate = found.get(vid)
        if candidate is None:
            doc = volunteers.get(doc_id=vid)
            names[vid] = (doc or {}).get("name") or f"Vrijwilliger {vid}"
            excluded[vid] = (score.Exclusion(NOT_ACTIVE, "inactive"),)
            continue
        names[vid] = candidate.name
        reasons = score.exclusions(candidate, case, radius)
        if reasons:
            excluded[vid] = tuple(reasons)
    return Verdict(excluded, names)


def allow(verdict: Verdict, override_reason: Any = "", *, accepted: Iterable[str] = ()) -> dict | None:
    """None when everyone may be on the case; an override record when the coordinator overrode
    what may be overridden with a reason; else EligibilityError with the reasons in Dutch.

    `accepted`: lines an earlier override already covered (a proposal made with one)."""
    remaining = [line for line in verdict.lines() if line not in set(accepted)]
    if not remaining:
        return None
    if not verdict.overridable:
        raise EligibilityError(verdict.message(), overridable=False, verdict=verdict)
    reason = " ".join(str(override_reason or "").split())
    if not reason:
        raise EligibilityError(verdict.message() + " Wilt u toch doorgaan? Schrijf waarom bij ‘Reden om toch te "
                               "koppelen’; dat komt op de tijdlijn en in het auditlog.", overridable=True, verdict=verdict)
    if len(reason) > MAX_REASON:
        raise EligibilityError(f"Gebruik bij de reden maximaal {MAX_REASON} tekens.", overridable=True)
    return {"reason": reason, "exclusions": verdict.lines()}


def override_note(override: Mapping[str, Any]) -> str:
    """The timeline's words for an override."""
    return f"Toch gekoppeld ondanks: {'; '.join(override['exclusions'])}. Reden: {override['reason']}"
