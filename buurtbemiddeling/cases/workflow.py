"""The seven steps of a case as a workflow: which step may follow which, and what each needs.

Pure rules: no Flask, no store. The views call `transition`, `hold`, `reopen`, `correct` and
`decide` and write the returned `Change` (updates for the case doc, one timeline event) in
one transaction. A rule that is broken raises `WorkflowError` with a Dutch message; its
`field` names the form field to point at.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from common import clock
from figures import cases as case_rules


@dataclass(frozen=True)
class Step:
    """A step of a case: its label, its place on the main line and whether the case is open."""

    key: str
    label: str
    phase: int  # position on the main line, for the progress bar and sorting
    state: str  # "open", "closed" or "hold"


STEPS: dict[str, Step] = {s.key: s for s in (
    Step("aangemeld", "Aangemeld", 1, "open"),
    Step("intake", "Intake", 2, "open"),
    Step("ongeschikt", "Ongeschikt", 3, "closed"),
    Step("gekoppeld", "Bemiddelaars gekoppeld", 3, "open"),
    Step("gesprek-a", "Gesprek partij A", 4, "open"),
    Step("gesprek-b", "Gesprek partij B", 5, "open"),
    Step("bemiddelingsgesprek", "Bemiddelingsgesprek", 6, "open"),
    Step("pendel", "Pendelbemiddeling", 6, "open"),
    Step("nazorg", "Nazorg", 7, "open"),
    Step("afgesloten", "Afgesloten", 8, "closed"),
    Step("in-de-wacht", "In de wacht", 0, "hold"),
)}

# The main line as shown on a case page (a variant step shares its phase).
MAIN_LINE = ("aangemeld", "intake", "gekoppeld", "gesprek-a", "gesprek-b", "bemiddelingsgesprek", "nazorg", "afgesloten")

# source -> the steps that may follow; `in-de-wacht` and corrections are handled apart.
NEXT: dict[str, tuple[str, ...]] = {
    "aangemeld": ("intake",),
    "intake": ("gekoppeld",),  # `ongeschikt` only through the intake decision
    "gekoppeld": ("gesprek-a", "afgesloten"),
    "gesprek-a": ("gesprek-b", "afgesloten"),
    "gesprek-b": ("bemiddelingsgesprek", "pendel", "nazorg", "afgesloten"),
    "bemiddelingsgesprek": ("nazorg", "afgesloten"),
    "pendel": ("bemiddelingsgesprek", "nazorg", "afgesloten"),
    "nazorg": ("afgesloten",),
    "ongeschikt": (),
    "afgesloten": (),
    "in-de-wacht": (),
}

# Button texts: what the coordinator does to reach a step.
ACTION_LABELS = {
    "intake": "Intake starten",
    "gekoppeld": "Bemiddelaars koppelen",
    "gesprek-a": "Naar gesprek partij A",
    "gesprek-b": "Naar gesprek partij B",
    "bemiddelingsgesprek": "Naar bemiddelingsgesprek",
    "pendel": "Naar pendelbemiddeling",
    "nazorg": "Naar nazorg",
    "afgesloten": "Zaak afsluiten",
}

# The suitability checklist of the intake: when mediation is not suitable (docs/internals.md, glossary).
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("geen-geweld", "Geen geweld of ernstige bedreiging"),
    ("geen-strafbare-feiten", "Geen strafbare feiten"),
    ("geen-procedure", "Geen lopende juridische procedure"),
    ("buren", "Partij B is een bewoner, geen bedrijf of instantie"),
    ("geen-familie", "Geen familieconflict"),
    ("geen-psychiatrie", "Geen ontwrichtende psychiatrische problematiek of verslaving"),
    ("gemotiveerd", "Partij A wil zelf aan een oplossing werken"),
    ("niet-te-ver", "Het conflict is niet te ver geëscaleerd"),
)
CHECKLIST_KEYS = tuple(key for key, _ in CHECKLIST)
DECISIONS = {"geschikt": "Geschikt", "ongeschikt": "Ongeschikt"}
NOT_SOLVED = case_rules.NOT_SOLVED  # the outcome that needs a reason
MAX_NOTE = 2000


class WorkflowError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Change:
    """What to write: `updates` merged into the case doc, `event` added to its timeline."""

    updates: dict[str, Any]
    event: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    """The configured list values the rules check against (from settings.lists)."""

    outcomes: frozenset[str] = frozenset(case_rules.OUTCOMES)
    not_solved_reasons: frozenset[str] = frozenset()
    unsuitable_reasons: frozenset[str] = frozenset()
    nazorg_weeks: int = 4


# -- looking ---------------------------------------------------------------------

def label(step: str) -> str:
    return STEPS[step].label if step in STEPS else step


def is_open(case: Mapping) -> bool:
    return STEPS.get(case.get("step"), STEPS["aangemeld"]).state == "open"


def next_steps(case: Mapping) -> tuple[str, ...]:
    return NEXT.get(case.get("step"), ())


def can_hold(case: Mapping) -> bool:
    return is_open(case)


def next_action(case: Mapping, today: dt.date | None = None) -> str:
    """The one thing to do next, in words, for lists and the case page."""
    step = case.get("step")
    intake = case.get("intake") or {}
    if step == "aangemeld":
        return "Intake starten"
    if step == "intake":
        if intake.get("decision") != "geschikt":
            return "Intake afronden: geschikt of ongeschikt?"
        if len(case.get("duo") or []) < 2:
            return "Twee bemiddelaars kiezen"
        return "Bemiddelaars koppelen"
    if step == "gekoppeld":
        return "Gesprek met partij A plannen"
    if step == "gesprek-a":
        return "Gesprek met partij B plannen"
    if step == "gesprek-b":
        return "Bemiddelingsgesprek plannen of nazorg inzetten"
    if step in ("bemiddelingsgesprek", "pendel"):
        return "Afspraken vastleggen en nazorg inzetten"
    if step == "nazorg":
        due = case.get("nazorg_due")
        if due and today and due <= today.isoformat():
            return "Nazorg: beide partijen bellen (nu)"
        return f"Nazorg: beide partijen bellen{' op ' + clock.date_text(due) if due else ''}"
    if step == "in-de-wacht":
        until = case.get("held_until")
        if until and today and until <= today.isoformat():
            return "In de wacht tot " + clock.date_text(until) + ": vraag de bewoner hoe het gaat"
        return "Wacht op bericht van de bewoner" + (f" (tot {clock.date_text(until)})" if until else "")
    return ""


# The step each step's next action moves the case to, once nothing else is missing.
_MAIN_NEXT = {"aangemeld": "intake", "intake": "gekoppeld", "gekoppeld": "gesprek-a", "gesprek-a": "gesprek-b",
              "gesprek-b": "bemiddelingsgesprek", "bemiddelingsgesprek": "nazorg", "pendel": "nazorg"}


def primary_action(case: Mapping) -> tuple[str, str] | None:
    """Where the case page's one primary button leads, as `next_action` words it:
    ("step", target) to move the case on, or ("section", anchor) for the form on the page that
    must be filled first (the intake decision, the duo, the closing)."""
    step = case.get("step")
    if step == "intake":
        if (case.get("intake") or {}).get("decision") != "geschikt":
            return ("section", "intake")
        if len(case.get("duo") or []) < 2:
            return ("section", "duo")
    if step == "nazorg":
        return ("section", "afsluiten")
    return ("step", _MAIN_NEXT[step]) if step in _MAIN_NEXT else None


# -- changing ----------------------------------------------------------------------

def _note(text: Any, required: bool, what: str = "een toelichting") -> str:
    text = (text or "").strip() if isinstance(text, str) else ""
    if required and not text:
        raise WorkflowError(f"Schrijf {what}.", "note")
    if len(text) > MAX_NOTE:
        raise WorkflowError(f"Gebruik maximaal {MAX_NOTE} tekens.", "note")
    return text


def read_date(text: Any) -> dt.date | None:
    """A date typed as yyyy-mm-dd (the date picker) or dd-mm-jjjj (also with / or .); None if it is none."""
    text = text.strip() if isinstance(text, str) else ""
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_date(text: Any, what: str, field_name: str, *, today: dt.date,
               not_before: dt.date | None = None) -> dt.date:
    """A date typed as yyyy-mm-dd (date picker) or dd-mm-jjjj; never in the future."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise WorkflowError(f"Vul de {what} in.", field_name)
    value = read_date(text)
    if value is None:
        raise WorkflowError(f"De {what} is geen bestaande datum. Gebruik dd-mm-jjjj, bijvoorbeeld 03-02-2025.", field_name)
    if value > today:
        raise WorkflowError(f"De {what} ligt in de toekomst.", field_name)
    if not_before and value < not_before:
        raise WorkflowError(f"De {what} ligt vóór de aanmelding van de zaak ({clock.date_text(not_before)}).", field_name)
    return value


