"""The accessibility statement follows the Dutch model (toegankelijkheidsverklaring): its facts come
from site.toml [accessibility] and show in the built page of each language, in the model's order."""
from __future__ import annotations

import re
import shutil
import tomllib

import pytest

import sitebuilder
from sitebuilder import DEFAULT_ROOT, BuildError, Site

from .html_tree import parse

REPO = DEFAULT_ROOT.parent
SETTINGS = tomllib.loads((DEFAULT_ROOT / "site.toml").read_text("utf-8"))["accessibility"]
# The model's parts, in its order: status, research, what does not comply, contact, complaints.
HEADINGS = {
    "nl": ["Hoe toegankelijk is de website?", "Hoe hebben wij dit onderzocht?", "Wat hebben wij gedaan?",
           "Wat voldoet nog niet?", "Werkt iets niet goed?", "Niet tevreden?"],
    "en": ["How accessible is the website?", "How did we check this?", "What have we done?",
           "What does not comply yet?", "Is something not working?", "Not satisfied?"],
}


@pytest.fixture(scope="module")
def site():
    return Site(DEFAULT_ROOT)


def statement(site, lang):
    page = next(p for p in site.pages if p.key == "accessibility" and p.lang == lang)
    return parse(site.render_page(page)).find("main")


def section(main, heading):
    """The text from a heading up to the next one."""
    texts, inside = [], False
    for element in main.find("div", cls="prose").elements:
        if element.tag == "h2":
            inside = element.text() == heading
        elif inside:
            texts.append(" ".join(element.text().split()))
    return " ".join(texts)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_statement_has_the_parts_of_the_model_in_its_order(site, lang):
    main = statement(site, lang)
    assert [h.text() for h in main.find_all("h2")] == HEADINGS[lang]


def test_the_dutch_statement_shows_the_status_dates_method_open_points_and_complaint_route(site):
    main = statement(site, "nl")
    status, research, _, open_points, contact, complaints = HEADINGS["nl"]
    assert "Status: C: eerste maatregelen genomen." in section(main, status)
    assert "goedgekeurd door de directeur van Stichting Welzijn Lindenhoven" in section(main, status)
    assert "Het laatste onderzoek was op 6 december 2026." in section(main, research)
    assert "axe-core in de browser Chromium" in section(main, research) and "toetsenbord" in section(main, research)
    assert "Vóór 30 juni 2027 onderzoekt een deskundige" in section(main, research)
    items = [li.text() for li in main.find_all("li") if li.text().startswith(("De pagina's in het Turks", "Een deskundige"))]
    assert items == ["De pagina's in het Turks, Arabisch en Pools zijn nog niet getest met een voorleesprogramma. "
                     "Klaar vóór 31 maart 2027.",
                     "Een deskundige heeft de website nog niet onderzocht op alle eisen. Klaar vóór 30 juni 2027."]
    assert "012 345 6789" in section(main, contact) and "binnen 5 werkdagen" in section(main, contact)
    assert "de Nationale ombudsman" in section(main, complaints)
    assert main.find("a", href="https://www.nationaleombudsman.nl")
    assert len(items) == len(SETTINGS["known_issues"])


def copy_with(tmp_path, edit):
    root = tmp_path / "site"
    shutil.copytree(DEFAULT_ROOT, root)
    toml = root / "site.toml"
    toml.write_text(edit(toml.read_text("utf-8")), "utf-8")
    return root


def test_a_new_status_and_no_open_points_in_site_toml_change_the_page(tmp_path):
    def edit(text):
        text = text.replace('status = "C"', 'status = "B"')
        return text[:text.index("[[accessibility.known_issues]]")]
    site = Site(copy_with(tmp_path, edit))
    main = statement(site, "en")
    assert "Status: B: partially compliant." in section(main, HEADINGS["en"][0])
    assert section(main, "What does not comply yet?") == "We currently know of no parts that do not comply."


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace('status = "C"', 'status = "F"'), r"status must be one of A, B, C, D, E"),
    (lambda t: t.replace("research_date = 2026-12-06", 'research_date = "gisteren"'), r"research_date must be a date"),
    (lambda t: re.sub(r"\ncomplaints_url = .*", "", t), r"\[accessibility\] needs 'complaints_url'"),
], ids=["status", "date", "missing"])
def test_a_wrong_or_missing_statement_fact_fails_the_build_naming_it(tmp_path, edit, message):
    with pytest.raises(BuildError, match=message):
        Site(copy_with(tmp_path, edit))


def test_the_check_list_and_the_registration_guide_are_in_the_repo_and_named_in_site_toml():
    toml = (DEFAULT_ROOT / "site.toml").read_text("utf-8")
    for doc in ("docs/toegankelijkheid-checklist.md", "docs/toegankelijkheidsverklaring.md"):
        assert doc in toml and (REPO / doc).is_file(), doc
    checklist = (REPO / "docs/toegankelijkheid-checklist.md").read_text("utf-8")
    assert "## Toetsenbord" in checklist and "## Voorleesprogramma" in checklist
    assert len(re.findall(r"^- \[ \]", checklist, re.M)) >= 15  # items to tick, one by one
