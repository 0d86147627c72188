"""Content pages that nest Markdown in HTML render it as HTML, whatever the Markdown version:
checked on the built pages' structure, and a page that slips fails the build."""
from __future__ import annotations

import re
import shutil

import pytest

from sitebuilder import DEFAULT_ROOT, BuildError, Site

from .html_tree import built_page

SITE = Site(DEFAULT_ROOT)
NESTING = [p for p in SITE.pages if re.search(r"<[a-z]+[^>]*\smarkdown=", p.source.read_text("utf-8"))]



def test_the_pages_that_nest_markdown_in_html_are_the_steps_in_every_language_and_the_home_cards():
    keys = {(p.key, p.lang) for p in NESTING}
    assert {("how", lang) for lang in SITE.languages} | {("home", "nl"), ("home", "en")} <= keys


@pytest.mark.parametrize("page", [p for p in NESTING if p.key == "how"], ids=lambda p: p.url)
def test_each_of_the_seven_steps_is_a_list_item_holding_a_heading_and_paragraphs(built_site, page):
    [steps] = built_page(built_site, page).find_all("ol", cls="steps")
    items = steps.elements
    assert len(items) == 7 and all(item.tag == "li" for item in items)
    for item in items:
        heading, *rest = item.elements
        assert heading.tag == "h2" and heading.text().strip() and "#" not in heading.text()
        assert rest and all(e.tag == "p" for e in rest)
        assert rest[-1].find("strong").text().endswith(("?", "؟"))  # "Wat kunt u verwachten?"


@pytest.mark.parametrize("page", [p for p in NESTING if p.key == "home"], ids=lambda p: p.url)
def test_each_home_card_has_a_heading_and_a_paragraph_with_links(built_site, page):
    cards = built_page(built_site, page).find_all("section", cls="card")
    assert len(cards) == 3
    for card in cards:
        heading, paragraph = card.elements
        assert heading.tag == "h3" and paragraph.tag == "p" and paragraph.find_all("a")


@pytest.mark.parametrize("page", SITE.pages, ids=lambda p: p.url)
def test_no_built_page_shows_markdown_syntax_or_a_markdown_attribute(built_site, page):
    tree = built_page(built_site, page)
    text = tree.text()
    assert not re.search(r"^\s*#{1,6}\s", text, re.M) and "##" not in text and "**" not in text
    assert not [e.tag for e in tree.iter() if "markdown" in e.attrs]


def test_headings_in_a_list_item_without_markdown_block_fail_the_build(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(DEFAULT_ROOT, root)
    steps = root / "content" / "nl" / "hoe-werkt-het.md"
    steps.write_text(steps.read_text("utf-8").replace('<li class="steps__item" markdown="block">',
                                                      '<li class="steps__item" markdown>'), "utf-8")
    with pytest.raises(BuildError, match=r"hoe-werkt-het\.md: a Markdown heading .*'## Melding'.*markdown=\"block\""):
        Site(root)
