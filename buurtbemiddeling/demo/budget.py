"""Demo budget: last year and this year, expenses so far, and volunteers' expense claims."""
from __future__ import annotations

import random
from datetime import date, timedelta

from common import clock, tables
from db import Store

from ..budget import ledger
from .network import stored_pdf

AMOUNTS = {"training": 450000, "onkosten_vrijwilligers": 300000, "werving_pr": 150000,
           "ruimtes_catering": 200000, "waardering": 180000, "overig": 50000}
EXPENSES = {
    "training": ("Basistraining bemiddelen, trainer (2 dagdelen)", "Verdiepingstraining omgaan met emoties", "Intervisie externe begeleider"),
    "werving_pr": ("Flyers werving vrijwilligers", "Advertentie huis-aan-huisblad", "Stand op de wijkmarkt"),
    "ruimtes_catering": ("Zaalhuur buurthuis De Linde", "Koffie en lunch basistraining", "Huur gespreksruimte bibliotheek"),
    "waardering": ("Kerstpakketten vrijwilligers", "Vrijwilligersavond, diner", "Bloemen jubileum"),
    "overig": ("Drukwerk visitekaartjes", "Telefoonkosten piketnummer"),
}
CLAIMS = ("Reiskosten intakegesprek", "Parkeerkosten huisbezoek", "Reiskosten bemiddelingsgesprek", "Telefoonkosten")


def add(store: Store, rng: random.Random, today: date | None = None) -> None:
    today = today or clock.today()
    start = date(today.year, 1, 1)
    elapsed = max(1, (today - start).days)
    expenses = []
    for year, share in ((today.year - 1, 1.0), (today.year, elapsed / 365)):
        for line, titles in EXPENSES.items():
            # Spend roughly in step with the year; appreciation runs ahead so its warning shows.
            target = int(AMOUNTS[line] * share * (1.05 if line == "waardering" else rng.uniform(0.55, 0.85)))
            spent = 0
            while spent < target:
                cents = min(target - spent, rng.randint(40, 400) * 100 + rng.choice((0, 50, 95)))
                day = date(year, 1, 1) + timedelta(days=rng.randint(0, (elapsed if year == today.year else 364)))
                title = rng.choice(titles)
                # Nearly every expense has its receipt; a missing one shows up in the year overview.
                receipt = stored_pdf(f"Bon: {title}", "bon.pdf") if year == today.year and rng.random() < 0.9 else None
                expenses.append({"date": day.isoformat(), "line": line, "amount_cents": cents,
                                 "description": title, "receipt": receipt, "by": "Carla de Coördinator",
                                 "created_at": clock.stamp(clock.on(day, 10))})
                spent += cents
    # Claims come from volunteers who mediate (or walk along); the demo has no other claims table.
    pool = store.read().table(tables.VOLUNTEERS).all()
    volunteers = [doc.doc_id for doc in pool if doc.get("step") in ("actief", "meeloopperiode")] or [doc.doc_id for doc in pool]
    # A claim for a talk names a case of that volunteer (no extra random draws: other demo data stays the same).
    case_of = {}
    for case in sorted(store.read().table(tables.CASES).all(), key=lambda c: c.doc_id):
        for vid in case.get("duo") or []:
            case_of.setdefault(vid, case.doc_id)
    claims = []
    for volunteer_id in rng.sample(volunteers, min(10, len(volunteers))):
        for _ in range(rng.randint(1, 4)):
            day = today - timedelta(days=rng.randint(0, 200))
            status = "ingediend" if day > today - timedelta(days=14) else rng.choice(("goedgekeurd",) * 5 + ("afgewezen",))
            claim = {"volunteer_id": volunteer_id, "date": day.isoformat(), "amount_cents": rng.randint(3, 40) * 100 + rng.choice((0, 40, 75)),
                     "description": rng.choice(CLAIMS), "status": status, "entered_by": "Carla de Coördinator",
                     "receipt": stored_pdf("Bon", "bon.pdf") if rng.random() < 0.5 else None,
                     "created_at": clock.stamp(clock.on(day, 18))}
            if claim["description"] != "Telefoonkosten" and volunteer_id in case_of:
                claim["case_id"] = case_of[volunteer_id]
            if status != "ingediend":
                claim.update(decided_by="Carla de Coördinator", decided_at=clock.stamp(clock.on(day + timedelta(days=3), 9)),
                             reason="Geen bewijs van de kosten bijgevoegd." if status == "afgewezen" else "")
            claims.append(claim)
    with store.transaction() as tx:
        for year in (today.year - 1, today.year):
            ledger.set_budget(tx, year, AMOUNTS)
        tx.table(ledger.EXPENSES).insert_multiple(expenses)
        tx.table(ledger.CLAIMS).insert_multiple(claims)