def _event(source: str, target: str, note: str = "", **extra) -> dict:
    return {"kind": "step", "from": source, "to": target, "note": note, **extra}


def transition(case: Mapping, target: str, data: Mapping[str, Any], *, today: dt.date,
               options: Options = Options()) -> Change:
    """Move a case along the main line (or a variant) to `target`."""
    source = case.get("step")
    if target not in STEPS:
        raise WorkflowError("Deze stap bestaat niet.")
    if target not in NEXT.get(source, ()):
        raise WorkflowError(f"Van ‘{label(source)}’ kan een zaak niet naar ‘{label(target)}’. "
                            "Was de stap eerder verkeerd gezet? Gebruik dan ‘Stap corrigeren’.")
    updates: dict[str, Any] = {"step": target}
    extra: dict[str, Any] = {}
    if target == "gekoppeld":
        if (case.get("intake") or {}).get("decision") != "geschikt":
            raise WorkflowError("Leg eerst bij de intake vast dat de zaak geschikt is.", "decision")
        if len(case.get("duo") or []) != 2:
            raise WorkflowError("Kies eerst twee bemiddelaars: zij werken altijd als duo.", "duo")
    if target == "nazorg":
        last_talk = parse_date(data.get("last_talk"), "datum van het laatste gesprek", "last_talk",
                               today=today, not_before=reported_date(case))
        due = last_talk + dt.timedelta(weeks=options.nazorg_weeks)
        updates.update(last_talk=last_talk.isoformat(), nazorg_due=due.isoformat())
        extra = {"last_talk": last_talk.isoformat(), "nazorg_due": due.isoformat()}
    if target == "afgesloten":
        closing = close(case, data, options=options, today=today)
        updates["closing"] = closing
        extra = {"outcome": closing["outcome"], "reason": closing["reason"]}
    return Change(updates, _event(source, target, _note(data.get("note"), False), **extra))


