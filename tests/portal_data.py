"""A small programme for the portal, access and privacy tests: two volunteers who each have a
case of their own (and share a third volunteer), a proposal for each, two partners, claims,
events, trainings and a published protocol. Written through the areas' own functions."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import repo as case_repo
from buurtbemiddeling.matching import proposals
from buurtbemiddeling.protocols import documents

from tests.conftest import signed_in_client, stored_once

PASSWORD = "een lang wachtwoord"
COORDINATOR = "coordinator@lindenhoven.example"
ANNA = "anna@vrijwilligers.example"  # volunteer A
BERT = "bert@vrijwilligers.example"  # volunteer B, "the volunteer of another case"
PETRA = "petra@politie.example"  # partner: Politie Lindenhoven
WILLEM = "willem@woonstichting.example"  # partner: Woonstichting De Linde


@dataclass
class Programme:
    anna: int  # volunteer ids
    bert: int
    cor: int
    case_a: int  # Anna and Cor; referred by the police
    case_b: int  # Bert and Cor; referred by the housing corporation
    case_c: int  # intake, proposed to Anna and Bert
    case_d: int  # intake, proposed to Bert and Cor
    proposal_c: int
    proposal_d: int
    police: int  # partner ids
    housing: int
    claim_b: int
    event_a: int
    event_b: int
    record_b: int
    protocol: int
    user_anna: str
    user_bert: str
    user_petra: str
    user_willem: str
    coordinator: str


class _System:
    id = None
    name = "Systeem"
    email = ""


def _party(name: str, street: str, phone: str, email: str = "") -> dict:
    return {"name": name, "street": street, "postcode": "7412 AB", "place": "Lindenhoven", "phone": phone,
            "email": email, "household": "gezin", "tenure": "huur", "landlord": "Woonstichting De Linde",
            "language": ""}


def _case(store, parties, referrer, duo, step, **extra) -> int:
    steps = {"intake": ("aangemeld", "intake"), "gesprek-a": ("aangemeld", "intake", "gekoppeld", "gesprek-a")}[step]
    case_id, _ = case_repo.create_case(store, {
        "parties": parties, "conflict_types": ["geluidsoverlast"], "wijk": "centrum", "referrer": referrer,
        "description": f"{parties[0]['name']} hoort elke nacht harde muziek bij {parties[1]['name']}.",
        "duo": duo, "intake": {"decision": "geschikt", "checklist": [], "advice": "Interne intakenotitie", "reason": ""},
        **extra}, _System(), steps=steps)
    return case_id


def _account(store, email: str, role: str, name: str, **link) -> str:
    user = users.create_account(store, email, role, name, **link)
    users.set_password(store, user.id, PASSWORD)
    return user.id


def build(store) -> Programme:
    coordinator = users.create_user(store, COORDINATOR, PASSWORD, "coordinator", "Carla Coördinator").id
    with store.transaction() as tx:
        volunteers = tx.table("volunteers")
        anna = volunteers.insert({"name": "Anna Akkerman", "email": ANNA, "phone": "0611111111", "step": "actief"})
        bert = volunteers.insert({"name": "Bert Bakker", "email": BERT, "phone": "0622222222", "step": "actief"})
        cor = volunteers.insert({"name": "Cor Claassen", "email": "cor@vrijwilligers.example", "phone": "0633333333",
                                 "step": "actief"})
        partners = tx.table("partners")
        police = partners.insert({"name": "Politie Lindenhoven", "type": "politie"})
        housing = partners.insert({"name": "Woonstichting De Linde", "type": "woningcorporatie"})
        claims = tx.table("expense_claims")
        claims.insert({"volunteer_id": anna, "date": "2026-01-10", "amount_cents": 1250,
                       "description": "Reiskosten gesprek Anna", "status": "ingediend"})
        claim_b = claims.insert({"volunteer_id": bert, "date": "2026-01-11", "amount_cents": 800,
                                 "description": "Reiskosten gesprek Bert", "status": "ingediend"})
        events = tx.table("events")
        event_a = events.insert({"kind": "intervisie", "title": "Intervisie voor Anna", "date": "2099-03-01",
                                 "start": "19:30", "end": "21:30", "place": "Buurthuis", "invitees": [anna, cor]})
        event_b = events.insert({"kind": "uitje", "title": "Uitje voor Bert", "date": "2099-04-01",
                                 "start": "10:00", "end": "16:00", "place": "Dierenpark", "invitees": [bert]})
        trainings = tx.table("trainings")
        basis = trainings.insert({"name": "Basistraining", "kind": "basistraining", "hours": 15, "validity_months": None})
        records = tx.table("training_records")
        records.insert({"volunteer_id": anna, "training_id": basis, "date": "2025-05-01", "hours": 15, "certificate": None})
        record_b = records.insert({"volunteer_id": bert, "training_id": basis, "date": "2025-06-01", "hours": 15,
                                   "certificate": None})
    police_ref = {"type": "politie", "organisation": "Politie Lindenhoven", "person": "Wijkagent Bosman",
                  "phone": "0900-8844", "email": "bosman@politie.example", "partner_id": police}
    housing_ref = {"type": "woningcorporatie", "organisation": "Woonstichting De Linde", "person": "Ria Verhuur",
                   "phone": "", "email": "", "partner_id": housing}
    case_a = _case(store, [_party("Henk Huisman", "Lindelaan 1", "0644444444", "henk@bewoners.example"),
                           _party("Ilse Ijzer", "Lindelaan 3", "0655555555")], police_ref, [anna, cor], "gesprek-a")
    case_b = _case(store, [_party("Greet Groen", "Kerkstraat 8", "0666666666", "greet@bewoners.example"),
                           _party("Jan Jansen", "Kerkstraat 10", "0677777777")], housing_ref, [bert, cor], "gesprek-a")
    case_c = _case(store, [_party("Karin Kok", "Molenweg 2", "0688888888"), _party("Lars Lind", "Molenweg 4", "")],
                   {"type": "zelfmelder", "organisation": "", "person": "", "phone": "", "email": ""}, [], "intake")
    case_d = _case(store, [_party("Mila Mol", "Dorpsstraat 5", "0699999999"), _party("Nico Noord", "Dorpsstraat 7", "")],
                   {"type": "zelfmelder", "organisation": "", "person": "", "phone": "", "email": ""}, [], "intake")
    names = {anna: "Anna Akkerman", bert: "Bert Bakker", cor: "Cor Claassen"}
    proposal_c = proposals.propose(store, case_c, [anna, bert], names, score=80, reasons=[], user=_System())
    proposal_d = proposals.propose(store, case_d, [bert, cor], names, score=75, reasons=[], user=_System())
    author = documents.Author(coordinator, "Carla Coördinator")
    protocol = documents.create(store, "Werkwijze bemiddelaars", "# Werkwijze\n\n## Checklist\n\n- Samen gaan\n- Neutraal blijven\n",
                                "", author)
    documents.publish(store, protocol, 1, author)
    return Programme(
        anna=anna, bert=bert, cor=cor, case_a=case_a, case_b=case_b, case_c=case_c, case_d=case_d,
        proposal_c=proposal_c, proposal_d=proposal_d, police=police, housing=housing, claim_b=claim_b,
        event_a=event_a, event_b=event_b, record_b=record_b, protocol=protocol,
        user_anna=_account(store, ANNA, "volunteer", "Anna Akkerman", volunteer_id=anna),
        user_bert=_account(store, BERT, "volunteer", "Bert Bakker", volunteer_id=bert),
        user_petra=_account(store, PETRA, "partner", "Petra Politie", partner_id=police),
        user_willem=_account(store, WILLEM, "partner", "Willem Wonen", partner_id=housing),
        coordinator=coordinator,
    )


def login(client, email: str) -> None:
    response = client.post("/beheer/inloggen", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"login as {email} failed"


@pytest.fixture
def programme(store):
    """The programme in the test's store (import this fixture into a test module)."""
    return build(store)


shared_programme = stored_once(build)  # for the tests that only read (`module_app`)


@pytest.fixture(scope="module")
def shared_anna(module_app, shared_programme):
    """A client of `module_app` signed in as Anna, for the tests that only read."""
    return signed_in_client(module_app, ANNA, PASSWORD)


@pytest.fixture(scope="module")
def shared_coordinator(module_app, shared_programme):
    """A client of `module_app` signed in as the programme's coordinator, for the tests that only read."""
    return signed_in_client(module_app, COORDINATOR, PASSWORD)


@pytest.fixture
def coordinator(client, programme):
    """The test client, logged in as the coordinator."""
    login(client, COORDINATOR)
    return client
