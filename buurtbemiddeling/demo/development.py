"""Demo development log of the demo coordinator: goals, courses, a method, proposals, a self-evaluation."""
from __future__ import annotations

import random
from datetime import date, timedelta

from common import clock, tables
from db import Store

from ..development import log

ENTRIES = (
    ("leerdoel", "Beter omgaan met escalatie aan de telefoon", 60, {"status": "bezig"},
     "Ik wil rustiger blijven als een melder boos belt.\n\n- training de-escalatie volgen\n- twee gesprekken nabespreken met een collega"),
    ("leerdoel", "Meertalige intake organiseren", -30, {"status": "behaald"}, "Tolkentelefoon uitgeprobeerd en in het protocol gezet."),
    ("leerdoel", "Netwerk met huisartsen uitbreiden", 150, {"status": "gepland"}, ""),
    ("scholing", "Landelijke dag buurtbemiddeling", -120, {"minutes": 330, "form": "studiedag", "provider": "Landelijk kenniscentrum"},
     "Goede workshop over *online* bemiddeling."),
    ("scholing", "Training de-escalerend communiceren", -45, {"minutes": 480, "form": "training", "provider": "Opleidingsbureau Oost"}, ""),
    ("scholing", "Intervisie coördinatoren regio", -15, {"minutes": 150, "form": "intervisie", "provider": ""}, ""),
    ("methode", "Groepsbemiddeling bij portiekconflicten", -70, {"verdict": "aanpassen"},
     "Drie keer geprobeerd.\n\n**Werkt:** iedereen hoort elkaar.\n\n**Lastig:** veel voorbereiding; voortaan met twee duo's."),
    ("voorstel", "Vaste terugbeltijd voor melders", -90, {"status": "uitgevoerd"}, "Melders weten nu dat we binnen twee werkdagen bellen."),
    ("voorstel", "Nazorggesprek standaard telefonisch", -20, {"status": "voorgelegd"}, "Scheelt reistijd voor vrijwilligers."),
    ("zelfevaluatie", "Halfjaarlijkse zelfevaluatie", -100, {},
     "**Sterk:** intake en netwerk.\n\n**Beter:** planning van trainingen, die schuiven te vaak door."),
)


def add(store: Store, rng: random.Random, today: date | None = None) -> None:
    today = today or clock.today()
    coordinators = [doc for doc in store.read().table(tables.USERS).all() if doc.get("role") == "coordinator"]
    if not coordinators:
        return
    user_id = str(coordinators[0].doc_id)
    with store.transaction() as tx:
        for kind, title, days, extra, text in ENTRIES:
            day = today + timedelta(days=days)
            tx.table(log.TABLE).insert({"user_id": user_id, "kind": kind, "title": title, "date": day.isoformat(),
                                        "text": text, **extra, "created_at": clock.stamp(clock.on(day, 20))})
