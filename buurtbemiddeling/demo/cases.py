"""About 60 fictional cases over the last 18 months, in every step, with their timelines.

Distributions follow published national figures of Dutch programmes: noise is the largest conflict type, a third to almost half
are zelfmelders and a quarter come from the police, about 10% is ongeschikt, about 70% of
the closed suitable cases is solved, a fifth is complex, summer is busier.
"""
from __future__ import annotations

import datetime as dt
import random

from db import Store
from common import clock, tables

from ..cases import numbering, records, repo, workflow
from ..settings import lists
from .reports import STORIES
from .town import TOWN, neighbour_of, resident

# How many cases end up in each step (60 in all); every step is present.
STEP_COUNTS = {
    "afgesloten": 34, "ongeschikt": 6, "in-de-wacht": 2, "nazorg": 3, "bemiddelingsgesprek": 2, "pendel": 1,
    "gesprek-b": 2, "gesprek-a": 2, "gekoppeld": 2, "intake": 3, "aangemeld": 3,
}
# Days between the report and now, per step the case is in.
AGE = {
    "afgesloten": (45, 540), "ongeschikt": (6, 540), "in-de-wacht": (30, 200), "nazorg": (45, 100),
    "bemiddelingsgesprek": (25, 60), "pendel": (25, 60), "gesprek-b": (15, 45), "gesprek-a": (10, 35),
    "gekoppeld": (5, 20), "intake": (2, 12), "aangemeld": (0, 8),
}
CONFLICT_WEIGHTS = {
    "geluidsoverlast": 34, "pesten": 12, "intimidatie": 6, "tuin-erfgrens": 11, "huisdieren": 8, "stank-rook": 6,
    "vervuiling-afval": 6, "parkeren": 6, "kinderen-jongeren": 7, "overlast-algemeen": 4,
}
REFERRER_WEIGHTS = {
    "zelfmelder": 40, "politie": 25, "woningcorporatie": 18, "gemeente": 5, "welzijn": 4, "wijkteam": 4, "huisarts": 2,
    "overig": 2,
}
ORGANISATIONS = {
    "politie": ("Politie basisteam Lindenhoven", ("wijkagent R. Bosman", "wijkagent S. Yıldız")),
    "woningcorporatie": ("Woonstede Lindenhoven", ("M. Kramer, woonconsulent", "E. de Wit, woonconsulent")),
    "gemeente": ("Gemeente Lindenhoven", ("J. Pauwels, wijkregisseur",)),
    "welzijn": ("Welzijn Lindenhoven", ("A. Ouali, opbouwwerker",)),
    "wijkteam": ("Wijkteam Oost", ("L. Verbeek",)),
    "huisarts": ("Huisartsenpraktijk De Linde", ("dr. H. Smits",)),
    "overig": ("Stichting Thuis", ("K. Mol",)),
}
LANDLORDS = ("Woonstede Lindenhoven", "Lindenhoven Wonen", "particuliere verhuurder")
NOT_SOLVED_WEIGHTS = {"b-weigert": 4, "geen-reactie": 2, "afgebroken": 2, "a-trekt-terug": 1, "verhuisd": 1}
UNSUITABLE_WEIGHTS = {"geweld": 2, "juridische-procedure": 1, "bedrijf-instantie": 1, "familieconflict": 1,
                      "psychiatrie-verslaving": 1, "geen-motivatie": 2, "te-geescaleerd": 1}
AGREEMENTS = (
    "Muziek en televisie na 22.00 uur zachter; bij overlast eerst aanbellen in plaats van de politie bellen.",
    "De heg wordt twee keer per jaar gesnoeid; de kosten delen ze.",
    "De hond gaat overdag naar een oppas; over vier weken een kort evaluatiegesprek.",
    "Vuilniszakken pas op de ophaaldag buiten; de buren groeten elkaar weer.",
    "De bus wordt niet meer voor de oprit geparkeerd; bij bezoek overleggen ze.",
)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _reported(rng: random.Random, today: dt.date, step: str) -> dt.datetime:
    low, high = AGE[step]
    for _ in range(5):  # summer is busier: redraw some winter dates
        day = today - dt.timedelta(days=rng.randint(low, high))
        if day.month in (5, 6, 7, 8, 9) or rng.random() < 0.7:
            break
    return clock.on(day, rng.randint(8, 20), rng.choice((0, 15, 30, 45)))


