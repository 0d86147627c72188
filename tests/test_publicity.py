"""Publiciteit: news and success stories written in the admin and published by build.py."""
from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from buurtbemiddeling.publicity import items
from sitebuilder import DEFAULT_ROOT, Site, build

ROOT = Path(__file__).resolve().parent.parent


def item(**extra):
    return {"kind": "nieuws", "lang": "nl", "title": "Nieuwe bemiddelaars getraind", "summary": "Acht nieuwe bemiddelaars.",
            "body": "Deze maand rondden **acht** bewoners de basistraining af.", "slug": "", "published": False,
            "published_on": "", "anonymised": False, **extra}


# -- rules ---------------------------------------------------------------------------

def test_an_item_needs_a_kind_title_summary_and_text_with_dutch_messages():
    doc, errors = items.check({"kind": "reclame", "title": " ", "summary": "", "body": ""})
    assert set(errors) == {"kind", "title", "summary", "body"}
    assert errors["title"] == "Vul een titel in."


def test_a_success_story_is_only_published_when_confirmed_anonymised():
    with pytest.raises(items.PublishError, match="geanonimiseerd"):
        items.publish(item(kind="verhaal"), today=datetime.date(2026, 3, 1), taken=[])
    changes = items.publish(item(kind="verhaal", anonymised=True), today=datetime.date(2026, 3, 1), taken=[])
    assert changes == {"published": True, "slug": "nieuwe-bemiddelaars-getraind", "published_on": "2026-03-01"}


def test_a_slug_is_unique_and_kept_once_given():
    changes = items.publish(item(), today=datetime.date(2026, 3, 1), taken=["nieuwe-bemiddelaars-getraind"])
    assert changes["slug"] == "nieuwe-bemiddelaars-getraind-2"
    again = items.publish(item(slug="oud-adres", published_on="2026-01-01"), today=datetime.date(2026, 3, 1), taken=[])
    assert again["slug"] == "oud-adres" and again["published_on"] == "2026-01-01"


# -- the site build ---------------------------------------------------------------------

def make_data(data_dir, docs):
    from db import Store

    store = Store(data_dir)
    with store.transaction() as tx:
        for doc in docs:
            tx.table(items.PUBLICITY).insert(doc)
    return data_dir


def built(tmp_path, docs):
    data = make_data(tmp_path / "data", docs)
    out = tmp_path / "public"
    build(Site(DEFAULT_ROOT, data_dir=data, today=datetime.date(2026, 3, 10)), out)
    return out


def test_a_published_item_appears_in_the_built_site_and_an_unpublished_one_does_not(tmp_path):
    out = built(tmp_path, [
        item(published=True, slug="nieuwe-bemiddelaars", published_on="2026-03-02"),
        item(title="Nog geheim concept", slug="concept", summary="Niet af."),
        item(kind="verhaal", title="Rust in de Merelstraat", slug="rust", summary="Twee buren praten weer.",
             body="Na twee gesprekken *praten* ze weer.", published=True, published_on="2026-02-01", anonymised=True),
    ])
    news = (out / "nieuws" / "nieuwe-bemiddelaars" / "index.html").read_text("utf-8")
    assert "Nieuwe bemiddelaars getraind" in news and "<strong>acht</strong>" in news and "2 maart 2026" in news
    listing = (out / "nieuws" / "index.html").read_text("utf-8")
    assert 'href="/nieuws/nieuwe-bemiddelaars/"' in listing
    assert not (out / "nieuws" / "concept").exists()
    assert "Nog geheim concept" not in "".join(p.read_text("utf-8") for p in out.rglob("*.html"))
    story = (out / "ervaringen" / "rust" / "index.html").read_text("utf-8")
    assert "<em>praten</em>" in story
    assert 'href="/ervaringen/rust/"' in (out / "ervaringen" / "index.html").read_text("utf-8")
    assert "/nieuws/nieuwe-bemiddelaars/" in (out / "sitemap.xml").read_text("utf-8")


def test_script_and_raw_html_in_an_item_never_reach_the_site(tmp_path):
    out = built(tmp_path, [item(published=True, slug="x", published_on="2026-03-02",
                                body='Hallo <script>alert(1)</script> <img src=x onerror="alert(2)"> [klik](javascript:alert(3))')])
    html = (out / "nieuws" / "x" / "index.html").read_text("utf-8")
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html


def test_without_published_news_there_is_no_news_page(tmp_path):
    out = built(tmp_path, [item()])
    assert not (out / "nieuws").exists()
    assert "/nieuws/" not in (out / "index.html").read_text("utf-8")


