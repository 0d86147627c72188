"""Residents read the resident pages in Turkish, Arabic (right to left) and Polish beside Dutch and
English: one folder per language, the language switch keeps the page, and `hreflang` links join
the versions of a page."""
from __future__ import annotations

import pytest

from sitebuilder import DEFAULT_ROOT, Site

from .html_tree import built_page, parse

SITE = Site(DEFAULT_ROOT)
RESIDENT_PAGES = ("home", "how", "report", "report-thanks", "privacy")
NEW = {"tr": "ltr", "ar": "rtl", "pl": "ltr"}



def page_of(key, lang):
    return next(p for p in SITE.pages if p.key == key and p.lang == lang)


@pytest.mark.parametrize("lang", NEW)
def test_each_new_language_has_the_resident_pages_in_its_own_folder_with_lang_and_direction(built_site, lang):
    for key in RESIDENT_PAGES:
        page = page_of(key, lang)
        assert page.url.startswith(f"/{lang}/") and page.source.relative_to(SITE.content_dir).parts[0] == lang
        html = built_page(built_site, page).find("html")
        assert (html.attrs["lang"], html.attrs["dir"]) == (lang, NEW[lang]), page.url
    assert built_page(built_site, page_of("report", lang)).find("form", cls="form")


def test_dutch_and_english_pages_are_left_to_right():
    assert SITE.strings["nl"]["direction"] == SITE.strings["en"]["direction"] == "ltr"


@pytest.mark.parametrize("key", RESIDENT_PAGES)
def test_the_language_switch_keeps_the_page_and_hreflang_links_join_all_its_versions(built_site, key):
    versions = {lang: page_of(key, lang).url for lang in SITE.languages}
    for lang, url in versions.items():
        tree = built_page(built_site, page_of(key, lang))
        switch = {a.attrs["hreflang"]: a.attrs["href"] for a in tree.find("nav", cls="language-switch").find_all("a")}
        assert switch == {other: other_url for other, other_url in versions.items() if other != lang}
        alternates = {link.attrs["hreflang"]: link.attrs["href"]
                      for link in tree.find_all("link", rel="alternate")}
        if key == "report-thanks":  # not indexed: no alternates needed, but harmless
            continue
        assert alternates == {other: SITE.config["url"] + other_url for other, other_url in versions.items()}


def test_a_page_not_translated_yet_switches_to_the_home_page_of_that_language_without_hreflang(built_site):
    tree = built_page(built_site, page_of("contact", "nl"))
    switch = {a.attrs["hreflang"]: a.attrs["href"] for a in tree.find("nav", cls="language-switch").find_all("a")}
    assert switch["tr"] == "/tr/" and switch["en"] == "/en/contact/"
    alternates = {link.attrs["hreflang"] for link in tree.find_all("link", rel="alternate")}
    assert alternates == {"nl", "en"}


def test_each_language_name_in_the_switch_is_marked_with_its_language_and_direction(built_site):
    tree = built_page(built_site, page_of("home", "nl"))
    arabic = tree.find("a", hreflang="ar")
    assert (arabic.text(), arabic.attrs["lang"], arabic.attrs["dir"]) == ("العربية", "ar", "rtl")


def test_in_arabic_phone_numbers_read_left_to_right(built_site):
    for key in RESIDENT_PAGES:
        tree = built_page(built_site, page_of(key, "ar"))
        footer_phone = tree.find("footer").find("a", href=SITE.config["phone_href"])
        assert footer_phone.attrs["dir"] == "ltr"
        text = tree.find("main").text()
        assert SITE.config["phone"] not in text.replace("\u2066" + SITE.config["phone"] + "\u2069", ""), key
    police = [e for e in built_page(built_site, page_of("report", "ar")).find_all("bdi") if e.text() == "0900-8844"]
    assert police and all(e.attrs["dir"] == "ltr" for e in police)


@pytest.mark.parametrize("lang", SITE.languages)
def test_the_404_page_speaks_each_language(built_site, lang):
    tree = parse((built_site / SITE.prefix(lang).lstrip("/") / "404.html").read_text("utf-8"))
    assert tree.find("html").attrs["lang"] == lang
    assert tree.find("h1").text() == SITE.strings[lang]["not_found_title"]


def test_the_intake_term_is_promised_in_each_languages_grammar(built_site):
    from common.intake_term import in_words

    assert [in_words(n, "pl") for n in (1, 2, 5)] == ["1 dnia roboczego", "2 dni roboczych", "5 dni roboczych"]
    assert [in_words(n, "ar") for n in (1, 2, 5, 11)] == ["يوم عمل واحد", "يومَي عمل", "5 أيام عمل", "11 يوم عمل"]
    assert in_words(5, "tr") == "5 iş günü"
    assert "5 iş günü içinde" in built_page(built_site, page_of("report", "tr")).find("main").text()
    assert "w ciągu 5 dni roboczych" in built_page(built_site, page_of("report", "pl")).find("main").text()