def _path(rng: random.Random, final: str) -> list[str]:
    """The steps a case took to reach `final` (talks solved early sometimes skip the joint meeting)."""
    if final in ("aangemeld", "intake"):
        return ["aangemeld", "intake"][: 1 + (final == "intake")]
    if final == "ongeschikt":
        return ["aangemeld", "intake", "ongeschikt"]
    line = ["aangemeld", "intake", "gekoppeld", "gesprek-a", "gesprek-b"]
    if final in line:
        return line[: line.index(final) + 1]
    if final == "in-de-wacht":
        return line[: rng.randint(3, 4)] + ["in-de-wacht"]
    talk = "pendel" if rng.random() < 0.15 else "bemiddelingsgesprek"
    if final in ("bemiddelingsgesprek", "pendel"):
        return line + [final]
    middle = [] if rng.random() < 0.35 else [talk]  # often the separate talks already solve it
    return line + middle + (["nazorg"] if final == "nazorg" else ["nazorg", "afgesloten"])


def _case(rng: random.Random, final: str, today: dt.date, volunteers: list[int], outcome: str) -> tuple[dict, list[dict]]:
    party_a = resident(rng)
    party_b = neighbour_of(rng, party_a)
    reported = _reported(rng, today, final)
    conflict = _pick(rng, CONFLICT_WEIGHTS)
    what, tried = STORIES.get(conflict, STORIES["geluidsoverlast"])
    referrer_type = _pick(rng, REFERRER_WEIGHTS)
    organisation, people = ORGANISATIONS.get(referrer_type, ("", ("",)))

    def party(someone) -> dict:
        tenure = "huur" if rng.random() < 0.6 else "koop"
        return records.empty_party() | {
            "name": someone.name, "street": someone.address, "postcode": someone.postcode, "place": TOWN,
            "phone": someone.phone.replace("-", ""), "email": someone.email if rng.random() < 0.7 else "",
            "household": rng.choice(("alleenstaand", "eenoudergezin", "paar-zonder-kinderen", "gezin-met-kinderen", "oudere")),
            "tenure": tenure, "landlord": rng.choice(LANDLORDS) if tenure == "huur" else "",
            "language": rng.choice(("", "", "", "", "Turks", "Arabisch", "Pools")),
        }

    parties = [party(party_a), party(party_b)]
    if rng.random() < 0.05:  # group mediation: a third household
        parties.append(party(neighbour_of(rng, party_a)))
    types = [conflict] + ([_pick(rng, CONFLICT_WEIGHTS)] if rng.random() < 0.2 else [])
    fields = {
        "source": "web" if referrer_type == "zelfmelder" and rng.random() < 0.6 else "telefoon",
        "reported_at": reported.isoformat(timespec="seconds"),
        "parties": parties, "wijk": lists.slugify(party_a.wijk),
        "referrer": {"type": referrer_type, "organisation": organisation if referrer_type != "zelfmelder" else "",
                     "person": rng.choice(people) if referrer_type != "zelfmelder" else "", "phone": "", "email": ""},
        "conflict_types": list(dict.fromkeys(types)), "description": f"{what}\n\nAl geprobeerd: {tried}",
        "complex": rng.random() < 0.2,
    }
    path = _path(rng, final)
    # Spread the steps between the report and a last activity that is sometimes weeks ago.
    quiet = rng.random() < 0.3 and final not in ("aangemeld", "intake")
    end = min(clock.on(today, 17), reported + dt.timedelta(days=rng.randint(20, 75)))
    if final not in ("afgesloten", "ongeschikt"):
        end = clock.on(today - dt.timedelta(days=rng.randint(16, 30) if quiet else rng.randint(0, 6)), 16)
        end = max(end, reported + dt.timedelta(hours=2))
    moments = sorted(reported + (end - reported) * rng.random() for _ in path[1:])
    events: list[dict] = [{"kind": "created", "at": fields["reported_at"], "to": "aangemeld", "source": fields["source"]}]
    case = {"intake": {"checklist": [], "decision": "", "reason": "", "advice": ""}, "duo": [], "minutes": 0}
    minutes = 0

    def contact(at: dt.datetime, who: str, channel: str, summary: str, low: int, high: int) -> None:
        nonlocal minutes
        spent = rng.randint(low, high) // 5 * 5
        minutes += spent
        events.append({"kind": "contact", "at": at.isoformat(timespec="seconds"), "date": at.date().isoformat(),
                       "with": who, "channel": channel, "summary": summary, "minutes": spent})

    for (source, target), at in zip(zip(path, path[1:]), moments):
        stamp = at.isoformat(timespec="seconds")
        event = {"kind": "step", "at": stamp, "from": source, "to": target, "note": ""}
        if target == "intake":
            if referrer_type != "zelfmelder":
                contact(at, "verwijzer", "telefoon", "Verwijzer gebeld: achtergrond en toestemming van de bewoner besproken.", 10, 25)
            contact(at, "partij-a", "telefoon", "Intakegesprek met partij A: wat er speelt en wat al is geprobeerd.", 20, 45)
        if source == "intake":
            if target == "ongeschikt":
                reason = _pick(rng, UNSUITABLE_WEIGHTS)
                case["intake"] = {"checklist": [], "decision": "ongeschikt", "reason": reason,
                                  "advice": "Verwezen naar het wijkteam.", "decided_on": at.date().isoformat()}
                event.update(reason=reason, note="Verwezen naar het wijkteam.")
            else:
                case["intake"] = {"checklist": list(workflow.CHECKLIST_KEYS), "decision": "geschikt", "reason": "",
                                  "advice": "", "decided_on": at.date().isoformat()}
                events.append({"kind": "intake", "at": stamp, "decision": "geschikt", "note": ""})
                case["duo"] = rng.sample(volunteers, 2) if len(volunteers) >= 2 else []
        if target == "gesprek-b":
            contact(at, "bemiddelaars", "telefoon", "Verslag van de bemiddelaars na het gesprek met partij A.", 10, 20)
        if target in ("bemiddelingsgesprek", "pendel"):
            contact(at, "bemiddelaars", "telefoon", "Bemiddelaars: beide partijen willen verder.", 10, 20)
        if target == "nazorg":
            case["last_talk"] = at.date().isoformat()
            case["nazorg_due"] = (at.date() + dt.timedelta(weeks=4)).isoformat()
            event.update(last_talk=case["last_talk"], nazorg_due=case["nazorg_due"])
        if target == "in-de-wacht":
            case["held_from"] = source
            event["note"] = "Partij A wil eerst zelf nog een gesprek met de buren proberen."
        if target == "afgesloten":
            solved = outcome != workflow.NOT_SOLVED
            reason = "" if solved else _pick(rng, NOT_SOLVED_WEIGHTS)
            case["closing"] = {
                "outcome": outcome, "reason": reason,
                "agreements": rng.choice(AGREEMENTS) if solved else "",
                "nazorg_a": "Gaat goed, de afspraken worden nagekomen." if solved else "Geen verbetering.",
                "nazorg_b": "Tevreden over het contact." if solved else "Wil geen contact meer.",
                "closed_on": at.date().isoformat(),
            }
            contact(at, "partij-a", "telefoon", "Nazorg: partij A gebeld.", 10, 15)
            contact(at, "partij-b", "telefoon", "Nazorg: partij B gebeld.", 10, 15)
            event.update(outcome=outcome, reason=reason)
        events.append(event)
    # Real nazorg dates follow the last talk; a case still in nazorg has it due around now.
    if final == "nazorg":
        last_talk = today - dt.timedelta(days=rng.randint(21, 35))
        case["last_talk"] = last_talk.isoformat()
        case["nazorg_due"] = (last_talk + dt.timedelta(weeks=4)).isoformat()
        events[-1].update(last_talk=case["last_talk"], nazorg_due=case["nazorg_due"])
    last = max(e["at"] for e in events)
    case.update(fields, step=final, minutes=minutes, last_activity_at=last,
                step_changed_at=events[-1]["at"], created_at=fields["reported_at"])
    return case, events


