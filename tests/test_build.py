"""The static site builder: golden checks on the built site, idempotence, link checking,
and the render API the app uses for posts with errors."""
import datetime
import html
import re
import shutil
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

import sitebuilder
from forms import FORMS, REPORT
from sitebuilder import DEFAULT_ROOT, BuildError, Site, build, main

REPO = Path(__file__).resolve().parent.parent


class Doc(HTMLParser):
    """Just enough of a DOM for the checks below."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = []  # (tag, attrs dict)
        self.text_by_id = {}
        self._open = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if attrs.get("id") and tag not in ("input", "br", "img", "meta", "link"):
            self._open.append([attrs["id"], tag, ""])

    def handle_endtag(self, tag):
        for entry in reversed(self._open):
            if entry[1] == tag:
                self._open.remove(entry)
                self.text_by_id[entry[0]] = entry[2]
                break

    def handle_data(self, data):
        for entry in self._open:
            entry[2] += data

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags
                if (tag is None or t == tag) and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    @property
    def ids(self):
        return {a["id"] for _, a in self.tags if a.get("id")}

    def links(self):
        return [a[k] for _, a in self.tags for k in ("href", "src") if a.get(k)]


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "public"
    assert main(["--out", str(out), "--no-data"]) == 0
    return out


def read(public, rel):
    return (public / rel).read_text("utf-8")


def page(public, rel):
    return Doc(read(public, rel))


def all_html(public):
    return sorted(public.rglob("*.html"))


def copy_site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(DEFAULT_ROOT, root)
    return root


def add_to_page(root, rel, text):
    """Append Markdown to a content page of a copied site."""
    md = root / "content" / rel
    md.write_text(md.read_text("utf-8") + "\n" + text + "\n", "utf-8")


# -- golden checks ----------------------------------------------------------

def test_it_builds_pretty_urls_for_both_languages(public):
    for rel in ["index.html", "melding-doen/index.html", "melding/bedankt/index.html", "privacy/index.html",
                "en/index.html", "en/report/index.html", "en/report/thanks/index.html", "en/privacy/index.html",
                "404.html", "en/404.html", "sitemap.xml", "robots.txt", "assets/site.css", "assets/htmx.min.js",
                "assets/forms.js", "assets/logo.svg"]:
        assert (public / rel).is_file(), rel


def test_the_home_page_links_to_the_report_form(public):
    home = page(public, "index.html")
    assert any(a.get("href") == "/melding-doen/" and "button" in a.get("class", "") for a in home.find("a"))
    assert {"href": "/en/report/", "class": "button button--start"} in page(public, "en/index.html").find("a")


@pytest.mark.parametrize("rel, lang", [("melding-doen/index.html", "nl"), ("en/report/index.html", "en")])
def test_the_form_page_has_every_field_with_a_label(public, rel, lang):
    doc = page(public, rel)
    labelled = {a["for"] for a in doc.find("label")}
    for field in REPORT.fields:
        inputs = [a for t, a in doc.tags if t in ("input", "textarea", "select") and a.get("name") == field.name]
        assert inputs, field.name
        for attrs in inputs:
            assert attrs["id"] in labelled, f"{field.name}: no <label for={attrs['id']}>"
        if field.kind in ("radios", "checkboxes"):
            assert field.label_for(lang) in read(public, rel)  # the legend
    assert doc.find("input", type="hidden", name="lang", value=lang)


def test_the_form_posts_to_the_app_with_and_without_javascript(public):
    form = page(public, "melding-doen/index.html").find("form")[0]
    assert form["method"] == "post" and form["action"] == "/melding"
    # data- prefixed htmx attributes: htmx reads them, and the HTML stays valid.
    assert form["data-hx-post"] == "/melding" and form["data-hx-target"] == "this"
    assert form["data-hx-swap"] == "outerHTML"
    assert "novalidate" in form


def test_the_form_fields_carry_autocomplete_and_maxlength_without_placeholders(public):
    doc = page(public, "melding-doen/index.html")
    assert doc.find("input", name="postcode")[0]["autocomplete"] == "postal-code"
    assert doc.find("input", name="email")[0]["maxlength"] == "254"
    assert doc.find("textarea", name="description")[0]["maxlength"] == "4000"
    assert "placeholder" not in read(public, "melding-doen/index.html")


@pytest.mark.parametrize("rel, lang", [("index.html", "nl"), ("melding-doen/index.html", "nl"),
                                       ("en/index.html", "en"), ("en/report/index.html", "en")])
def test_each_page_declares_its_language(public, rel, lang):
    assert page(public, rel).find("html")[0]["lang"] == lang


def test_the_language_switch_links_to_the_translation(public):
    doc = page(public, "melding-doen/index.html")
    switch = [a for a in doc.find("a") if a.get("hreflang") == "en"]
    assert switch and switch[0]["href"] == "/en/report/"
    back = [a for a in page(public, "en/report/index.html").find("a") if a.get("hreflang") == "nl"]
    assert back[0]["href"] == "/melding-doen/"


def test_every_internal_link_resolves(public):
    for path in all_html(public):
        for link in page(public, path.relative_to(public)).links():
            if link.startswith("/"):
                target = public / link.split("#")[0].lstrip("/")
                assert target.is_file() or (target / "index.html").is_file(), f"{path}: {link}"


def test_the_sitemap_lists_public_pages_but_not_thank_you_pages(public):
    sitemap = read(public, "sitemap.xml")
    assert "https://www.buurtbemiddeling-lindenhoven.nl/melding-doen/" in sitemap
    assert "/en/report/</loc>" in sitemap
    assert "bedankt" not in sitemap and "thanks" not in sitemap
    assert "Sitemap: https://www.buurtbemiddeling-lindenhoven.nl/sitemap.xml" in read(public, "robots.txt")


def test_the_404_page_uses_root_relative_links_only(public):
    doc = page(public, "404.html")
    assert all(link.startswith(("/", "#", "tel:", "mailto:")) for link in doc.links())


# -- scripts and the Content-Security-Policy --------------------------------

def test_pages_without_a_form_load_no_script(public):
    for path in all_html(public):
        doc = Doc(path.read_text("utf-8"))
        if not doc.find("form"):
            assert not doc.find("script"), path


def test_form_pages_load_only_htmx_and_its_settings_deferred(public):
    doc = page(public, "melding-doen/index.html")
    assert doc.find("script") == [{"src": "/assets/htmx.min.js", "defer": None},
                                  {"src": "/assets/forms.js", "defer": None}]
    settings = read(public, "assets/forms.js")
    assert "includeIndicatorStyles = false" in settings and '"422", swap: true' in settings


def test_no_page_has_inline_styles_or_scripts(public):
    for path in all_html(public):
        html = path.read_text("utf-8")
        doc = Doc(html)
        assert not doc.find("style"), path
        for tag, attrs in doc.tags:
            assert "style" not in attrs, (path, tag)
            assert not any(name.startswith("on") for name in attrs), (path, tag)
            if tag == "script":
                assert attrs.get("src"), path


def test_htmx_comes_from_the_installed_package_not_from_the_repo(public):
    assert read(public, "assets/htmx.min.js").startswith("var htmx=")
    assert not list((REPO / "site").rglob("htmx*.js"))


# -- idempotence and failures -----------------------------------------------

def test_two_builds_are_byte_identical(public, tmp_path):
    first, second = public, tmp_path / "b"  # the module's build, made earlier, and one more
    assert main(["--out", str(second), "--no-data"]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_a_rebuild_replaces_the_previous_output(public, tmp_path):
    out = tmp_path / "public"
    shutil.copytree(public, out)  # a previous build's output
    (out / "stale.html").write_text("old")
    assert main(["--out", str(out), "--no-data"]) == 0
    assert not (out / "stale.html").exists()


def test_a_broken_internal_link_fails_the_build_naming_file_and_link(tmp_path, capsys):
    root = copy_site(tmp_path)
    add_to_page(root, "nl/privacy.md", "Zie ook [de folder](/folder-bestaat-niet/).")
    out = tmp_path / "public"
    assert main(["--site", str(root), "--out", str(out), "--no-data"]) == 1
    err = capsys.readouterr().err
    assert "privacy.md" in err and "/folder-bestaat-niet/" in err
    assert not out.exists()  # nothing half-built left behind


def test_a_failed_build_leaves_the_previous_output_alone(public, tmp_path):
    out = tmp_path / "public"
    shutil.copytree(public, out)  # a previous build's output
    root = copy_site(tmp_path)
    (root / "content" / "nl" / "index.md").write_text(
        "---\ntitle: Home\ndescription: x\n---\n[kapot](/nergens/)\n", "utf-8")
    with pytest.raises(BuildError):
        build(Site(root), out)
    assert "Melding doen" in (out / "index.html").read_text("utf-8")


def test_an_inline_style_in_content_fails_the_build(tmp_path):
    root = copy_site(tmp_path)
    add_to_page(root, "en/privacy.md", '<p style="color:red">Hi</p>')
    with pytest.raises(BuildError, match="style attribute"):
        build(Site(root), tmp_path / "public")


def test_a_missing_site_setting_fails_with_a_clear_message(tmp_path):
    root = copy_site(tmp_path)
    toml = root / "site.toml"
    toml.write_text(re.sub(r"(?m)^phone = .*\n", "", toml.read_text("utf-8")), "utf-8")
    with pytest.raises(BuildError, match=r"site.toml: missing required key\(s\): phone"):
        Site(root)


def test_a_misspelt_front_matter_key_fails_the_build(tmp_path):
    root = copy_site(tmp_path)
    md = root / "content" / "nl" / "privacy.md"
    md.write_text(md.read_text("utf-8").replace("key: privacy", "key: privacy\nnav-order: 3"), "utf-8")
    with pytest.raises(BuildError, match="privacy.md: unknown front matter key"):
        Site(root)


def test_a_form_page_must_sit_where_the_form_expects_it(tmp_path):
    root = copy_site(tmp_path)
    md = root / "content" / "nl" / "melding-doen.md"
    md.write_text(md.read_text("utf-8").replace("slug: melding-doen", "slug: melden"), "utf-8")
    with pytest.raises(BuildError, match="expects /melding-doen/"):
        Site(root)


def test_a_language_is_added_with_a_folder_and_no_code(tmp_path):
    root = copy_site(tmp_path)
    de = root / "content" / "de"
    de.mkdir()
    strings = (root / "content" / "en" / "_strings.toml").read_text("utf-8")
    (de / "_strings.toml").write_text(strings.replace('"English"', '"Deutsch"'), "utf-8")
    (de / "index.md").write_text("---\ntitle: Nachbarschaftsmediation\ndescription: Hilfe bei Streit.\n"
                                 "key: home\n---\nHallo.\n", "utf-8")
    (de / "privacy.md").write_text("---\ntitle: Datenschutz\ndescription: Datenschutz.\n"
                                   "key: privacy\nslug: datenschutz\n---\nText.\n", "utf-8")
    out = tmp_path / "public"
    build(Site(root), out)
    assert 'lang="de"' in (out / "de" / "index.html").read_text("utf-8")
    assert 'href="/de/"' in (out / "index.html").read_text("utf-8")  # in the language switch


# -- the content of the public site ------------------------------------------

PAGES = {  # key -> (Dutch URL, English URL): every page of the issue, in both languages
    "home": ("/", "/en/"),
    "about": ("/wat-is-buurtbemiddeling/", "/en/what-is-mediation/"),
    "how": ("/hoe-werkt-het/", "/en/how-it-works/"),
    "conflicts": ("/voor-welke-conflicten/", "/en/which-problems/"),
    "faq": ("/veelgestelde-vragen/", "/en/faq/"),
    "report": ("/melding-doen/", "/en/report/"),
    "referrers": ("/voor-verwijzers/", "/en/referrers/"),
    "volunteer": ("/vrijwilliger-worden/", "/en/volunteer/"),
    "stories": ("/ervaringen/", "/en/stories/"),
    "results": ("/resultaten/", "/en/results/"),
    "contact": ("/contact/", "/en/contact/"),
    "privacy": ("/privacy/", "/en/privacy/"),
    "accessibility": ("/toegankelijkheid/", "/en/accessibility/"),
}


def html_pages(public):
    return [p for p in all_html(public)]


@pytest.mark.parametrize("key", sorted(PAGES))
def test_every_page_of_the_issue_exists_in_dutch_and_english_and_links_to_its_translation(public, key):
    nl, en = PAGES[key]
    nl_doc, en_doc = page(public, nl.lstrip("/") + "index.html"), page(public, en.lstrip("/") + "index.html")
    assert [a["href"] for a in nl_doc.find("a", hreflang="en")] == [en]
    assert [a["href"] for a in en_doc.find("a", hreflang="nl")] == [nl]


def test_every_dutch_page_has_an_english_version(public):
    site = Site(DEFAULT_ROOT)
    keys = {lang: {p.key for p in site.pages if p.lang == lang} for lang in site.languages}
    assert keys["nl"] == keys["en"]
    assert None not in keys["nl"]  # every page has a key, so the language switch finds its twin


def test_every_page_has_a_language_a_title_one_heading_and_a_meta_description(public):
    for path in html_pages(public):
        doc = Doc(path.read_text("utf-8"))
        lang = doc.find("html")[0]["lang"]
        folder = path.relative_to(public).parts[0]
        assert lang == (folder if (public / folder / "404.html").is_file() else "nl"), path
        assert len(doc.find("h1")) == 1, path
        [description] = doc.find("meta", name="description")
        assert len(description["content"]) > 20, path
        assert doc.find("title"), path


def test_every_page_with_its_style_sheet_weighs_less_than_50_kb(public):
    css = (public / "assets" / "site.css").stat().st_size
    for path in html_pages(public):
        assert path.stat().st_size + css < 50 * 1024, path


def test_the_style_sheet_has_a_print_version_and_no_outside_fonts(public):
    css = read(public, "assets/site.css")
    assert "@media print" in css
    assert "@import" not in css and "url(http" not in css and "@font-face" not in css


def test_no_page_loads_anything_from_another_host(public):
    for path in html_pages(public):
        for tag, attrs in Doc(path.read_text("utf-8")).tags:
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                loads = tag in ("script", "img", "iframe") or (tag == "link" and attrs.get("rel") != "alternate")
                if loads and value:
                    assert value.startswith("/") and not value.startswith("//"), (path, tag, value)


def test_the_faq_answers_at_least_twelve_questions_in_each_language(public):
    for url in PAGES["faq"]:
        doc = page(public, url.lstrip("/") + "index.html")
        questions = [a for t, a in doc.tags if t == "h2" and a.get("id")]  # not the footer's
        assert len(questions) >= 12, url
        # the list at the top links to each answer
        jumps = [a["href"] for a in doc.find("a") if a.get("href", "").startswith("#") and a["href"] != "#main"]
        assert len(jumps) == len(questions) and all(j[1:] in doc.ids for j in jumps)


def test_how_it_works_shows_the_seven_steps_with_what_to_expect(public):
    for url, expect in zip(PAGES["how"], ("Wat kunt u verwachten?", "What can you expect?")):
        html = read(public, url.lstrip("/") + "index.html")
        assert html.count('class="steps__item"') == 7
        assert html.count(expect) == 7


def test_the_conflicts_page_says_where_to_go_when_mediation_is_not_suitable(public):
    html = read(public, "voor-welke-conflicten/index.html")
    assert "112" in html and "0900-8844" in html and "Juridisch Loket" in html


def test_the_stories_page_lists_each_story(public):
    doc = page(public, "ervaringen/index.html")
    links = [a["href"] for a in doc.find("a") if a.get("href", "").startswith("/ervaringen/") and a["href"] != "/ervaringen/"]
    assert len(links) == 3 and all((public / link.lstrip("/") / "index.html").is_file() for link in links)


def test_settings_from_site_toml_fill_the_content(public):
    html = read(public, "contact/index.html")
    assert 'href="tel:+31123456789"' in html and "Marktplein 4" in html and "Maandag tot en met donderdag" in html
    assert "{{" not in html
    assert "Monday to Thursday" in read(public, "en/contact/index.html")


def test_every_page_shows_the_contact_details_and_the_emergency_number_in_the_footer(public):
    for path in html_pages(public):
        html = path.read_text("utf-8")
        assert "012 345 6789" in html and "112" in html, path


def test_the_results_page_says_there_are_no_figures_yet_without_data(public):
    assert "Er zijn nog geen cijfers" in read(public, "resultaten/index.html")
    assert "There are no figures yet" in read(public, "en/results/index.html")


# -- the three forms on their pages -----------------------------------------

FORM_PAGES = [("report", "melding-doen/index.html", "nl"), ("report", "en/report/index.html", "en"),
              ("referral", "voor-verwijzers/index.html", "nl"), ("referral", "en/referrers/index.html", "en"),
              ("application", "vrijwilliger-worden/index.html", "nl"),
              ("application", "en/volunteer/index.html", "en")]


@pytest.mark.parametrize("form_name, rel, lang", FORM_PAGES)
def test_each_form_page_has_every_field_with_a_label_and_posts_to_the_app(public, form_name, rel, lang):
    form = FORMS[form_name]
    doc = page(public, rel)
    [element] = doc.find("form")
    assert element["action"] == form.action and element["data-hx-post"] == form.action
    labelled = {a["for"] for a in doc.find("label")}
    for field in form.fields:
        inputs = [a for t, a in doc.tags if t in ("input", "textarea", "select") and a.get("name") == field.name]
        assert inputs, field.name
        assert all(a["id"] in labelled for a in inputs), field.name
        assert field.label_for(lang) in html.unescape(read(public, rel))


@pytest.mark.parametrize("form_name, rel, lang", FORM_PAGES)
def test_each_form_carries_a_hidden_honeypot_and_fetches_a_start_token(public, form_name, rel, lang):
    doc = page(public, rel)
    [trap] = doc.find("input", name="website")
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    assert doc.find("div", class_="form__website")  # display: none in site.css
    [loader] = doc.find("div", class_="form__token")
    # Fetched when the visitor starts filling in, not on every view: under CGI each fetch starts Python.
    assert loader["data-hx-get"] == f"/formulier-start/{form_name}"
    assert loader["data-hx-trigger"] == "focusin from:closest form once"
    assert loader["data-hx-target"] == "this"  # not the form's target, which it would inherit
    assert ".form__website { display: none" in read(public, "assets/site.css")


def test_the_availability_grid_has_one_fieldset_per_day(public):
    doc = page(public, "vrijwilliger-worden/index.html")
    legends = [a for t, a in doc.tags if t == "fieldset" and a.get("class") == "grid__row"]
    assert len(legends) == 7
    html = read(public, "vrijwilliger-worden/index.html")
    for day in ("Maandag", "Woensdag", "Zondag"):
        assert f'<legend class="grid__legend">{day}</legend>' in html
    values = [a["value"] for a in doc.find("input", name="availability")]
    assert values[:3] == ["ma-ochtend", "ma-middag", "ma-avond"] and len(values) == 21


def test_the_referrer_form_asks_for_the_residents_consent_and_keeps_the_browser_from_filling_in_the_resident(public):
    doc = page(public, "voor-verwijzers/index.html")
    assert doc.find("input", name="resident_consent", type="checkbox")
    for name in ("name", "email", "phone", "street", "postcode", "place"):
        assert doc.find(None, name=name)[0]["autocomplete"] == "off", name
    assert doc.find("input", name="referrer_email")[0]["autocomplete"] == "email"


def test_the_report_form_says_what_to_do_when_there_is_violence(public):
    html = read(public, "melding-doen/index.html")
    assert html.count("0900-8844") >= 2 and "112" in html  # in the notice and at the question


# -- branding and data -------------------------------------------------------

def test_colours_from_site_toml_become_css_tokens(tmp_path):
    root = copy_site(tmp_path)
    toml = root / "site.toml"
    toml.write_text(toml.read_text("utf-8").replace('brand = "#154273"', 'brand = "#6a1b4d"'), "utf-8")
    build(Site(root), tmp_path / "public")
    css = (tmp_path / "public" / "assets" / "site.css").read_text("utf-8")
    assert css.rstrip().endswith("}") and "--color-brand: #6a1b4d;" in css.split("Colours from site.toml")[1]


def test_a_colour_with_too_little_contrast_fails_the_build_with_advice(tmp_path):
    root = copy_site(tmp_path)
    toml = root / "site.toml"
    toml.write_text(toml.read_text("utf-8").replace('brand = "#154273"', 'brand = "#7fb2e5"'), "utf-8")
    with pytest.raises(BuildError, match=r"site.toml \[colors\]: brand #7fb2e5 on white #ffffff has contrast .*darker"):
        Site(root)


@pytest.mark.parametrize("key", ["address", "opening_hours", "area"])
def test_a_missing_address_opening_hours_or_area_fails_with_a_clear_message(tmp_path, key):
    root = copy_site(tmp_path)
    toml = root / "site.toml"
    text = toml.read_text("utf-8")
    text = re.sub(rf"(?ms)^\[{key}\].*?(?=^\[|\Z)", "", text) if key != "address" else \
        re.sub(r"(?m)^address = .*\n", "", text)
    toml.write_text(text, "utf-8")
    with pytest.raises(BuildError, match=rf"missing required key\(s\): {key}"):
        Site(root)


def test_a_missing_logo_file_fails_the_build(tmp_path):
    root = copy_site(tmp_path)
    (root / "static" / "logo.svg").unlink()
    with pytest.raises(BuildError, match="logo 'logo.svg' is not a file"):
        Site(root)


def test_a_setting_in_content_that_does_not_exist_fails_the_build(tmp_path):
    root = copy_site(tmp_path)
    add_to_page(root, "nl/contact.md", "Fax: {{ site.fax }}")
    with pytest.raises(BuildError, match=r"contact.md: \{\{ site.fax \}\} names no setting"):
        Site(root)


def test_a_page_over_the_weight_budget_fails_the_build(tmp_path):
    root = copy_site(tmp_path)
    add_to_page(root, "nl/contact.md", "Een heel lange zin over niets. " * 2000)
    with pytest.raises(BuildError, match="contact.md .*KB budget"):
        build(Site(root), tmp_path / "public")


def test_a_script_on_a_page_without_a_form_fails_the_build(tmp_path):
    root = copy_site(tmp_path)
    add_to_page(root, "nl/contact.md", '<script src="/assets/forms.js"></script>')
    with pytest.raises(BuildError, match="loads a script but has no form"):
        build(Site(root), tmp_path / "public")


def make_data(data_dir, cases=(), volunteers=(), lists=()):
    from db import Store

    store = Store(data_dir)
    with store.transaction() as tx:
        for name, docs in (("cases", cases), ("volunteers", volunteers), ("lists", lists)):
            for doc in docs:
                tx.table(name).insert(doc)
    return data_dir


def case(year, types, outcome=None):
    doc = {"created_at": f"{year}-03-01T10:00:00+00:00", "step": "afgesloten", "conflict_types": list(types)}
    if outcome:
        doc["closing"] = {"outcome": outcome}
    return doc


def test_with_data_the_results_page_shows_anonymised_figures_and_when_they_were_computed(tmp_path):
    cases = ([case(2024, ["geluidsoverlast"], "opgelost")] * 9 + [case(2024, ["geluidsoverlast"], "niet opgelost")] * 5
             + [case(2025, ["parkeren"], "deels opgelost")] * 6 + [case(2025, ["huisdieren"])] * 3
             + [case(2023, ["pesten"])] * 2)
    volunteers = [{"step": "actief"}] * 7 + [{"step": "in training"}] * 2
    data = make_data(tmp_path / "data", cases, volunteers)
    out = tmp_path / "public"
    build(Site(DEFAULT_ROOT, data_dir=data, today=datetime.date(2025, 6, 1)), out)
    html = (out / "resultaten" / "index.html").read_text("utf-8")
    assert "berekend op 1 juni 2025" in html
    assert ">2023</th><td class=\"table__number\">minder dan 5<" in html  # 2 cases: suppressed
    assert ">2024</th><td class=\"table__number\">14<" in html
    assert "2025 (tot nu toe)" in html
    assert ">75%<" in html  # 15 of 20 closed cases solved or partly solved
    assert ">Geluidsoverlast</th><td class=\"table__number\">14<" in html and ">Parkeren</th>" in html
    assert "Huisdieren" not in html.split("Waar gaan de meeste problemen over?")[1].split("</table>")[0]
    assert "Pesten" not in html.split("Waar gaan de meeste problemen over?")[1].split("</table>")[0]
    assert ">7<" in html  # active volunteers
    assert "computed on 1 June 2025" in (out / "en" / "results" / "index.html").read_text("utf-8")


def test_with_data_the_forms_offer_the_programmes_own_conflict_types_but_not_retired_ones(tmp_path):
    lists = [
        {"list": "conflict_types", "value": "geluidsoverlast", "label": "Geluid", "label_en": "Noise", "retired": False, "order": 0},
        {"list": "conflict_types", "value": "scooters", "label": "Scooters in de galerij", "label_en": "Scooters", "retired": False, "order": 1},
        {"list": "conflict_types", "value": "parkeren", "label": "Parkeren", "label_en": "", "retired": True, "order": 2},
    ]
    data = make_data(tmp_path / "data", lists=lists)
    out = tmp_path / "public"
    assert main(["--out", str(out), "--data", str(data)]) == 0
    for rel in ("melding-doen/index.html", "voor-verwijzers/index.html"):
        values = [a["value"] for a in page(out, rel).find("input", name="conflict_type")]
        assert values == ["geluidsoverlast", "scooters"], rel
    assert "Scooters in de galerij" in read(out, "melding-doen/index.html")
    assert ">Scooters<" in read(out, "en/report/index.html")


def test_without_a_data_folder_the_forms_keep_their_default_conflict_types(tmp_path, capsys):
    out = tmp_path / "public"
    assert main(["--out", str(out), "--data", str(tmp_path / "nowhere")]) == 0
    assert "without data" in capsys.readouterr().out
    values = [a["value"] for a in page(out, "melding-doen/index.html").find("input", name="conflict_type")]
    assert values == [v for v, _ in REPORT.field("conflict_type").choices]


# -- the API the app uses ---------------------------------------------------

def invalid_post():
    return {"lang": "nl", "name": "Anna <de> Vries", "email": "anna@", "postcode": "1234ab",
            "contact_time": ["avond"], "description": "Harde muziek"}


def test_render_form_page_shows_the_error_summary_linking_to_the_fields():
    result = REPORT.validate(invalid_post(), lang="nl")
    html = sitebuilder.render_form_page("report", "nl", result)
    doc = Doc(html)
    assert "Er is een probleem" in html
    summary_links = [a["href"] for a in doc.find("a") if a.get("href", "").startswith("#field-")]
    assert summary_links == ["#" + REPORT.field(name).id for name in result.errors]
    for link in summary_links:
        assert link[1:] in doc.ids
    email = doc.find("input", name="email")[0]
    assert email["aria-invalid"] == "true"
    assert "field-email-error" in email["aria-describedby"]
    assert doc.text_by_id["field-email-error"].strip().endswith("Gebruik de vorm naam@voorbeeld.nl")
    assert doc.find("title") and "<title>Fout: Melding doen" in html


def test_render_form_page_keeps_what_the_user_typed():
    result = REPORT.validate(invalid_post(), lang="nl")
    doc = Doc(sitebuilder.render_form_page("report", "nl", result))
    assert doc.find("input", name="name")[0]["value"] == "Anna <de> Vries"  # escaped in HTML, intact
    assert doc.find("input", name="postcode")[0]["value"] == "1234ab"
    assert doc.find("input", name="email")[0]["value"] == "anna@"
    assert "checked" in doc.find("input", name="contact_time", value="avond")[0]
    assert not doc.find("input", name="started")  # no token passed: htmx fetches one
    assert "checked" not in doc.find("input", name="contact_time", value="ochtend")[0]
    assert doc.text_by_id["field-description"].strip() == "Harde muziek"


def test_render_form_page_without_errors_matches_the_built_page(public):
    assert sitebuilder.render_form_page("report", "en", None) == read(public, "en/report/index.html")


def test_render_form_returns_the_form_and_the_error_title_for_htmx():
    result = REPORT.validate({"lang": "en"}, lang="en")
    html = sitebuilder.render_form("report", "en", result).strip()
    title, form = html.split("\n", 1)
    assert title == "<title>Error: Make a report - Buurtbemiddeling Lindenhoven</title>"
    assert form.startswith('<form class="form" id="form-report"') and form.endswith("</form>")
    assert "There is a problem" in form and "<html" not in form


def test_render_thanks_fragment_says_what_happens_next():
    html = sitebuilder.render_thanks_fragment("report", "nl")
    assert "Bedankt voor uw melding" in html and "5 werkdagen" in html
    assert 'id="form-report"' in html  # same id as the form it replaces
    assert html.startswith("<title>Bedankt voor uw melding - Buurtbemiddeling Lindenhoven</title>")
    assert "Thank you for your report" in sitebuilder.render_thanks_fragment("report", "en")


def test_a_programmes_own_settings_in_the_local_file_override_the_shipped_ones_key_by_key(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(DEFAULT_ROOT, root, ignore=shutil.ignore_patterns("site.local.toml"))
    (root / "site.local.toml").write_text('name = "Buurtbemiddeling Zonnedal"\nphone = "020 123 4567"\n'
                                          '[colors]\nbrand = "#0b5394"\n')
    site = Site(root)
    build(site, tmp_path / "out")
    home = (tmp_path / "out" / "index.html").read_text()
    assert "Buurtbemiddeling Zonnedal" in home and "020 123 4567" in home
    shipped = tomllib.loads((DEFAULT_ROOT / "site.toml").read_text())
    assert site.config["email"] == shipped["email"]  # what the local file leaves out stays
    assert "#0b5394" in (tmp_path / "out" / "assets" / "site.css").read_text()


def test_the_programmes_wijken_come_from_site_toml_and_a_bad_value_fails_clearly(tmp_path):
    root = copy_site(tmp_path)
    toml = root / "site.toml"
    assert Site(root).config["wijken"][:2] == ["Centrum", "De Linden"]
    toml.write_text(re.sub(r"(?m)^wijken = .*\n", "", toml.read_text("utf-8")), "utf-8")
    assert Site(root).config["wijken"] == []  # optional: the coordinator fills the list in the admin
    toml.write_text(toml.read_text("utf-8").replace('default_language = "nl"', 'default_language = "nl"\nwijken = "Centrum"'), "utf-8")
    with pytest.raises(BuildError, match="wijken must be a list of names"):
        Site(root)


def test_a_process_serving_one_request_uses_the_settings_the_last_one_checked(tmp_path, monkeypatch):
    """Under CGI (common.process_cache.FOLDER set by app.cgi) the checked settings are kept: the
    next process parses no site.toml; a changed settings file or checking code is read again,
    and a damaged kept file is a miss."""
    from common import process_cache
    from sitebuilder import config

    root, shaping = copy_site(tmp_path), tmp_path / "checks.py"
    shaping.write_text("# stands for the code that checks the settings\n")
    monkeypatch.setattr(config, "_SHAPING", (shaping,))
    monkeypatch.setattr(process_cache, "FOLDER", tmp_path / "cache")
    monkeypatch.setattr(sitebuilder, "_configs", {})
    checked = sitebuilder.site_config(root)
    assert checked == config.load_config(root) and checked["wijken"][:2] == ["Centrum", "De Linden"]

    def parsed(root):
        raise AssertionError("site.toml parsed again")

    sitebuilder._configs.clear()  # a new process
    with monkeypatch.context() as patched:
        patched.setattr(config, "load_config", parsed)
        assert sitebuilder.site_config(root) == checked

    (root / "site.local.toml").write_text('name = "Buurtbemiddeling Zonnedal"\n')
    sitebuilder._configs.clear()
    assert sitebuilder.site_config(root)["name"] == "Buurtbemiddeling Zonnedal"

    sitebuilder._configs.clear()
    shaping.write_text("# the checks changed: so may what they make of the same file\n")
    with monkeypatch.context() as patched:
        patched.setattr(config, "load_config", parsed)
        with pytest.raises(AssertionError, match="parsed again"):
            sitebuilder.site_config(root)

    for kept in (tmp_path / "cache").rglob("*.pickle"):
        kept.write_bytes(b"damaged")
    sitebuilder._configs.clear()
    assert sitebuilder.site_config(root)["name"] == "Buurtbemiddeling Zonnedal"


def test_build_py_builds_the_site_in_a_fresh_process(tmp_path):
    """As `make build` runs it: nothing imported before the builder (a package that loads its
    modules on first use must still give the builder what it asks for)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--out", str(tmp_path / "public")],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "public" / "index.html").is_file()
