"""The audit log for the coordinator: filtered by record, user and period, page by page; and
the views of a person's data across areas leave a line in it."""
from __future__ import annotations

import json

import pytest

from common import clock
from tests import portal_data
from tests.portal_data import coordinator, login, programme, shared_anna, shared_coordinator, shared_programme  # noqa: F401  (fixtures)


def test_the_log_shows_who_looked_at_which_case(coordinator, programme):
    coordinator.get(f"/beheer/zaken/{programme.case_a}")
    html = coordinator.get("/beheer/privacy/logboek").get_data(as_text=True)
    assert "Carla Coördinator" in html and f"case:{programme.case_a}" in html and "Bekeken" in html


def test_the_log_is_filtered_by_record(coordinator, programme):
    coordinator.get(f"/beheer/zaken/{programme.case_a}")
    coordinator.get(f"/beheer/zaken/{programme.case_b}")
    html = coordinator.get(f"/beheer/privacy/logboek?record=case:{programme.case_b}").get_data(as_text=True)
    assert f">case:{programme.case_b}<" in html and f">case:{programme.case_a}<" not in html


def test_the_log_is_filtered_by_user(client, coordinator, store, programme):
    login(client, portal_data.ANNA)
    client.get(f"/portaal/zaken/{programme.case_a}")
    client.post("/beheer/uitloggen")
    login(client, portal_data.COORDINATOR)
    html = client.get(f"/beheer/privacy/logboek?gebruiker={programme.user_anna}").get_data(as_text=True)
    assert "Anna Akkerman" in html and "Carla Coördinator</td>" not in html


def test_the_log_is_filtered_by_period(coordinator, store, programme):
    with clock.using("2026-02-10T12:00:00+00:00"):
        store.audit(programme.coordinator, "view", "case:901")
    with clock.using("2026-04-10T12:00:00+00:00"):
        store.audit(programme.coordinator, "view", "case:902")
    html = coordinator.get("/beheer/privacy/logboek?van=2026-02-01&tot=2026-02-28").get_data(as_text=True)
    assert ">case:901<" in html and ">case:902<" not in html


def test_a_period_that_ends_before_it_starts_is_explained(shared_coordinator):
    response = shared_coordinator.get("/beheer/privacy/logboek?van=2026-03-01&tot=2026-02-01")
    assert response.status_code == 422 and "vóór de begindatum" in response.get_data(as_text=True)


def test_the_log_comes_in_pages_of_fifty(coordinator, store, programme):
    for n in range(120):
        store.audit(programme.coordinator, "view", f"case:{1000 + n}")
    first = coordinator.get("/beheer/privacy/logboek?gebruiker=" + programme.coordinator).get_data(as_text=True)
    assert "Pagina 1 van 3" in first and 'rel="next"' in first
    last = coordinator.get(f"/beheer/privacy/logboek?gebruiker={programme.coordinator}&pagina=3").get_data(as_text=True)
    assert "Pagina 3 van 3" in last and 'rel="prev"' in last and ">case:1000<" in last


def test_the_log_is_for_the_coordinator_only(module_app, shared_anna):
    assert "/beheer/inloggen" in module_app.test_client().get("/beheer/privacy/logboek").headers["Location"]
    assert shared_anna.get("/beheer/privacy/logboek").status_code == 403


@pytest.mark.parametrize("path, record", [
    ("/beheer/zaken/{case}", "case:{case}"),
    ("/beheer/zaken/{case}/gegevens", "case:{case}"),
    ("/beheer/zaken/{case}/koppelen", "case:{case}"),
    ("/beheer/zaken/{case}/overdracht", "case:{case}"),
    ("/beheer/zaken/{case}/nabespreking", "case:{case}"),
    ("/beheer/zaken/{case}/nazorg", "case:{case}"),
    ("/beheer/vrijwilligers/{volunteer}", "volunteer:{volunteer}"),
    ("/beheer/kwaliteit/vrijwilliger/{volunteer}", "volunteer:{volunteer}"),
    ("/beheer/zaken/export.csv", "cases"),
])
def test_every_view_and_export_of_a_persons_data_is_audited(coordinator, store, programme, path, record):
    ids = {"case": programme.case_a, "volunteer": programme.anna}
    assert coordinator.get(path.format(**ids)).status_code == 200
    assert store.audit_entries(user=programme.coordinator, record=record.format(**ids))