def add(store: Store, rng: random.Random, count: int = 60) -> None:
    today = clock.today()
    view = store.read()
    volunteers = [v.doc_id for v in repo.active_volunteers(view)]
    users = view.table(tables.USERS).all()
    coordinator = next((u for u in users if u.get("role") == "coordinator"), None)
    by = {"user": str(coordinator.doc_id) if coordinator else None,
          "user_name": coordinator.get("name", "") if coordinator else ""}
    scale = count / sum(STEP_COUNTS.values())
    finals = [step for step, n in STEP_COUNTS.items() for _ in range(max(1, round(n * scale)))]
    closed = sum(1 for step in finals if step == "afgesloten")
    outcomes = (["opgelost"] * round(closed * 0.7) + ["deels-opgelost"] * round(closed * 0.12))
    outcomes += [workflow.NOT_SOLVED] * (closed - len(outcomes))
    rng.shuffle(outcomes)
    built = []
    for final in finals:
        outcome = outcomes.pop() if final == "afgesloten" else ""
        built.append(_case(rng, final, today, volunteers, outcome))
    built.sort(key=lambda pair: pair[0]["reported_at"])
    with store.transaction() as tx:
        for case, events in built:
            number = numbering.assign(tx, repo.CASES, int(case["reported_at"][:4]))
            doc = records.new_case(case, number=number, now=dt.datetime.fromisoformat(case["reported_at"]),
                                   step=case["step"])
            case_id = tx.table(repo.CASES).insert(doc)
            tx.table(repo.EVENTS).insert_multiple(
                [{"case_id": case_id, "recorded_at": e["at"], **by, **e} for e in events])
