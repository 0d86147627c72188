"""Demo planning: a few projects and activities with tasks around this week."""
from __future__ import annotations

import random
from datetime import date, timedelta

from common import clock
from db import Store

from ..planning import work

PROJECTS = (
    ("Wervingscampagne najaar", "project", "lopend", -40, 50,
     "Doel: **acht nieuwe bemiddelaars**, liefst uit het Havenkwartier en met een tweede taal.\n\n- flyers en posters\n- stand op de wijkmarkt\n- informatieavond",
     (("Flyers laten drukken", -3, "klaar"), ("Informatieavond voorbereiden", 2, "bezig"), ("Stand wijkmarkt regelen", 5, "open"),
      ("Berichten voor social media schrijven", -2, "open"), ("Selectiegesprekken plannen", 30, "open"))),
    ("Vrijwilligersavond", "activiteit", "gepland", 0, 35, "Jaarlijkse avond om vrijwilligers te bedanken.",
     (("Locatie reserveren", 4, "open"), ("Uitnodiging versturen", 14, "open"), ("Sprekers vragen", 21, "open"))),
    ("Evaluatie convenant woningcorporatie", "project", "lopend", -10, 30, "Samen met Woonstichting De Linde terugkijken op twee jaar doorverwijzen.",
     (("Cijfers verwijzingen verzamelen", 1, "open"), ("Evaluatiegesprek plannen", 10, "open"))),
    ("Nieuwe website buurtbemiddeling", "project", "afgerond", -200, -60, "", (("Teksten schrijven", -90, "klaar"),)),
)


def add(store: Store, rng: random.Random, today: date | None = None) -> None:
    today = today or clock.today()
    with store.transaction() as tx:
        for name, kind, status, start, deadline, description, tasks in PROJECTS:
            pid = tx.table(work.PROJECTS).insert({
                "name": name, "kind": kind, "status": status, "owner": "Carla de Coördinator",
                "start": (today + timedelta(days=start)).isoformat(), "deadline": (today + timedelta(days=deadline)).isoformat(),
                "description": description, "created_at": f"{(today + timedelta(days=start)).isoformat()}T09:00:00+00:00"})
            for title, due, task_status in tasks:
                tx.table(work.TASKS).insert({
                    "project_id": pid, "title": title, "owner": rng.choice(("Carla de Coördinator", "Carla de Coördinator", "Henk (vrijwilliger)")),
                    "deadline": (today + timedelta(days=due)).isoformat(), "status": task_status,
                    "priority": title == "Stand wijkmarkt regelen", "created_at": f"{today.isoformat()}T09:00:00+00:00",
                    "done_at": f"{today.isoformat()}T09:00:00+00:00" if task_status == "klaar" else None})
        tx.table(work.TASKS).insert({"project_id": None, "title": "Jaarplan volgend jaar opzetten", "owner": "Carla de Coördinator",
                                     "deadline": (today + timedelta(days=20)).isoformat(), "status": "open", "priority": True,
                                     "created_at": f"{today.isoformat()}T09:00:00+00:00", "done_at": None})
