"""Appointments of a case: planned from its page, asked about when the step moves on, on
Vandaag, in the volunteer's own calendar feed (read with vobject, not the icalendar library
that writes it) and on the handover."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import vobject

from common import clock
from buurtbemiddeling.cases import appointments, repo
from tests.portal_data import ANNA, BERT, coordinator, login, programme  # noqa: F401 (fixtures)


def html(response):
    return response.get_data(as_text=True)


def plan(client, case_id, **changes):
    data = {"kind": "gesprek-a", "date": clock.today().isoformat(), "start": "19:30", "end": "20:30",
            "place": "Bij partij A thuis", **changes}
    data["volunteers"] = [str(v) for v in data.pop("volunteers", None) or []]
    return client.post(f"/beheer/zaken/{case_id}/afspraken", data=data)


def stored(store, case_id):
    return appointments.of_case(appointments.all_of(store.read()), case_id)


def test_a_planned_appointment_is_stored_on_the_case_page_and_its_timeline(coordinator, store, programme):
    response = plan(coordinator, programme.case_a, volunteers=[programme.anna, programme.cor])
    assert response.status_code == 303
    [found] = stored(store, programme.case_a)
    assert (found["kind"], found["start"], found["place"], found["volunteers"], found["status"]) == \
        ("gesprek-a", "19:30", "Bij partij A thuis", [programme.anna, programme.cor], "gepland")
    page = html(coordinator.get(f"/beheer/zaken/{programme.case_a}"))
    section = page[page.index('id="afspraken"'):page.index('id="gegevens"')]
    assert "Gesprek partij A" in section and "Bij partij A thuis" in section and "Anna Akkerman" in section
    assert any("Gepland: Gesprek partij A" in (e.get("note") or "") for e in repo.timeline(store.read(), programme.case_a))


def test_an_appointment_in_the_past_without_place_is_refused_in_dutch_keeping_what_was_typed(coordinator, store, programme):
    yesterday = (clock.today() - dt.timedelta(days=1)).isoformat()
    response = plan(coordinator, programme.case_a, date=yesterday, place="", start="19:30", volunteers=[programme.anna])
    assert response.status_code == 422
    page = html(response)
    assert "Deze datum is al voorbij" in page and "Vul in waar het gesprek is" in page
    assert 'value="19:30"' in page and f'value="{yesterday}"' in page
    assert stored(store, programme.case_a) == []


def test_only_the_cases_duo_can_be_sent_to_an_appointment(coordinator, store, programme):
    response = plan(coordinator, programme.case_a, volunteers=[programme.bert])
    assert response.status_code == 422
    assert "Kies bemiddelaars uit het duo van deze zaak" in html(response)


def test_moving_on_asks_whether_the_planned_talk_took_place(coordinator, store, programme):
    plan(coordinator, programme.case_a, volunteers=[programme.anna, programme.cor])
    page = html(coordinator.get(f"/beheer/zaken/{programme.case_a}"))
    assert "Heeft het gesprek met partij A van" in page

    refused = coordinator.post(f"/beheer/zaken/{programme.case_a}/stap", data={"to": "gesprek-b"})
    assert refused.status_code == 422 and "heeft plaatsgevonden" in html(refused)
    assert repo.get_case(store.read(), programme.case_a)["step"] == "gesprek-a"

    coordinator.post(f"/beheer/zaken/{programme.case_a}/stap", data={"to": "gesprek-b", "took_place": "nee"})
    assert repo.get_case(store.read(), programme.case_a)["step"] == "gesprek-a"
    assert stored(store, programme.case_a)[0]["status"] == "niet-doorgegaan"

    plan(coordinator, programme.case_a, volunteers=[programme.anna])
    moved = coordinator.post(f"/beheer/zaken/{programme.case_a}/stap", data={"to": "gesprek-b", "took_place": "ja"})
    assert moved.status_code == 303
    assert repo.get_case(store.read(), programme.case_a)["step"] == "gesprek-b"
    assert [a["status"] for a in stored(store, programme.case_a)] == ["niet-doorgegaan", "gehouden"]


def test_vandaag_lists_the_appointments_of_today_and_tomorrow_only(coordinator, store, programme):
    today = clock.today()
    plan(coordinator, programme.case_a, volunteers=[programme.anna], start="09:00", place="Buurthuis De Linde")
    plan(coordinator, programme.case_b, kind="gesprek-b", volunteers=[programme.bert],
         date=(today + dt.timedelta(days=1)).isoformat(), place="Bij partij B thuis")
    plan(coordinator, programme.case_b, volunteers=[programme.bert], date=(today + dt.timedelta(days=3)).isoformat(),
         place="Over drie dagen")
    page = html(coordinator.get("/beheer/"))
    panel = page[page.index("Afspraken vandaag en morgen"):]
    panel = panel[:panel.index("</section>")]
    assert "Vandaag 09:00 · Gesprek partij A" in panel and "Buurthuis De Linde" in panel
    assert "Morgen 19:30 · Gesprek partij B" in panel
    assert "Over drie dagen" not in panel


def feed_of(client, email):
    login(client, email)
    client.post("/portaal/agenda")
    home = html(client.get("/portaal/"))
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', home).group(1)
    client.post("/beheer/uitloggen")
    return url.split("localhost", 1)[1]


def test_each_volunteers_own_feed_carries_their_appointments_with_case_number_and_place_only(client, store, programme):
    login(client, "coordinator@lindenhoven.example")
    plan(client, programme.case_a, volunteers=[programme.anna], place="Bij partij A thuis")
    plan(client, programme.case_b, volunteers=[programme.bert], place="Kerkstraat 8")
    client.post("/beheer/uitloggen")
    anna_url = feed_of(client, ANNA)

    response = client.get(anna_url)  # a calendar app: no login
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = vobject.readOne(response.get_data(as_text=True))
    number = repo.get_case(store.read(), programme.case_a)["number"]
    found = {(e.summary.value, e.location.value if hasattr(e, "location") else "") for e in calendar.vevent_list}
    assert (f"Gesprek partij A · zaak {number}", "Bij partij A thuis") in found
    assert ("Intervisie: Intervisie voor Anna", "Buurthuis") in found  # her activity too
    assert all("Kerkstraat" not in location for _, location in found)  # Bert's appointment is not hers
    start = next(e.dtstart.value for e in calendar.vevent_list if e.summary.value.startswith("Gesprek"))
    local = start.astimezone(ZoneInfo("Europe/Amsterdam"))  # the zone travels with the time
    assert (local.date(), local.strftime("%H:%M")) == (clock.today(), "19:30")
    body = response.get_data(as_text=True)
    for name in ("Henk", "Huisman", "Ilse", "Ijzer", "Greet"):
        assert name not in body
    assert client.get("/portaal/agenda/" + "x" * 32 + ".ics").status_code == 404


def test_a_new_feed_address_retires_the_old_one(client, store, programme):
    first = feed_of(client, ANNA)
    second = feed_of(client, ANNA)
    assert first != second
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200


def test_the_handover_lists_the_appointments_and_when_to_call_the_parties(client, store, programme):
    with store.transaction() as tx:
        case = tx.table("cases").get(doc_id=programme.case_a)
        parties = [dict(case["parties"][0], call_time="avond"), case["parties"][1]]
        tx.table("cases").update({"parties": parties}, doc_ids=[programme.case_a])
    login(client, "coordinator@lindenhoven.example")
    plan(client, programme.case_a, volunteers=[programme.anna], place="Bij partij A thuis")
    client.post("/beheer/uitloggen")
    login(client, ANNA)
    page = html(client.get(f"/portaal/zaken/{programme.case_a}"))
    sheet = page[page.index('class="handover-sheet"'):]
    assert "Bij voorkeur bellen" in sheet and "avond" in sheet
    assert f"Gesprek partij A</strong>: {clock.today().strftime('%d-%m-%Y')} om 19:30–20:30, Bij partij A thuis" in sheet


def test_a_report_carries_the_residents_best_time_to_call_into_the_case():
    from buurtbemiddeling.cases import records
    fields = records.from_report({"values": {"name": "Anna", "contact_time": ["ochtend", "avond"]}}, 1)
    assert fields["parties"][0]["call_time"] == "ochtend, avond"


def test_the_case_pages_one_primary_button_is_the_next_action(client, store, programme):
    login(client, "coordinator@lindenhoven.example")
    page = html(client.get(f"/beheer/zaken/{programme.case_c}"))  # intake: suitable, no duo yet
    primaries = re.findall(r'class="button"[^>]*>([^<]+)<', page[page.index('id="voortgang"'):page.index('id="afspraken"')])
    assert primaries == ["Twee bemiddelaars kiezen"] and 'href="#duo">Twee bemiddelaars kiezen' in page
    with store.transaction() as tx:
        tx.table("cases").update({"intake": {"decision": "", "checklist": []}}, doc_ids=[programme.case_c])
    page = html(client.get(f"/beheer/zaken/{programme.case_c}"))
    primaries = re.findall(r'class="button"[^>]*>([^<]+)<', page[page.index('id="voortgang"'):page.index('id="afspraken"')])
    assert primaries == ["Intake afronden: geschikt of ongeschikt?"]
    page = html(client.get(f"/beheer/zaken/{programme.case_a}"))  # gesprek-a
    section = page[page.index('id="voortgang"'):page.index('id="afspraken"')]
    assert re.findall(r'<button type="submit" class="button">([^<]+)<', section) == ["Naar gesprek partij B"]


def test_closing_is_prefilled_with_what_nazorg_recorded_per_party(client, store, programme):
    from buurtbemiddeling.quality import nazorg
    with store.transaction() as tx:
        tx.table("cases").update({"step": "nazorg"}, doc_ids=[programme.case_a])
    nazorg.save(store, programme.case_a, {"party": 0, "contacted_on": "2026-11-30", "by_whom": "Anna Akkerman",
                                          "holds": "ja", "satisfaction": 4, "note": "Het is rustig."},
                by="Carla", at=clock.now())
    login(client, "coordinator@lindenhoven.example")
    page = html(client.get(f"/beheer/zaken/{programme.case_a}"))
    form = page[page.index('id="close-form"'):]
    assert ("Gebeld op 30-11-2026 door Anna Akkerman: afspraken houden. Tevredenheid 4 – tevreden. Het is rustig."
            "</textarea>") in form
    assert re.search(r'id="close-nazorg_b"[^>]*></textarea>', form)  # party B not called yet: left to fill in
