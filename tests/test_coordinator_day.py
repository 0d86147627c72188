"""The coordinator's day: contact attempts with their outcome, "in de wacht tot" with a
reminder on Vandaag, the phone-report form worded for the coordinator, the first run."""
import datetime as dt

from common import clock
from tests.test_cases_views import case_id, case_in, coordinator, html  # noqa: F401 (fixtures)


def call(client, case_id, outcome, summary="", day=None):
    return client.post(f"/beheer/zaken/{case_id}/contact", data={
        "date": (day or clock.today()).isoformat(), "with": "partij-b", "channel": "telefoon", "outcome": outcome,
        "summary": summary, "minutes": "2"})


def test_three_calls_without_reaching_party_b_are_shown_until_someone_answers(client, store, case_id):
    assert call(client, case_id, "niet-bereikt").status_code == 303  # no summary needed
    call(client, case_id, "voicemail")
    page = html(client.get(f"/beheer/zaken/{case_id}"))
    assert "Partij B: 2× niet bereikt" in page and "overweeg een brief" not in page
    call(client, case_id, "niet-bereikt")
    page = html(client.get(f"/beheer/zaken/{case_id}"))
    assert "Partij B: 3× niet bereikt</strong> — overweeg een brief" in page
    assert "Voicemail ingesproken" in page
    refused = call(client, case_id, "bereikt")
    assert refused.status_code == 422 and "Schrijf kort wat er besproken is." in html(refused)
    call(client, case_id, "bereikt", "Partij B wil praten.")
    assert "niet bereikt" not in html(client.get(f"/beheer/zaken/{case_id}")).split('id="tijdlijn-titel"')[1][:400]


def test_on_hold_until_a_date_reminds_the_coordinator_on_that_date(client, store, case_id, app):
    from common import clock as programme_clock
    today = clock.today()
    past = client.post(f"/beheer/zaken/{case_id}/wacht", data={"note": "Op vakantie", "until": today.isoformat()})
    assert past.status_code == 422 and "een datum na vandaag" in html(past) and "Op vakantie" in html(past)
    until = today + dt.timedelta(days=14)
    assert client.post(f"/beheer/zaken/{case_id}/wacht",
                       data={"note": "Op vakantie", "until": until.isoformat()}).status_code == 303
    assert case_in(store, case_id)["held_until"] == until.isoformat()
    page = html(client.get("/beheer/"))
    row = page[page.index('id="zaken-vandaag"'):]
    assert f'tot <span class="nowrap">{until.strftime("%d-%m-%Y")}</span>' in row and "Herinnering" not in row
    with programme_clock.using(programme_clock.FixedClock(until)):
        app.config["CLOCK"] = programme_clock.FixedClock(until)
        page = html(client.get("/beheer/"))
        assert "<strong class=\"tag tag-overdue\">Herinnering</strong>" in page
        case_page = html(client.get(f"/beheer/zaken/{case_id}"))
        assert "vraag de bewoner hoe het gaat" in case_page
    client.post(f"/beheer/zaken/{case_id}/heropenen", data={"note": "Bewoner belde"})
    assert case_in(store, case_id)["held_until"] is None


def test_the_phone_report_form_speaks_to_the_coordinator(client, coordinator):
    page = html(client.get("/beheer/meldingen/telefonisch"))
    assert "Naam van de buren" in page and "Naam van uw buren" not in page
    assert "De melder geeft (mondeling) toestemming" in page and "Ik ga akkoord" not in page
    assert "Wanneer is de melder het best te bellen?" in page


def test_the_first_run_page_does_not_ask_to_log_in(client):
    response = client.get("/beheer/", follow_redirects=True)
    assert response.request.path == "/beheer/eerste-keer"
    assert "Log in om deze pagina te zien." not in html(response)
