"""The portal: a volunteer sees and works on only their own cases; a partner sees only the
stage and outcome of what their organisation referred."""
from __future__ import annotations

import pytest

from common import clock
from buurtbemiddeling.matching import proposals
from buurtbemiddeling.protocols import documents
from buurtbemiddeling.cases import repo as case_repo
from tests import portal_data
from tests.portal_data import ANNA, BERT, PETRA, WILLEM, login, programme, shared_anna, shared_programme  # noqa: F401  (fixtures)

TODAY = clock.today().isoformat()


@pytest.fixture
def anna(client, programme):
    login(client, ANNA)
    return client


def test_a_volunteer_lands_on_the_portal_after_login(client, programme):
    response = client.post("/beheer/inloggen", data={"email": ANNA, "password": portal_data.PASSWORD})
    assert response.headers["Location"] == "/portaal/"


def test_a_partner_lands_on_the_portal_after_login(client, programme):
    response = client.post("/beheer/inloggen", data={"email": PETRA, "password": portal_data.PASSWORD})
    assert response.headers["Location"] == "/portaal/"


def test_a_coordinator_who_opens_the_portal_goes_to_the_admin(client, programme):
    login(client, portal_data.COORDINATOR)
    assert client.get("/portaal/").headers["Location"] == "/beheer/"


def test_an_anonymous_visitor_is_sent_to_the_login(module_app, shared_programme):
    response = module_app.test_client().get(f"/portaal/zaken/{shared_programme.case_a}")
    assert response.status_code == 302 and "/beheer/inloggen" in response.headers["Location"]


def test_a_volunteer_sees_only_their_own_cases_on_the_portal(shared_anna, shared_programme, module_app):
    anna, programme, store = shared_anna, shared_programme, module_app.extensions["store"]
    html = anna.get("/portaal/").get_data(as_text=True)
    own = store.read().table("cases").get(doc_id=programme.case_a)["number"]
    other = store.read().table("cases").get(doc_id=programme.case_b)["number"]
    assert f"Zaak {own}" in html
    assert f"Zaak {other}" not in html
    assert "Greet Groen" not in html


def test_the_portal_shows_no_admin_navigation_to_a_volunteer(shared_anna):
    html = shared_anna.get("/portaal/").get_data(as_text=True)
    assert 'aria-label="Portaal"' in html
    assert "/beheer/zaken/" not in html and "/beheer/budget/" not in html


def test_a_volunteer_reads_the_handover_of_their_case_but_not_the_referrer_or_intake_notes(anna, programme, store):
    html = anna.get(f"/portaal/zaken/{programme.case_a}").get_data(as_text=True)
    assert "Henk Huisman" in html and "Lindelaan 1" in html and "0644444444" in html
    assert "Wijkagent Bosman" not in html
    assert "henk@bewoners.example" not in html
    assert "Interne intakenotitie" not in html
    assert store.audit_entries(user=programme.user_anna, record=f"case:{programme.case_a}")[0]["action"] == "view"


def test_a_volunteer_cannot_open_another_volunteers_case_by_changing_the_id(shared_anna, shared_programme):
    anna, programme = shared_anna, shared_programme
    assert anna.get(f"/portaal/zaken/{programme.case_b}").status_code == 404
    assert anna.get(f"/portaal/zaken/{programme.case_b}/nabespreking").status_code == 404
    assert anna.get(f"/portaal/zaken/{programme.case_b}/overdracht.pdf").status_code == 404
    assert anna.post(f"/portaal/zaken/{programme.case_b}/contact", data={"summary": "x"}).status_code == 404
    assert anna.get("/portaal/zaken/999").status_code == 404