def test_an_english_item_is_published_on_the_english_site(tmp_path):
    out = built(tmp_path, [item(lang="en", title="New mediators", slug="new-mediators", published=True,
                                published_on="2026-03-02")])
    assert "New mediators" in (out / "en" / "news" / "new-mediators" / "index.html").read_text("utf-8")
    assert not (out / "nieuws").exists()


def test_the_builder_does_not_import_the_admin_views(tmp_path):
    make_data(tmp_path / "data", [item(published=True, slug="x", published_on="2026-03-02")])
    code = ("import sys, sitebuilder; sitebuilder.main(['--out', sys.argv[1], '--data', sys.argv[2]]); "
            "bad = [m for m in sys.modules if m.endswith('.views') or m == 'flask']; print(bad); assert not bad")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "public"), str(tmp_path / "data")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- the admin ---------------------------------------------------------------------------

FORM = {"kind": "nieuws", "lang": "nl", "title": "Open avond", "summary": "Kom kennismaken.", "body": "Op **12 maart**."}


def test_the_coordinator_writes_previews_and_publishes_an_item(client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/publiciteit/nieuw", data=FORM)
    assert response.status_code == 303
    item_id = store.read().table(items.PUBLICITY).all()[0].doc_id
    page = client.get(f"/beheer/publiciteit/{item_id}").get_data(as_text=True)
    assert "Concept" in page and "<strong>12 maart</strong>" in page
    assert client.post(f"/beheer/publiciteit/{item_id}/publiceren").status_code == 303
    doc = store.read().table(items.PUBLICITY).get(doc_id=item_id)
    assert doc["published"] and doc["slug"] == "open-avond"
    assert "Gepubliceerd" in client.get("/beheer/publiciteit/").get_data(as_text=True)
    client.post(f"/beheer/publiciteit/{item_id}/offline")
    assert not store.read().table(items.PUBLICITY).get(doc_id=item_id)["published"]


def test_a_bad_item_is_shown_again_with_messages_and_everything_typed(client, as_user):
    as_user.coordinator()
    response = client.post("/beheer/publiciteit/nieuw", data={**FORM, "title": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Vul een titel in." in page and "Kom kennismaken." in page


def test_a_story_not_confirmed_anonymised_is_refused_with_a_message(client, as_user, store):
    as_user.coordinator()
    client.post("/beheer/publiciteit/nieuw", data={**FORM, "kind": "verhaal"})
    item_id = store.read().table(items.PUBLICITY).all()[0].doc_id
    response = client.post(f"/beheer/publiciteit/{item_id}/publiceren")
    assert response.status_code == 422 and "geanonimiseerd" in response.get_data(as_text=True)
    assert not store.read().table(items.PUBLICITY).get(doc_id=item_id)["published"]


@pytest.mark.parametrize("url", ["/beheer/publiciteit/", "/beheer/publiciteit/nieuw"])
def test_only_the_coordinator_may_use_publicity(module_clients, url):
    assert module_clients.anonymous.get(url).status_code == 302  # to the login page
    assert module_clients.volunteer.get(url).status_code == 403


@pytest.mark.parametrize("action", ["publiceren", "offline", "verwijderen"])
def test_publishing_and_removing_are_post_only(client, as_user, store, action):
    as_user.coordinator()
    client.post("/beheer/publiciteit/nieuw", data=FORM)
    item_id = store.read().table(items.PUBLICITY).all()[0].doc_id
    assert client.get(f"/beheer/publiciteit/{item_id}/{action}").status_code == 405


def test_a_story_naming_a_party_their_street_and_phone_is_held_back_until_fixed_or_overridden_with_a_reason(
        client, as_user, store):
    as_user.coordinator()
    with store.transaction() as tx:
        tx.table("cases").insert({"number": "2026-0031", "step": "afgesloten", "parties": [
            {"name": "Fatima Amrani", "street": "Kerkstraat 12", "phone": "06-12345678", "email": ""}]})
    story = {**FORM, "kind": "verhaal", "anonymised": "ja", "title": "Rust in de straat",
             "body": "Mevrouw Amrani van de Kerkstraat (bel 06 12345678) is blij."}
    client.post("/beheer/publiciteit/nieuw", data=story)
    item_id = store.read().table(items.PUBLICITY).all()[0].doc_id
    held = client.post(f"/beheer/publiciteit/{item_id}/publiceren")
    page = held.get_data(as_text=True)
    assert held.status_code == 422 and "te herkennen" in page
    for shown in ("naam: “Amrani”", "straat: “Kerkstraat”", "telefoonnummer: “0612345678”"):
        assert shown in page
    assert not store.read().table(items.PUBLICITY).get(doc_id=item_id)["published"]
    too_short = client.post(f"/beheer/publiciteit/{item_id}/publiceren", data={"override_reason": "ok"})
    assert too_short.status_code == 422

    reason = "Mevrouw Amrani gaf schriftelijk toestemming op 1 december."
    assert client.post(f"/beheer/publiciteit/{item_id}/publiceren", data={"override_reason": reason}).status_code == 303
    doc = store.read().table(items.PUBLICITY).get(doc_id=item_id)
    assert doc["published"] and doc["override"] == {"reason": reason, "kinds": ["naam", "straat", "telefoonnummer"]}
    [entry] = [e for e in store.audit_entries(record=f"publicity:{item_id}") if e["action"] == "publish"]
    assert entry["override"]["reason"] == reason


def test_once_the_details_are_edited_away_the_story_publishes_without_questions(client, as_user, store):
    as_user.coordinator()
    with store.transaction() as tx:
        tx.table("cases").insert({"number": "2026-0031", "parties": [{"name": "Fatima Amrani", "street": "Kerkstraat 12"}]})
    client.post("/beheer/publiciteit/nieuw", data={**FORM, "kind": "verhaal", "anonymised": "ja",
                                                   "body": "Een bewoner van de Kerkstraat vertelt."})
    item_id = store.read().table(items.PUBLICITY).all()[0].doc_id
    assert client.post(f"/beheer/publiciteit/{item_id}/publiceren").status_code == 422
    client.post(f"/beheer/publiciteit/{item_id}", data={**FORM, "kind": "verhaal", "anonymised": "ja",
                                                         "body": "Een bewoner uit de wijk vertelt."})
    assert client.post(f"/beheer/publiciteit/{item_id}/publiceren").status_code == 303


def test_an_item_with_a_broken_link_is_left_out_and_named_while_the_rest_of_the_site_is_published(tmp_path):
    data = make_data(tmp_path / "data", [
        item(published=True, slug="goed", title="Goed bericht", published_on="2026-03-02"),
        item(published=True, slug="kapot", title="Kapotte link", published_on="2026-03-03",
             body="Lees [dit](/bestaat-niet/)."),
    ])
    site = Site(DEFAULT_ROOT, data_dir=data, today=datetime.date(2026, 3, 10))
    out = tmp_path / "public"
    build(site, out)
    assert (out / "nieuws" / "goed" / "index.html").is_file() and (out / "index.html").is_file()
    assert not (out / "nieuws" / "kapot").exists()
    assert "/nieuws/kapot/" not in (out / "nieuws" / "index.html").read_text("utf-8")
    assert site.skipped == ["“Kapotte link”: de link /bestaat-niet/ wijst naar een pagina die niet op de site staat"]


def test_site_publiceren_in_the_admin_rebuilds_the_site_keeps_the_server_files_and_says_what_was_left_out(
        app, client, as_user, store, tmp_path):
    public = tmp_path / "site"
    app.config["PUBLIC_DIR"] = str(public)
    as_user.coordinator()
    with store.transaction() as tx:
        tx.table(items.PUBLICITY).insert(item(published=True, slug="open-avond", title="Open avond",
                                              published_on="2026-03-02"))
        tx.table(items.PUBLICITY).insert(item(published=True, slug="kapot", title="Kapotte link",
                                              published_on="2026-03-02", body="[x](/nergens/)"))
    answer = client.post("/beheer/publiciteit/site-publiceren")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "De site is bijgewerkt" in page and "“Kapotte link”" in page
    assert (public / "nieuws" / "open-avond" / "index.html").is_file()
    (public / ".htaccess").write_text("# routing of the live site\n")  # as deploy/publish.py leaves it
    client.post("/beheer/publiciteit/site-publiceren")
    assert (public / ".htaccess").read_text() == "# routing of the live site\n"  # a rebuild keeps it


def test_a_failing_build_from_the_admin_keeps_the_last_good_site_and_says_so_in_dutch(
        app, client, as_user, tmp_path, monkeypatch):
    import sitebuilder

    public = tmp_path / "site"
    app.config["PUBLIC_DIR"] = str(public)
    as_user.coordinator()
    client.post("/beheer/publiciteit/site-publiceren")
    before = (public / "index.html").read_bytes()

    def broken(*args, **kwargs):
        raise sitebuilder.BuildError("site.toml: missing required key(s): phone")

    monkeypatch.setattr(sitebuilder, "build", broken)
    answer = client.post("/beheer/publiciteit/site-publiceren")
    assert answer.status_code == 422 and "De site is niet bijgewerkt" in answer.get_data(as_text=True)
    assert "vorige versie blijft online" in answer.get_data(as_text=True)
    assert (public / "index.html").read_bytes() == before
