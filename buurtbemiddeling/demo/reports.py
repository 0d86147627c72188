"""Fictional reports as residents would type them into the public form."""
from __future__ import annotations

import random
from datetime import timedelta

from common import clock
from db import Store
from forms import FORMS

from ..reports.intake import TABLE, new_record
from .town import TOWN, neighbour_of, resident

STORIES = {
    "geluidsoverlast": ("De bovenburen draaien bijna elke nacht harde muziek tot na tweeën.",
                        "Ik heb een briefje in de bus gedaan en twee keer aangebeld."),
    "tuin-erfgrens": ("De heg van de buren groeit over de schutting en neemt het licht uit onze tuin weg.",
                      "We hebben erover gepraat, maar het werd alleen maar ruzie."),
    "huisdieren": ("De hond van de buren blaft de hele dag als zij naar hun werk zijn.",
                   "Ik heb het gevraagd, maar ze zeggen dat de hond niet blaft."),
    "parkeren": ("De buurman zet zijn bestelbus steeds voor onze oprit.",
                 "Een paar keer aangesproken, niets veranderd."),
    "kinderen-jongeren": ("Jongeren hangen elke avond bij ons portiek en laten afval achter.",
                          "Ik heb de wijkagent gebeld."),
    "stank-rook": ("De buren stoken elke avond hout; de rook trekt ons huis in.",
                   "Nog niets, ik vind het lastig om te beginnen."),
    "pesten": ("Sinds een ruzie over de kliko's scheldt de buurvrouw ons uit als we buiten zijn.",
               "Ik heb de woningcorporatie gebeld."),
    "vervuiling-afval": ("De buren zetten hun vuilniszakken dagen van tevoren buiten; er komen ratten op af.",
                         "Briefje geschreven."),
}


def raw_report(rng: random.Random) -> dict:
    """A report as typed into the form, before validation."""
    party_a = resident(rng)
    party_b = neighbour_of(rng, party_a)
    conflict_type = rng.choice(list(STORIES))
    what, tried = STORIES[conflict_type]
    return {
        "name": party_a.name, "email": party_a.email, "phone": party_a.phone,
        "street": party_a.address, "postcode": party_a.postcode, "place": TOWN,
        "contact_way": rng.choice(["telefoon", "email"]), "contact_time": rng.sample(["ochtend", "middag", "avond"], 2),
        "language": rng.choice(["", "", "", "Turks", "Arabisch"]),
        "b_name": party_b.name, "b_street": party_b.address, "b_postcode": party_b.postcode,
        "conflict_type": conflict_type, "description": what,
        "since": rng.choice(["Een paar weken", "Sinds de zomer", "Ruim een jaar"]),
        "tried": tried, "violence": "ja" if rng.random() < 0.07 else "nee", "consent": "ja",
    }


def add(store: Store, rng: random.Random, count: int) -> None:
    form = FORMS["report"]
    now = clock.now()
    records = []
    for _ in range(count):
        result = form.validate(raw_report(rng))
        assert result.ok, result.errors  # demo data passes the same rules as a resident's report
        received = now - timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 600))
        records.append(new_record("report", result.cleaned, received_at=received))
    with store.transaction() as tx:
        tx.table(TABLE).insert_multiple(records)
