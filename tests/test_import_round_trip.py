"""Round trip: every case of a working programme exported, then imported into an empty instance
(after its volunteer pool), gives the same annual report, quality page and public Resultaten."""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import io

import pytest

from app import create_app
from buurtbemiddeling import demo
from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import repo
from buurtbemiddeling.quality import figures as quality_figures, nazorg
from buurtbemiddeling.reporting import sources
from buurtbemiddeling.volunteers import pipeline, qualifications
from common import clock, intake_term
from figures import period as periods, public

from .conftest import PASSWORD

CASE_FIGURES = ("reported", "per_month", "conflict_types", "referrers", "wijken", "closed", "outcomes", "unsuitable",
                "solved", "solved_fully", "duration", "intake_in_time", "nazorg_done", "open_at_end")


def instance(tmp_path, name):
    app = create_app({"INSTANCE_PATH": tmp_path / name, "TESTING": True, "SECRET_KEY": "test",
                      "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False, "RETENTION_AUTO_RUN": False})
    client = app.test_client()
    store = app.extensions["store"]
    if not users.has_users(store):
        users.create_user(store, "c@example.nl", PASSWORD, "coordinator", "Carla")
    return app, store, client


def login(client, email="c@example.nl", password=PASSWORD):
    assert client.post("/beheer/inloggen", data={"email": email, "password": password}).status_code == 302


def pool_csv(view) -> str:
    """The pool as the coordinator would write it for the import (there is no pool export)."""
    lines = ["Naam;E-mail;Stap;Gestart op;Actief sinds;Gestopt op;Trainingen"]
    catalogue = {t.doc_id: t["name"] for t in view.table(qualifications.TRAININGS)}
    for v in view.table(pipeline.VOLUNTEERS):
        trainings = " | ".join(f"{catalogue[r['training_id']]}: {clock.date_text(r['date'])} ({r.get('hours') or 0} uur)"
                               for r in qualifications.records_of(view, v.doc_id))
        steps = {s["step"]: s["at"][:10] for s in v.get("steps") or []}
        start = v.get("start_date") or steps.get("aangenomen")
        if v.get("step") not in ("aangenomen", "basistraining", "meeloopperiode", "actief", "inactief", "gestopt"):
            continue
        nl = lambda iso: clock.date_text(iso) if iso else ""  # noqa: E731
        lines.append(";".join([v["name"], v.get("email") or "", pipeline.LABELS[v["step"]], nl(start),
                               nl(steps.get("actief")), nl(steps.get("gestopt")) if v["step"] == "gestopt" else "",
                               trainings]))
    return "\n".join(lines) + "\n"


def renew_qualifications(store) -> None:
    """The programme keeps its mediators' VOGs valid: the import lets only eligible mediators onto running cases."""
    with store.transaction() as tx:
        lasting = {t.doc_id for t in tx.table(qualifications.TRAININGS) if t.get("validity_months")}
        records = tx.table(qualifications.RECORDS)
        recent = (clock.today() - dt.timedelta(days=30)).isoformat()
        records.update({"date": recent}, doc_ids=[r.doc_id for r in records if r["training_id"] in lasting])


def figures_of(store, year: int) -> dict:
    view = store.read()
    report = sources.report_for(view, periods.year(year), clock.today())
    cases = repo.all_cases(view)
    quality = quality_figures.compute(cases, view.table(nazorg.NAZORG).all(), year=year, today=clock.today(),
                                      working_days=intake_term.current(view))
    published = public.public_figures(cases, view.table(pipeline.VOLUNTEERS).all(), today=clock.today())
    return {"report": {name: getattr(report, name) for name in CASE_FIGURES},
            "quality": [dataclasses.asdict(f) for f in quality], "public": published}


@pytest.mark.timeout(600)
def test_every_case_exported_and_imported_into_an_empty_instance_gives_the_same_figures(tmp_path):
    old_app, old_store, old = instance(tmp_path, "oud")
    demo.fill(old_store)
    renew_qualifications(old_store)
    login(old)
    exported = old.get("/beheer/zaken/export.csv")
    assert exported.status_code == 200
    view = old_store.read()
    years = sorted({int(c["reported_at"][:4]) for c in repo.all_cases(view)})

    new_app, new_store, new = instance(tmp_path, "nieuw")
    login(new)
    with new_store.transaction() as tx:  # the same training catalogue, set up by hand in a new instance
        tx.table(qualifications.TRAININGS).insert_multiple(dict(t) for t in view.table(qualifications.TRAININGS))
    pool = pool_csv(view)
    preview = new.post("/beheer/vrijwilligers/import", data={"text": pool})
    assert preview.status_code == 200, preview.get_data(as_text=True)[-3000:]
    assert new.post("/beheer/vrijwilligers/import/bevestigen", data={"text": pool}).status_code == 303
    data = {"file": (io.BytesIO(exported.data), "zaken.csv")}
    preview = new.post("/beheer/zaken/import", data=data, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[page.find("row-errors"):][:3000]
    token = page.split('name="token" value="')[1].split('"')[0]
    done = new.post("/beheer/zaken/import/bevestigen", data={"token": token}, follow_redirects=True)
    assert f"{len(repo.all_cases(view))} zaken geïmporteerd." in done.get_data(as_text=True)
    assert len(repo.all_cases(new_store.read())) == len(repo.all_cases(view))

    for year in years:
        before, after = figures_of(old_store, year), figures_of(new_store, year)
        assert after["report"] == before["report"], year
        for a, b in zip(after["quality"], before["quality"]):
            assert a == b, (year, {k: (a[k], b[k]) for k in a if a[k] != b[k]})
    assert figures_of(new_store, years[-1])["public"] == figures_of(old_store, years[-1])["public"]
    # The pages say the same, too: the quality figures table and the report page.
    quality = f"/beheer/kwaliteit/?jaar={years[-1]}"
    assert table_of(old.get(quality)) == table_of(new.get(quality))
    report = f"/beheer/rapportages/?jaar={years[-1]}"
    old_page, new_page = (client.get(report).get_data(as_text=True) for client in (old, new))
    for section in ("meldingen", "zaken", "resultaten"):  # the case figures; the pool's history was not exported
        old_part, new_part = (section_of(page, section) for page in (old_page, new_page))
        assert old_part == new_part, list(difflib.unified_diff(old_part, new_part, n=0))[:12]


def table_of(response) -> str:
    return response.get_data(as_text=True).split('<table class="data quality-figures">')[1].split("</table>")[0]


def section_of(page: str, name: str) -> list[str]:
    """The section's lines; charts left out (pygal gives each a random id; their numbers are in the tables)."""
    lines = page.split(f'<section aria-labelledby="{name}"')[1].split("</section>")[0].splitlines()
    return [line for line in lines if 'class="chart-figure"' not in line]