def close(case: Mapping, data: Mapping[str, Any], *, options: Options, today: dt.date) -> dict:
    """The closing record: outcome, reason for 'niet opgelost', agreements, nazorg results."""
    outcome = (data.get("outcome") or "").strip()
    if outcome not in options.outcomes:
        raise WorkflowError("Kies de uitkomst van de bemiddeling.", "outcome")
    reason = (data.get("reason") or "").strip()
    if outcome == NOT_SOLVED:
        if reason not in options.not_solved_reasons:
            raise WorkflowError("Kies waarom de zaak niet is opgelost.", "reason")
    else:
        reason = ""  # a reason belongs to 'niet opgelost' only
    texts = {}
    for name, what in (("agreements", "de afspraken"), ("nazorg_a", "de nazorg van partij A"),
                       ("nazorg_b", "de nazorg van partij B")):
        text = (data.get(name) or "").strip()
        if len(text) > MAX_NOTE:
            raise WorkflowError(f"Gebruik bij {what} maximaal {MAX_NOTE} tekens.", name)
        texts[name] = text
    if case.get("step") == "nazorg":
        for name, party in (("nazorg_a", "A"), ("nazorg_b", "B")):
            if not texts[name]:
                raise WorkflowError(f"Schrijf wat de nazorg bij partij {party} opleverde.", name)
    return {"outcome": outcome, "reason": reason, **texts, "closed_on": today.isoformat()}


def decide(case: Mapping, data: Mapping[str, Any], *, today: dt.date, options: Options = Options()) -> Change:
    """The intake decision: geschikt (the case stays in intake, ready for a duo) or
    ongeschikt (the case moves to step ongeschikt) with a reason and optional advice."""
    if case.get("step") != "intake":
        raise WorkflowError("Een besluit over geschiktheid neemt u tijdens de intake.", "decision")
    checklist = [key for key in (data.get("checklist") or []) if key in CHECKLIST_KEYS]
    decision = (data.get("decision") or "").strip()
    reason = (data.get("reason") or "").strip()
    advice = (data.get("advice") or "").strip()
    if len(advice) > MAX_NOTE:
        raise WorkflowError(f"Gebruik bij het advies maximaal {MAX_NOTE} tekens.", "advice")
    intake = {"checklist": checklist, "decision": decision, "reason": "", "advice": advice,
              "decided_on": today.isoformat()}
    if decision == "geschikt":
        missing = [text for key, text in CHECKLIST if key not in checklist]
        if missing:
            raise WorkflowError("Een geschikte zaak voldoet aan alle punten van de checklist. Niet aangevinkt: "
                                + "; ".join(missing).lower() + ".", "checklist")
        return Change({"intake": intake}, {"kind": "intake", "decision": decision, "note": ""})
    if decision == "ongeschikt":
        if reason not in options.unsuitable_reasons:
            raise WorkflowError("Kies waarom de zaak niet geschikt is.", "reason")
        intake["reason"] = reason
        return Change({"intake": intake, "step": "ongeschikt"},
                      _event("intake", "ongeschikt", advice, reason=reason))
    raise WorkflowError("Kies geschikt of ongeschikt.", "decision")


def save_checklist(case: Mapping, checked: Sequence[str]) -> dict:
    """Tick the checklist without deciding yet (the coordinator may still be calling)."""
    intake = dict(case.get("intake") or {})
    intake["checklist"] = [key for key in checked if key in CHECKLIST_KEYS]
    return intake