def test_a_volunteer_logs_a_contact_with_its_minutes_on_the_case_timeline(anna, programme, store):
    response = anna.post(f"/portaal/zaken/{programme.case_a}/contact", data={
        "date": TODAY, "with": "partij-a", "channel": "huisbezoek", "minutes": "1:30",
        "summary": "Eerste gesprek bij Henk; hij wil praten."})
    assert response.status_code == 303
    view = store.read()
    events = [e for e in view.table("case_events").all() if e.get("case_id") == programme.case_a and e["kind"] == "contact"]
    assert events[-1]["via"] == "portaal" and events[-1]["volunteer_id"] == programme.anna
    assert events[-1]["minutes"] == 90
    case = view.table("cases").get(doc_id=programme.case_a)
    assert case_repo.case_with_activity(view, case)["minutes"] == 90
    assert "Eerste gesprek bij Henk" in anna.get(f"/portaal/zaken/{programme.case_a}").get_data(as_text=True)


def test_a_contact_without_a_summary_is_refused_and_what_was_typed_stays(anna, programme):
    response = anna.post(f"/portaal/zaken/{programme.case_a}/contact", data={
        "date": TODAY, "with": "partij-b", "channel": "telefoon", "minutes": "25", "summary": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Schrijf kort wat er besproken is." in html
    assert 'value="25"' in html


def test_a_volunteer_cannot_log_a_call_with_the_referrer(anna, programme):
    response = anna.post(f"/portaal/zaken/{programme.case_a}/contact", data={
        "date": TODAY, "with": "verwijzer", "channel": "telefoon", "summary": "Gebeld"})
    assert response.status_code == 422


def test_a_volunteer_writes_the_debrief_of_a_talk(anna, programme, store):
    response = anna.post(f"/portaal/zaken/{programme.case_a}/nabespreking", data={
        "talk": "gesprek-a", "date": TODAY, "went_well": "Goed geluisterd", "hard": "",
        "checked": ["0"], "coaching_needed": "ja"})
    assert response.status_code == 303
    saved = [d for d in store.read().table("debriefs").all() if d["case_id"] == programme.case_a][-1]
    assert saved["volunteer_ids"] == [programme.anna, programme.cor]
    assert saved["coaching_needed"] is True and saved["checklist"][0] == {"item": "Samen gaan", "done": True}


def test_a_volunteer_accepts_a_proposed_duo_from_the_portal(anna, programme, store):
    html = anna.get("/portaal/").get_data(as_text=True)
    assert "Gevraagd voor een duo" in html and "Bert Bakker" in html
    assert "Karin Kok" not in html  # no names before the duo is agreed
    response = anna.post(f"/portaal/voorstellen/{programme.proposal_c}", data={"answer": "ja"})
    assert response.status_code == 303
    proposal = store.read().table(proposals.PROPOSALS).get(doc_id=programme.proposal_c)
    assert proposal["answers"][str(programme.anna)]["via"] == "portaal"
    assert proposal["status"] == "voorgesteld"


def test_the_second_yes_assigns_the_duo_and_the_case_appears_in_the_portal(client, programme, store):
    login(client, ANNA)
    client.post(f"/portaal/voorstellen/{programme.proposal_c}", data={"answer": "ja"})
    client.post("/beheer/uitloggen")
    login(client, BERT)
    client.post(f"/portaal/voorstellen/{programme.proposal_c}", data={"answer": "ja"})
    case = store.read().table("cases").get(doc_id=programme.case_c)
    assert case["duo"] == [programme.anna, programme.bert] and case["step"] == "gekoppeld"
    assert client.get(f"/portaal/zaken/{programme.case_c}").status_code == 200


def test_a_volunteer_cannot_answer_a_proposal_for_someone_else(shared_anna, shared_programme, module_app):
    anna, programme, store = shared_anna, shared_programme, module_app.extensions["store"]
    assert anna.post(f"/portaal/voorstellen/{programme.proposal_d}", data={"answer": "nee"}).status_code == 404
    assert store.read().table(proposals.PROPOSALS).get(doc_id=programme.proposal_d)["answers"] == {}


def test_the_answer_route_refuses_a_get(shared_anna, shared_programme):
    assert shared_anna.get(f"/portaal/voorstellen/{shared_programme.proposal_c}").status_code == 405


def test_a_volunteer_reads_and_acknowledges_the_published_protocol(anna, programme, store):
    assert "Nog lezen" in anna.get("/portaal/protocollen").get_data(as_text=True)
    anna.post(f"/beheer/protocollen/{programme.protocol}/gelezen")
    assert documents.acknowledged_at(store.read(), programme.protocol, 1, programme.user_anna)
    assert "Gelezen" in anna.get("/portaal/protocollen").get_data(as_text=True)


def test_a_volunteer_sees_their_own_trainings_and_events_only(shared_anna):
    html = shared_anna.get("/portaal/activiteiten").get_data(as_text=True)
    assert "Intervisie voor Anna" in html and "Basistraining" in html
    assert "Uitje voor Bert" not in html


def test_a_volunteer_submits_an_expense_claim_for_themselves_only(anna, programme, store):
    response = anna.post("/portaal/declaraties", data={
        "date": TODAY, "amount": "7,40", "description": "Parkeren bij buurthuis", "volunteer_id": str(programme.bert)})
    assert response.status_code == 303
    claim = store.read().table("expense_claims").all()[-1]
    assert claim["volunteer_id"] == programme.anna and claim["amount_cents"] == 740 and claim["status"] == "ingediend"
    html = anna.get("/portaal/declaraties").get_data(as_text=True)
    assert "Parkeren bij buurthuis" in html and "Reiskosten gesprek Anna" in html
    assert "Reiskosten gesprek Bert" not in html


def test_a_claim_without_an_amount_is_refused_and_the_text_stays(anna, programme):
    response = anna.post("/portaal/declaraties", data={"date": TODAY, "amount": "", "description": "Treinkaartje"})
    assert response.status_code == 422
    assert "Treinkaartje" in response.get_data(as_text=True)


def test_a_volunteer_account_without_a_volunteer_link_sees_no_cases(client, app, programme):
    from buurtbemiddeling.auth import users

    users.create_user(app.extensions["store"], "los@vrijwilligers.example", portal_data.PASSWORD, "volunteer", "Los")
    login(client, "los@vrijwilligers.example")
    html = client.get("/portaal/").get_data(as_text=True)
    assert "nog niet gekoppeld" in html
    assert client.post("/portaal/declaraties", data={"amount": "5"}).status_code == 403


def test_a_partner_sees_stage_and_outcome_of_their_referred_cases_but_no_content(client, programme, store):
    login(client, PETRA)
    html = client.get("/portaal/").get_data(as_text=True)
    own = store.read().table("cases").get(doc_id=programme.case_a)["number"]
    other = store.read().table("cases").get(doc_id=programme.case_b)["number"]
    assert own in html and "Gesprek partij A" in html
    assert other not in html
    for secret in ("Henk Huisman", "Lindelaan", "harde muziek", "Wijkagent Bosman", "Anna Akkerman"):
        assert secret not in html


def test_a_partner_cannot_open_a_volunteers_pages(client, programme):
    login(client, WILLEM)
    for url in (f"/portaal/zaken/{programme.case_b}", "/portaal/declaraties", "/portaal/protocollen",
                "/portaal/activiteiten"):
        assert client.get(url).status_code == 403, url


def test_a_volunteer_links_a_claim_to_their_own_case_only(anna, programme, store):
    view = store.read()
    own, other = (view.table("cases").get(doc_id=c)["number"] for c in (programme.case_a, programme.case_b))
    page = anna.get("/portaal/declaraties").get_data(as_text=True)
    assert f'<option value="{own}">Zaak {own}</option>' in page and other not in page
    refused = anna.post("/portaal/declaraties", data={"date": TODAY, "amount": "3", "description": "Bus", "case": other})
    assert refused.status_code == 422 and f"‘{other}’ is geen zaaknummer" in refused.get_data(as_text=True)
    assert anna.post("/portaal/declaraties", data={"date": TODAY, "amount": "3", "description": "Bus naar Henk",
                                                   "case": own}).status_code == 303
    claim = store.read().table("expense_claims").all()[-1]
    assert claim["case_id"] == programme.case_a and claim["description"] == "Bus naar Henk"
    assert f"zaak {own}" in anna.get("/portaal/declaraties").get_data(as_text=True)


def test_a_volunteer_answers_an_invitation_and_the_coordinator_sees_it_on_the_event(client, anna, programme, store):
    page = anna.get("/portaal/activiteiten").get_data(as_text=True)
    assert "Intervisie voor Anna" in page and "Komt u?" in page
    refused = anna.post(f"/portaal/activiteiten/{programme.event_a}/antwoord", data={"reason": "Op vakantie"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Kies ‘Ik kom’ of ‘Ik kom niet’." in html and 'value="Op vakantie"' in html
    response = anna.post(f"/portaal/activiteiten/{programme.event_a}/antwoord",
                         data={"answer": "komt-niet", "reason": "Op vakantie"})
    assert response.status_code == 303
    answer = store.read().table("events").get(doc_id=programme.event_a)["answers"][str(programme.anna)]
    assert (answer["answer"], answer["reason"]) == ("komt-niet", "Op vakantie")
    assert "Uw antwoord: <span class=\"status status-warning\">Komt niet</span> — Op vakantie" in \
        anna.get("/portaal/activiteiten").get_data(as_text=True)
    assert any(e["action"] == "answer" for e in store.audit_entries(record=f"event:{programme.event_a}"))

    portal_data.login(client, portal_data.COORDINATOR)
    event = client.get(f"/beheer/vrijwilligers/activiteiten/{programme.event_a}").get_data(as_text=True)
    assert "0 komt, 1 komt niet, 1 nog geen antwoord" in event
    row = event[event.index("Anna Akkerman"):]
    assert "Komt niet" in row[:400] and "Op vakantie" in row[:400]


def test_a_volunteer_cannot_answer_an_invitation_meant_for_someone_else_or_one_that_is_past(anna, programme, store):
    assert anna.post(f"/portaal/activiteiten/{programme.event_b}/antwoord", data={"answer": "komt"}).status_code == 404
    assert "answers" not in store.read().table("events").get(doc_id=programme.event_b)
    with store.transaction() as tx:
        tx.table("events").update({"date": "2020-01-01"}, doc_ids=[programme.event_a])
    late = anna.post(f"/portaal/activiteiten/{programme.event_a}/antwoord", data={"answer": "komt"})
    assert late.status_code == 422 and "al geweest" in late.get_data(as_text=True)


def test_the_case_list_says_what_where_which_step_and_the_next_appointment_without_party_data(anna, programme, store):
    import datetime as dt
    from buurtbemiddeling.cases import appointments

    soon, later = clock.today() + dt.timedelta(days=3), clock.today() + dt.timedelta(days=10)
    with store.transaction() as tx:
        for day, kind in ((later, "gesprek-b"), (soon, "gesprek-a"), (clock.today() - dt.timedelta(days=2), "intake")):
            appointments.add(tx, programme.case_a, {"kind": kind, "date": day.isoformat(), "start": "19:30", "end": "",
                                                   "place": "Lindelaan 1", "volunteers": [programme.anna]}, clock.now())
    html = anna.get("/portaal/").get_data(as_text=True)
    number = store.read().table("cases").get(doc_id=programme.case_a)["number"]
    row = html[html.index(f"Zaak {number}"):]
    row = row[:row.index("</tr>")]
    assert "Geluidsoverlast<br><span class=\"meta\">Centrum</span>" in row
    assert '<span class="status status-step">Gesprek partij A</span>' in row  # the step
    assert f"<span class=\"nowrap\">{soon.strftime('%d-%m-%Y')}</span> 19:30<br><span class=\"meta\">Gesprek partij A</span>" in row  # not the past one
    for private in ("Henk Huisman", "Lindelaan", "Ilse", "0644444444", "Wijkagent"):
        assert private not in row
