"""Cases and volunteers for the matching, coaching and quality tests, written straight to the store."""
from __future__ import annotations

from buurtbemiddeling.cases import repo as case_repo


class Coordinator:
    id = "1"
    name = "Carla"
    email = "carla@example.nl"


PARTIES = [
    {"name": "Anna Jansen", "street": "Lindelaan 12", "postcode": "7412 AB", "place": "Lindenhoven",
     "phone": "0612345678", "email": "anna@example.nl", "language": "Turks", "landlord": "Woonstede"},
    {"name": "Bram Smit", "street": "Lindelaan 14", "postcode": "7412 AB", "place": "Lindenhoven",
     "phone": "0687654321", "email": "", "language": ""},
]


def add_case(store, *, decision="geschikt", step="intake", **fields):
    steps = ("aangemeld", "intake") if step == "intake" else ("aangemeld",)
    case_id, _ = case_repo.create_case(store, {
        "parties": [dict(p) for p in PARTIES], "conflict_types": ["geluidsoverlast"],
        "referrer": {"type": "politie", "organisation": "Politie Lindenhoven", "person": "wijkagent Bosman"},
        "description": "Harde muziek na middernacht.\n\nAl geprobeerd: aangebeld.",
        "intake": {"decision": decision, "checklist": [], "advice": "Interne notitie van de intake"}, **fields},
        None, steps=steps)
    if step not in ("intake", "aangemeld"):
        with store.transaction() as tx:
            tx.table("cases").update({"step": step}, doc_ids=[case_id])
    return case_id


def add_volunteers(store, *names, trained=True, **extra):
    """Active volunteers; `trained` gives them a 15-hour basistraining record."""
    with store.transaction() as tx:
        ids = [tx.table("volunteers").insert({
            "name": n, "step": "actief", "max_cases": 2, "street": "Havenstraat 1", "postcode": "7400 ZZ",
            "phone": "0611111111", "email": f"{n.lower()}@example.nl", "languages": ["Nederlands"],
            "availability": ["di-avond"], "experience": {}, "knows": [], **extra}) for n in names]
        if trained:
            basis = [t.doc_id for t in tx.table("trainings").all() if t.get("kind") == "basistraining"]
            training = basis[0] if basis else tx.table("trainings").insert(
                {"name": "Basistraining", "kind": "basistraining", "hours": 15, "validity_months": None})
            for vid in ids:
                tx.table("training_records").insert({"volunteer_id": vid, "training_id": training, "date": "2025-01-10",
                                                      "hours": 15})
    return ids
