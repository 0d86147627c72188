"""The audit log for the coordinator: filtered by record, user and period, page by page; and
the views of a person's data across areas leave a line in it."""
from __future__ import annotations

import pytest

from common import clock
from tests import portal_data
from tests.portal_data import coordinator, login, programme  # noqa: F401  (fixtures)


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


def test_a_period_that_ends_before_it_starts_is_explained(coordinator, programme):
    response = coordinator.get("/beheer/privacy/logboek?van=2026-03-01&tot=2026-02-01")
    assert response.status_code == 422 and "vóór de begindatum" in response.get_data(as_text=True)


def test_the_log_comes_in_pages_of_fifty(coordinator, store, programme):
    for n in range(120):
        store.audit(programme.coordinator, "view", f"case:{1000 + n}")
    first = coordinator.get("/beheer/privacy/logboek?gebruiker=" + programme.coordinator).get_data(as_text=True)
    assert "Pagina 1 van 3" in first and 'rel="next"' in first
    last = coordinator.get(f"/beheer/privacy/logboek?gebruiker={programme.coordinator}&pagina=3").get_data(as_text=True)
    assert "Pagina 3 van 3" in last and 'rel="prev"' in last and ">case:1000<" in last


def test_the_log_is_for_the_coordinator_only(client, programme):
    assert "/beheer/inloggen" in client.get("/beheer/privacy/logboek").headers["Location"]
    login(client, portal_data.ANNA)
    assert client.get("/beheer/privacy/logboek").status_code == 403


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