MAX_HOLD_DAYS = 366


def hold(case: Mapping, data: Mapping[str, Any], *, today: dt.date | None = None) -> Change:
    """On hold, with a reason and, when agreed, until a date: then Vandaag reminds the
    coordinator on that date to ask the resident."""
    if not can_hold(case):
        raise WorkflowError(f"Een zaak in ‘{label(case.get('step'))}’ kan niet in de wacht.")
    note = _note(data.get("note"), True, "waarom de zaak in de wacht gaat")
    until = _until(data.get("until"), today or clock.today())
    extra = {"held_until": until} if until else {}
    return Change({"step": "in-de-wacht", "held_from": case["step"], "held_until": until},
                  _event(case["step"], "in-de-wacht", note, **extra))


def _until(text: Any, today: dt.date) -> str | None:
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        return None
    value = read_date(text)
    if value is None:
        raise WorkflowError("De datum ‘in de wacht tot’ is geen bestaande datum. Gebruik dd-mm-jjjj.", "until")
    if value <= today:
        raise WorkflowError("Kies voor ‘in de wacht tot’ een datum na vandaag.", "until")
    if value > today + dt.timedelta(days=MAX_HOLD_DAYS):
        raise WorkflowError("Een zaak staat hoogstens een jaar in de wacht. Kies een eerdere datum.", "until")
    return value.isoformat()


def hold_reminder_due(case: Mapping, today: dt.date) -> bool:
    """On hold until a date that has come: time to ask the resident how things are."""
    until = case.get("held_until")
    return case.get("step") == "in-de-wacht" and bool(until) and until <= today.isoformat()


def reopen(case: Mapping, data: Mapping[str, Any]) -> Change:
    """Back to the step the case was on hold from; only when the resident asks (note)."""
    if case.get("step") != "in-de-wacht":
        raise WorkflowError("Alleen een zaak die in de wacht staat kan worden heropend.")
    back_to = case.get("held_from") if case.get("held_from") in NEXT else "intake"
    note = _note(data.get("note"), True, "wie om heropening vroeg en waarom")
    return Change({"step": back_to, "held_from": None, "held_until": None},
                  _event("in-de-wacht", back_to, note, reopened=True))


def correct(case: Mapping, data: Mapping[str, Any]) -> Change:
    """Put a mistaken step right, with a reason; it is logged as a correction.

    A case ends only through its own rule (closing with an outcome, the intake decision), so a
    correction does not lead into afgesloten or ongeschikt. Out of them, what ended the case
    goes too: the closing (outcome, reason, agreements) or the decision 'ongeschikt' is taken
    off the case and kept on the timeline, so the figures never count a running case as solved."""
    target = (data.get("to") or "").strip()
    source = case.get("step")
    if target not in STEPS:
        raise WorkflowError("Kies de juiste stap.", "to")
    if target == source:
        raise WorkflowError(f"De zaak staat al in ‘{label(target)}’.", "to")
    if target == "in-de-wacht":
        raise WorkflowError("Zet een zaak in de wacht met ‘In de wacht zetten’.", "to")
    if target == "afgesloten":
        raise WorkflowError("Sluit een zaak af met ‘Zaak afsluiten’: daar hoort de uitkomst bij.", "to")
    if target == "ongeschikt":
        raise WorkflowError("Een zaak wordt ongeschikt door het besluit bij de intake, met de reden.", "to")
    note = _note(data.get("note"), True, "waarom de stap wordt gecorrigeerd")
    updates: dict[str, Any] = {"step": target}
    extra: dict[str, Any] = {}
    if source == "in-de-wacht":
        updates.update(held_from=None, held_until=None)
    if case.get("closing"):
        updates["closing"] = None
        extra["closing_undone"] = dict(case["closing"])
    intake = case.get("intake") or {}
    if source == "ongeschikt" and intake.get("decision") == "ongeschikt":
        updates["intake"] = {**intake, "decision": "", "reason": "", "decided_on": None}
        extra["decision_undone"] = {k: intake.get(k) for k in ("decision", "reason", "advice", "decided_on")}
    if "closing_undone" in extra:
        note += f" (De afsluiting is teruggedraaid; de uitkomst was ‘{extra['closing_undone'].get('outcome') or '—'}’.)"
    if "decision_undone" in extra:
        note += " (Het besluit ‘ongeschikt’ is teruggedraaid.)"
    return Change(updates, _event(source, target, note, correction=True, **extra))


def reported_date(case: Mapping) -> dt.date | None:
    """The day the case was reported (one definition: figures.cases.reported_on)."""
    return case_rules.reported_on(case)
