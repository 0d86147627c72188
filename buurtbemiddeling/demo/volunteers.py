"""A fictional pool of about 60 volunteers in every step, with trainings and events (claims: demo/budget.py)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from common import clock, tables
from db import Store

from ..volunteers import events as events_rules
from ..volunteers import selection
from ..volunteers.application_form import AVAILABILITY, LANGUAGES
from ..volunteers.pipeline import APPLICATIONS, VOLUNTEERS
from .town import WIJKEN, email_for, person_name, phone, postcode

COORDINATOR = "Carla de Coördinator"
CATALOGUE = (
    {"name": "Basistraining buurtbemiddeling (CCV)", "kind": "basistraining", "hours": 15, "validity_months": None,
     "required": False, "description": "Vijf dagdelen van drie uur; certificaat van het CCV."},
    {"name": "Verklaring Omtrent het Gedrag (VOG)", "kind": "kwalificatie", "hours": 0, "validity_months": 36,
     "required": True, "description": "Elke drie jaar opnieuw aanvragen."},
    {"name": "Omgaan met agressie", "kind": "verdieping", "hours": 3, "validity_months": None, "required": False, "description": ""},
    {"name": "Pendelbemiddeling", "kind": "verdieping", "hours": 3, "validity_months": None, "required": False, "description": ""},
    {"name": "Interculturele communicatie", "kind": "verdieping", "hours": 3, "validity_months": None, "required": False, "description": ""},
    {"name": "Groepsbemiddeling", "kind": "verdieping", "hours": 6, "validity_months": None, "required": False, "description": ""},
)
# (step, how many): volunteers in every step after selection.
POOL = (("actief", 40), ("meeloopperiode", 4), ("basistraining", 4), ("aangenomen", 2), ("inactief", 4), ("gestopt", 6))
# Applications still before or at selection, and ones that ended there.
APPLICANTS = (("nieuw", 4), ("kennismakingsgesprek", 3), ("selectiegesprek", 3), ("afgewezen", 2), ("teruggetrokken", 2))
CHANNELS = ("website", "website", "sociale-media", "krant", "bemiddelaar", "bekende", "bekende", "buurthuis", "anders")
CONFLICT_TYPES = ("geluidsoverlast", "pesten", "tuin-erfgrens", "huisdieren", "parkeren", "kinderen-jongeren", "stank-rook")
MOTIVATIONS = (
    "Ik wil iets doen voor mijn buurt en ben goed in luisteren.",
    "Na mijn pensioen zoek ik zinvol vrijwilligerswerk met mensen.",
    "Ik heb zelf ruzie met buren gehad en zag hoe goed bemiddeling werkte.",
    "Ik studeer toegepaste psychologie en wil ervaring opdoen met gesprekken.",
)
POPULATION = {
    "gender": {"vrouw": 51, "man": 49},
    "age_band": {"18-25": 13, "26-40": 24, "41-55": 25, "56-67": 19, "68+": 19},
    "wijk": {"Centrum": 14, "De Linden": 18, "Vogelbuurt": 20, "Havenkwartier": 17, "Bloemenwijk": 16, "Oosterveld": 15},
    "languages": {"Nederlands": 96, "Engels": 40, "Turks": 7, "Arabisch": 6, "Berbers": 4, "Pools": 4, "Papiaments": 2, "Tigrinya": 1},
}


def _iso(day: date) -> str:
    return day.isoformat()


def _at(day: date, rng: random.Random) -> str:
    return clock.stamp(clock.on(day, rng.randint(9, 17), rng.choice((0, 15, 30))))


def _person(rng: random.Random) -> dict:
    wijk = rng.choice(list(WIJKEN))
    prefix, streets = WIJKEN[wijk]
    name = person_name(rng)
    languages = ["Nederlands"] + rng.sample([lang for lang in LANGUAGES if lang != "Nederlands"], rng.choice((0, 0, 1, 1, 2)))
    return {"name": name, "email": email_for(name, rng), "phone": phone(rng), "street": f"{rng.choice(streets)} {rng.randint(1, 180)}",
            "postcode": postcode(rng, prefix), "wijk": wijk, "languages": languages,
            "age_band": rng.choices(("18-25", "26-40", "41-55", "56-67", "68+"), (1, 3, 4, 5, 4))[0],
            "gender": rng.choices(("vrouw", "man", "", "anders"), (55, 38, 6, 1))[0],
            "availability": sorted(rng.sample([v for v, _ in AVAILABILITY], rng.randint(3, 8)))}


def _application(rng: random.Random, person: dict, received: date) -> dict:
    values = {key: person[key] for key in ("name", "email", "phone", "street", "postcode", "wijk", "age_band", "availability")}
    # Stored as the public form stores them: language slugs.
    values.update(languages=[lang.lower() for lang in person["languages"]], languages_other="",
                  motivation=rng.choice(MOTIVATIONS), experience=rng.choice(("", "Vertrouwenspersoon op mijn werk.", "Mediator in opleiding.")),
                  heard_via=rng.choice(CHANNELS), background="", consent=True)
    return {"form": "application", "received_at": _at(received, rng), "source": rng.choice(("web", "web", "web", "beheer")),
            "lang": "nl", "status": "nieuw", "flags": [], "values": values}


def _interview(rng: random.Random, held: date, decision: str) -> dict:
    base = 4 if decision == "aannemen" else 2
    scores = [{"criterion": value, "label": label, "score": max(1, min(5, base + rng.choice((-1, 0, 0, 1)))), "note": ""}
              for value, label in selection.DEFAULT_CRITERIA]
    reason = {"aannemen": "Luistert goed, blijft neutraal en werkt prettig samen.",
              "afwijzen": "Kiest snel partij en vindt het moeilijk om niet zelf oplossingen aan te dragen.",
              "aanhouden": "Twijfel over beschikbaarheid; tweede gesprek afgesproken."}[decision]
    return {"held_on": _iso(held), "kind": "selectiegesprek", "interviewers": COORDINATOR + " en een ervaren bemiddelaar",
            "scores": scores, "decision": decision, "reason": reason, "by": COORDINATOR, "at": _at(held, rng)}


def _steps(path: list[tuple[str, date]], rng: random.Random, reason: str = "") -> list[dict]:
    return [{"step": step, "at": _at(day, rng), "by": COORDINATOR, "reason": reason if i == len(path) - 1 else ""}
            for i, (step, day) in enumerate(path)]


def _path(step: str, start: date, today: date) -> list[tuple[str, date]]:
    """The dated steps from first talk to `step`, ending no later than today."""
    order = ["kennismakingsgesprek", "selectiegesprek", "aangenomen", "basistraining", "meeloopperiode", "actief"]
    offsets = {"kennismakingsgesprek": -60, "selectiegesprek": -40, "aangenomen": -30, "basistraining": 0, "meeloopperiode": 45, "actief": 120}
    last = {"aangenomen": "aangenomen", "basistraining": "basistraining", "meeloopperiode": "meeloopperiode"}.get(step, "actief")
    path = [(s, min(today, start + timedelta(days=offsets[s]))) for s in order[: order.index(last) + 1]]
    if step in ("inactief", "gestopt"):
        path.append((step, min(today, start + timedelta(days=400 + (start.toordinal() % 300)))))
    return path


def add(store: Store, rng: random.Random, *, today: date | None = None,
        pool: tuple[tuple[str, int], ...] = POOL, applicants: tuple[tuple[str, int], ...] = APPLICANTS) -> None:
    """The pool and applicants per step; the benchmark passes larger counts."""
    today = today or clock.today()
    with store.transaction() as tx:
        training_ids = tx.table(tables.TRAININGS).insert_multiple({**item, "retired": False} for item in CATALOGUE)
        basis, vog, *deeper = training_ids
        volunteer_ids = []
        n = 0
        for step, count in pool:
            for _ in range(count):
                n += 1
                person = _person(rng)
                if step == "actief":
                    # A spread of 0-12 years of service; a few land on an anniversary this month.
                    years = rng.choice((1, 1, 2, 3, 4, 5, 5, 6, 8, 10, 12))
                    start = today - timedelta(days=365 * years + rng.randint(-25, 200))
                elif step in ("inactief", "gestopt"):
                    start = today - timedelta(days=rng.randint(500, 2500))
                else:
                    start = today - timedelta(days={"meeloopperiode": 60, "basistraining": 20, "aangenomen": 5}[step] + rng.randint(0, 10))
                path = _path(step, start, today)
                received = path[0][1] - timedelta(days=rng.randint(5, 30))
                application = _application(rng, person, received)
                app_id = tx.table(APPLICATIONS).insert(application)
                stop = rng.choice(("tijd", "verhuisd", "gezondheid", "ander-werk")) if step in ("gestopt", "inactief") else ""
                reason = {"tijd": "Geen tijd meer — nieuwe baan", "verhuisd": "Verhuisd — naar Zwolle", "gezondheid": "Gezondheid",
                          "ander-werk": "Ander (vrijwilligers)werk"}.get(stop, "")
                steps = _steps(path, rng, reason)
                if stop:
                    steps[-1]["reason_code"] = stop
                contacts = [{"on": _iso(today - timedelta(days=rng.randint(3, 200))), "kind": rng.choice(("gesprek", "telefoon", "kaart")),
                             "note": "", "by": COORDINATOR} for _ in range(rng.randint(0, 3))]
                volunteer = {
                    **person, "background": rng.choice(("", "", "Opgegroeid in Turkije, woont 20 jaar in de Vogelbuurt.", "Oud-docent.")),
                    "max_cases": rng.choice((1, 2, 2, 3)),
                    "experience": {t: rng.randint(1, 8) for t in rng.sample(CONFLICT_TYPES, rng.randint(0, 3))} if step in ("actief", "inactief", "gestopt") else {},
                    "start_date": _iso(path[2][1]) if len(path) > 2 else _iso(start), "step": step, "steps": steps,
                    "agreement": {"signed_on": _iso(path[2][1]) if len(path) > 2 and rng.random() < 0.9 else "", "document": None},
                    "notes": "", "knows": [], "application_id": app_id, "contacts": contacts,
                }
                vid = tx.table(VOLUNTEERS).insert(volunteer)
                volunteer_ids.append((vid, step, path))
                tx.table(APPLICATIONS).update({"step": "aangenomen", "volunteer_id": vid, "steps": steps[:3],
                                               "interviews": [_interview(rng, path[1][1], "aannemen")]}, doc_ids=[app_id])
                _records(tx, rng, vid, step, path, today, basis, vog, deeper)
        _applicants(tx, rng, today, applicants)
        _events(tx, rng, today, volunteer_ids)
        tx.table(tables.POPULATION).insert_multiple({"dimension": dim, "value": value, "share": share}
                                               for dim, shares in POPULATION.items() for value, share in shares.items())


def _records(tx, rng, vid, step, path, today, basis, vog, deeper) -> None:
    records = tx.table(tables.TRAINING_RECORDS)
    steps = dict(path)
    if "basistraining" in steps:
        begin = steps["basistraining"]
        sessions = 5 if step != "basistraining" else rng.randint(1, 4)
        for i in range(sessions):  # five dagdelen of three hours
            day = min(today, begin + timedelta(days=7 * i))
            records.insert({"volunteer_id": vid, "training_id": basis, "date": _iso(day), "hours": 3, "certificate": None,
                            "notes": f"Dagdeel {i + 1}", "by": COORDINATOR, "at": _at(day, rng)})
    if step in ("actief", "meeloopperiode", "inactief") and rng.random() < 0.93:
        # Most VOGs are valid; some expire soon or have expired, so the dashboard has work.
        age = rng.choice((100, 300, 500, 700, 900, 1050, 1080, 1150))
        records.insert({"volunteer_id": vid, "training_id": vog, "date": _iso(today - timedelta(days=age)), "hours": 0,
                        "certificate": None, "notes": "", "by": COORDINATOR, "at": _at(today - timedelta(days=age), rng)})
    if step in ("actief", "inactief", "gestopt"):
        for training in rng.sample(deeper, rng.randint(0, 2)):
            day = today - timedelta(days=rng.randint(30, 700))
            records.insert({"volunteer_id": vid, "training_id": training, "date": _iso(day), "hours": 3, "certificate": None,
                            "notes": "", "by": COORDINATOR, "at": _at(day, rng)})


def _applicants(tx, rng, today, applicants) -> None:
    for step, count in applicants:
        for _ in range(count):
            received = today - timedelta(days=rng.randint(1, 20) if step == "nieuw" else rng.randint(12, 50))
            application = _application(rng, _person(rng), received)
            path = {"nieuw": [], "kennismakingsgesprek": ["kennismakingsgesprek"],
                    "selectiegesprek": ["kennismakingsgesprek", "selectiegesprek"],
                    "afgewezen": ["kennismakingsgesprek", "selectiegesprek", "afgewezen"],
                    "teruggetrokken": ["kennismakingsgesprek", "teruggetrokken"]}[step]
            days = sorted(rng.sample(range(1, max(2, (today - received).days)), min(len(path), max(1, (today - received).days - 1))))
            dated = [(s, received + timedelta(days=d)) for s, d in zip(path, days)]
            reason = {"afgewezen": "Kiest snel partij; past beter bij ander vrijwilligerswerk.",
                      "teruggetrokken": "Geen tijd meer — druk met werk"}.get(step, "")
            application["step"] = dated[-1][0] if dated else "nieuw"
            application["steps"] = _steps(dated, rng, reason)
            if step == "teruggetrokken":
                application["steps"][-1]["reason_code"] = "tijd"
            if step == "afgewezen":
                application["interviews"] = [_interview(rng, dated[1][1], "afwijzen")]
            tx.table(APPLICATIONS).insert(application)


def _events(tx, rng, today, volunteers) -> None:
    working = [vid for vid, step, _ in volunteers if step in ("actief", "meeloopperiode")]
    months = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")
    days = [today + timedelta(days=d) for d in (-330, -270, -200, -120, -60, -5, 40)]
    plans = [("intervisie", f"Intervisie {months[day.month - 1]} {day.year}", day, "19:30", "21:30", "Buurthuis De Linde, Lindelaan 40")
             for day in days]
    plans += [
        ("training", "Verdieping: omgaan met agressie", today - timedelta(days=150), "13:30", "16:30", "Gemeentehuis, zaal 2"),
        ("training", "Basistraining voorjaar, dagdeel 1", today - timedelta(days=18), "09:00", "12:00", "Gemeentehuis, zaal 2"),
        ("bedankbijeenkomst", "Nieuwjaarsborrel voor alle bemiddelaars", today - timedelta(days=75), "17:00", "19:30", "Café De Haven"),
        ("uitje", "Zomeruitje: rondvaart", today + timedelta(days=80), "14:00", "18:00", "Havenkade, steiger 3"),
        ("intervisie", "Intervisie nieuwe bemiddelaars", today + timedelta(days=12), "19:30", "21:00", "Buurthuis De Linde, Lindelaan 40"),
    ]
    for kind, title, day, start, end, place in plans:
        invitees = sorted(working if kind != "training" else rng.sample(working, min(12, len(working))))
        attended = sorted(rng.sample(invitees, int(len(invitees) * rng.uniform(0.5, 0.85)))) if day < today else []
        tx.table(events_rules.EVENTS).insert({
            "kind": kind, "title": title, "date": day.isoformat(), "start": start, "end": end, "place": place,
            "agenda": "1. Opening\n2. Casussen bespreken\n3. Wat nemen we mee?" if kind == "intervisie" else "",
            "invitees": invitees, "attendance": attended, "notes": "", "uid": events_rules.new_uid()})
