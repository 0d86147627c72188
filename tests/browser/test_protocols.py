"""A coordinator writes a protocol, improves it, publishes, compares versions and downloads the PDF."""
import shutil
import subprocess

from buurtbemiddeling.auth import users

from .conftest import axe_violations, sign_in

PASSWORD = "een lang wachtwoord"
FIRST = """Zo werken wij.

## Veiligheid

- Je gaat nooit alleen op huisbezoek.

## Checklist

- Rollen vooraf verdeeld
"""


def test_a_coordinator_versions_publishes_compares_and_downloads_a_protocol(page, live_server, tmp_path):
    # Signed in without the login form (tests/browser/test_budget_flow.py fills it in, with and without JavaScript).
    users.create_user(live_server.app.extensions["store"], "carla@lindenhoven.example", PASSWORD, "coordinator", "Carla")
    sign_in(page.context, live_server, "carla@lindenhoven.example", PASSWORD)
    page.goto(f"{live_server.url}/beheer/")
    page.get_by_role("link", name="Protocollen", exact=True).click()
    page.get_by_role("link", name="Nieuw protocol").click()
    page.get_by_label("Titel").fill("Werkprotocol bemiddelaars")
    page.get_by_label("Tekst").fill(FIRST)
    page.get_by_role("button", name="Protocol opslaan").click()
    page.get_by_text("Nog niet gepubliceerd").wait_for()

    page.get_by_role("link", name="Nieuwe versie schrijven").click()
    body = page.get_by_label("Tekst")
    assert body.input_value() == FIRST
    body.fill(FIRST.replace("nooit alleen", "nooit in je eentje") + "- Bel bij geweld 112\n")
    page.get_by_label("Wat is er veranderd?").fill("Geweld: bel 112")
    page.get_by_role("button", name="Versie 2 opslaan").click()

    page.get_by_role("heading", name="Wat is er veranderd?").wait_for()
    assert page.get_by_text("1 regel gewijzigd, 1 regel toegevoegd.").is_visible()
    table = page.get_by_role("table", name="Verschillen tussen versie 1 en versie 2, regel voor regel")
    assert table.get_by_role("cell", name="Gewijzigd, was").count() == 1
    assert table.get_by_role("cell", name="Toegevoegd").count() == 1
    assert "alleen" in table.locator("del").first.inner_text() and "in je eentje" in table.locator("ins").first.inner_text()
    assert axe_violations(page) == []

    page.get_by_role("link", name="← Werkprotocol bemiddelaars").click()
    page.get_by_role("button", name="Versie 2 publiceren").click()
    page.get_by_text("Versie 2 is gepubliceerd").wait_for()
    assert page.get_by_role("row", name="2").get_by_text("Gepubliceerd").is_visible()
    assert page.get_by_role("list").filter(has_text="Bel bij geweld 112").count() >= 1
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Pdf van versie 2").click()
    path = tmp_path / "protocol.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename == "werkprotocol-bemiddelaars-versie-2.pdf"
    text = subprocess.run([shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Werkprotocol bemiddelaars" in text and "Versie 2, gepubliceerd op" in text
    assert "Je gaat nooit in je eentje op huisbezoek" in text and "Bel bij geweld 112" in text
    assert "Geweld: bel 112" in text


def test_a_volunteer_reads_and_acknowledges_the_published_protocol(page, live_server):
    from buurtbemiddeling.protocols import documents

    store = live_server.app.extensions["store"]
    pid = documents.create(store, "Werkprotocol", FIRST, "", documents.Author(None, "Carla"))
    documents.publish(store, pid, 1, documents.Author(None, "Carla"))
    users.create_user(store, "vera@lindenhoven.example", PASSWORD, "volunteer", "Vera")
    sign_in(page.context, live_server, "vera@lindenhoven.example", PASSWORD)
    page.goto(f"{live_server.url}/beheer/protocollen/{pid}/lezen")
    page.get_by_role("heading", name="Veiligheid").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ik heb dit protocol gelezen").click()
    page.get_by_text("U heeft bevestigd").wait_for()
    assert documents.readers(store.read(), pid).pending == []


def test_the_preview_follows_the_text_while_the_coordinator_types(page, live_server):
    users.create_user(live_server.app.extensions["store"], "carla@lindenhoven.example", PASSWORD, "coordinator", "Carla")
    sign_in(page.context, live_server, "carla@lindenhoven.example", PASSWORD)
    page.goto(f"{live_server.url}/beheer/protocollen/nieuw")
    assert page.locator("#voorbeeld-tekst").inner_text() == "Nog geen tekst."
    page.get_by_label("Tekst").press_sequentially("## Veiligheid\n\n- Nooit **alleen** op huisbezoek", delay=5)
    preview = page.locator("#voorbeeld-tekst")
    preview.get_by_role("heading", name="Veiligheid").wait_for()
    assert preview.locator("li strong").inner_text() == "alleen"
    assert axe_violations(page) == []