def test_a_change_to_a_case_is_audited(coordinator, store, programme):
    coordinator.post(f"/beheer/zaken/{programme.case_a}/notitie", data={"text": "Gebeld met de wijkagent"})
    entry = store.audit_entries(user=programme.coordinator, record=f"case:{programme.case_a}")[0]
    assert entry["action"] == "update" and entry["what"] == "cases.add_note"
    assert "wijkagent" not in str(entry)


# -- searching by case number and by name ------------------------------------------------------
# The log keeps record keys (case:12); a case number or a party's name is resolved to them through
# the data when searching, and never written to the log.

def _number(store, case_id: int) -> str:
    return store.read().table("cases").get(doc_id=case_id)["number"]


def _rows(html: str) -> str:
    return html[html.index("<tbody>"):] if "<tbody>" in html else ""


def test_the_log_finds_a_case_by_its_number_as_shown(coordinator, store, programme):
    coordinator.get(f"/beheer/zaken/{programme.case_a}")
    coordinator.get(f"/beheer/zaken/{programme.case_b}")
    number = _number(store, programme.case_a)
    html = coordinator.post("/beheer/privacy/logboek", data={"record": number}).get_data(as_text=True)
    rows = _rows(html)
    assert f">case:{programme.case_a}<" in rows and f">case:{programme.case_b}<" not in rows
    assert f"zaak {number}" in rows and "Bekeken" in rows
    # A link to a case number (no name in it) works as a plain GET too.
    rows = _rows(coordinator.get(f"/beheer/privacy/logboek?record={number}").get_data(as_text=True))
    assert f">case:{programme.case_a}<" in rows and f">case:{programme.case_b}<" not in rows


@pytest.mark.parametrize("typed", ["Henk Huisman", "huisman", "Ilse IJzer", "06-44444444", "henk@bewoners.example"])
def test_the_log_finds_a_case_by_a_partys_name_phone_or_email(coordinator, store, programme, typed):
    coordinator.get(f"/beheer/zaken/{programme.case_a}")
    coordinator.get(f"/beheer/zaken/{programme.case_b}")
    response = coordinator.post("/beheer/privacy/logboek", data={"record": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = _rows(html)
    assert f">case:{programme.case_a}<" in rows and f">case:{programme.case_b}<" not in rows
    assert f"Zaak {_number(store, programme.case_a)}" in html  # what the name stood for is shown


def test_a_name_searched_in_the_log_stays_out_of_the_log_and_the_url(coordinator, store, programme):
    coordinator.get(f"/beheer/zaken/{programme.case_a}")
    html = coordinator.get("/beheer/privacy/logboek").get_data(as_text=True)
    assert 'id="audit-filters" method="post"' in html
    coordinator.post("/beheer/privacy/logboek", data={"record": "Henk Huisman"})
    entry = store.audit_entries(user=programme.coordinator)[0]
    assert entry["action"] == "privacy.search" and entry["page"] == "logboek"
    assert f"case:{programme.case_a}" in entry["found"]
    assert "Huisman" not in json.dumps(store.audit_entries())


def test_a_name_nobody_has_finds_nothing_and_says_so(coordinator, programme):
    coordinator.get(f"/beheer/zaken/{programme.case_a}")
    html = coordinator.post("/beheer/privacy/logboek", data={"record": "Zwaantje Zwart"}).get_data(as_text=True)
    assert "Geen zaak of persoon gevonden met ‘Zwaantje Zwart’" in html and "<tbody>" not in html
    assert 'value="Zwaantje Zwart"' in html  # what was typed stays in the box


def test_a_two_letter_name_is_explained_and_kept(shared_coordinator):
    response = shared_coordinator.post("/beheer/privacy/logboek", data={"record": "He"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "minstens 3 tekens" in html and 'value="He"' in html


def test_a_searched_log_pages_by_posting_the_search_again(coordinator, store, programme):
    for n in range(60):
        store.audit(programme.coordinator, "view", f"case:{programme.case_a}")
    store.audit(programme.coordinator, "view", f"case:{programme.case_b}")
    first = coordinator.post("/beheer/privacy/logboek", data={"record": "Henk Huisman"}).get_data(as_text=True)
    assert "Pagina 1 van 2" in first and 'form="audit-filters" name="pagina" value="2"' in first
    second = coordinator.post("/beheer/privacy/logboek", data={"record": "Henk Huisman", "pagina": "2"}).get_data(as_text=True)
    assert "Pagina 2 van 2" in second and f">case:{programme.case_a}<" in _rows(second)
    assert f">case:{programme.case_b}<" not in _rows(second)
