"""Small findings of the coordinator's day: a delete asks first, an expense in 2099 is refused,
"Deze week" on a Sunday shows Monday's deadline."""
import re

from buurtbemiddeling.budget import ledger
from tests.test_cases_views import case_id, coordinator  # noqa: F401 (fixtures)


def html(response):
    return response.get_data(as_text=True)


def test_an_expense_dated_in_the_future_is_refused_and_what_was_typed_stays(client, as_user, store, clock):
    as_user.coordinator()
    response = client.post("/beheer/budget/uitgaven/nieuw", data={
        "date": "2099-03-14", "line": "ruimtes_catering", "amount": "45,50", "description": "Zaalhuur"})
    assert response.status_code == 422
    assert "De datum ligt in de toekomst" in html(response) and 'value="45,50"' in html(response)
    assert store.read().table(ledger.EXPENSES).all() == []


def test_deleting_an_expense_asks_first_also_without_javascript(client, as_user, store, clock):
    as_user.coordinator()
    client.post("/beheer/budget/uitgaven/nieuw", data={
        "date": "2026-12-01", "line": "ruimtes_catering", "amount": "12,00", "description": "Koffie"})
    page = html(client.get("/beheer/budget/2026"))
    question = re.search(r'<details class="confirm-delete"><summary>Verwijderen.*?</details>', page, re.S).group(0)
    assert "Uitgave ‘Koffie’ verwijderen?" in question and ">Ja, verwijderen</button>" in question
    assert "hx-confirm" not in page  # a confirm that only htmx would ask is gone


def test_this_week_on_a_sunday_includes_mondays_deadline(client, as_user, store, clock):
    as_user.coordinator()  # the clock stands on Sunday 06-12-2026
    client.post("/beheer/planning/taken", data={"title": "Jaarverslag inleveren", "deadline": "2026-12-07"})
    page = html(client.get("/beheer/"))
    assert "Jaarverslag inleveren" in page[page.index("Prioriteiten deze week"):]


def test_the_training_select_says_where_to_make_the_catalogue(client, as_user, store):
    as_user.coordinator()
    with store.transaction() as tx:
        vid = tx.table("volunteers").insert({"name": "Sanne Wijaya", "step": "actief"})
    page = html(client.get(f"/beheer/vrijwilligers/{vid}"))
    assert "Er staan nog geen trainingen in de catalogus" in page and 'href="/beheer/vrijwilligers/trainingen"' in page


def test_the_debrief_checklist_does_not_claim_a_protocol_when_none_is_published(client, store, case_id):
    page = html(client.get(f"/beheer/zaken/{case_id}/nabespreking"))
    assert "er is nog geen protocol met een checklist gepubliceerd" in page
    assert "Uit de gepubliceerde protocollen" not in page


def test_removing_a_partners_contact_person_asks_first_also_without_javascript(client, as_user, store):
    as_user.coordinator()
    with store.transaction() as tx:
        pid = tx.table("partners").insert({"name": "GGD", "type": "ggd"})
        tx.table("partner_contacts").insert({"partner_id": pid, "name": "Jeroen van Leeuwen"})
    page = html(client.get(f"/beheer/netwerk/{pid}"))
    question = re.search(r'<details class="confirm-delete"><summary>Verwijderen.*?</details>', page, re.S).group(0)
    assert "Contactpersoon Jeroen van Leeuwen verwijderen?" in question and ">Ja, verwijderen</button>" in question
    assert "hx-confirm" not in page


def test_deleting_an_unused_list_value_asks_first_and_then_deletes(client, as_user, store):
    as_user.coordinator()
    client.post("/beheer/instellingen/lijst/wijken", data={"label": "Vogelbuurt", "label_en": "Vogelbuurt"})
    page = html(client.get("/beheer/instellingen/lijst/wijken"))
    question = re.search(r'<details class="confirm-delete"><summary>Verwijderen<span class="visually-hidden">: '
                         r'Vogelbuurt.*?</details>', page, re.S).group(0)
    assert "‘Vogelbuurt’ verwijderen?" in question and 'name="action" value="delete"' in question
    action = re.search(r'action="([^"]+)"', question).group(1)
    client.post(action, data={"action": "delete"})
    assert "Vogelbuurt" not in html(client.get("/beheer/instellingen/lijst/wijken"))
