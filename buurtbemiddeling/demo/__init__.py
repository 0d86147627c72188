"""Demo data: a realistic, fictional programme in the town of Lindenhoven.

Each area adds its own generator module here; `fill` runs them in order. The benchmark's
data generator reuses these generators at larger sizes.
"""
from __future__ import annotations

import random

from db import Store

from ..auth import users
from . import reports
from . import budget as budget_demo, development as development_demo, network as network_demo, planning as planning_demo
from . import volunteers as volunteer_demo
from . import cases as case_demo
from . import protocols as protocol_demo
from . import matching as matching_demo
from . import publicity as publicity_demo

DEMO_EMAIL = "coordinator@lindenhoven.example"
DEMO_PASSWORD = "demo-wachtwoord-lindenhoven"


def fill(store: Store, seed: int = 2026, *, reports_count: int = 14, url: str = "http://127.0.0.1:5000") -> str:
    """Fill the store and return how to log in at `url`, where the system runs."""
    rng = random.Random(seed)
    if not users.has_users(store):
        users.create_user(store, DEMO_EMAIL, DEMO_PASSWORD, "coordinator", "Carla de Coördinator")
        login = f"Inloggen op {url.rstrip('/')}/beheer/ met {DEMO_EMAIL} en wachtwoord {DEMO_PASSWORD}"
    else:
        login = "Er bestond al een account; log in met uw eigen gegevens."
    reports.add(store, rng, reports_count)
    volunteer_demo.add(store, rng)
    case_demo.add(store, rng)  # after the volunteers: duos are drawn from them
    volunteer_login = protocol_demo.add(store, rng, password=DEMO_PASSWORD)  # after volunteers: links accounts
    if volunteer_login and "wachtwoord" in login:
        login += f"\n{volunteer_login}"
    network_demo.add(store, rng)
    budget_demo.add(store, rng)  # after the volunteers: claims are theirs
    planning_demo.add(store, rng)
    development_demo.add(store, rng)
    matching_demo.add(store, random.Random(seed + 6))  # last: proposals, debriefs, nazorg on the cases
    publicity_demo.add(store, random.Random(seed + 7))
    return login


def summary(store: Store) -> str:
    view = store.read()
    counts = ", ".join(f"{name}: {len(view.table(name))}" for name in store.table_names() if not name.startswith("_"))
    return f"Voorbeeldgegevens staan klaar ({counts})."
