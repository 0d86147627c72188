"""The static site builder: golden checks on the built site, idempotence, link checking,
and the render API the app uses for posts with errors."""
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

import sitebuilder
from forms import REPORT
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
    assert main(["--out", str(out)]) == 0
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


# -- golden checks ----------------------------------------------------------

def test_it_builds_pretty_urls_for_both_languages(public):
    for rel in ["index.html", "melding-doen/index.html", "melding/bedankt/index.html", "privacy/index.html",
                "en/index.html", "en/report/index.html", "en/report/thanks/index.html", "en/privacy/index.html",
                "404.html", "sitemap.xml", "robots.txt", "assets/site.css", "assets/htmx.min.js"]:
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
    assert form["hx-post"] == "/melding" and form["hx-target"] == "this" and form["hx-swap"] == "outerHTML"
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


def test_form_pages_load_only_htmx_deferred(public):
    doc = page(public, "melding-doen/index.html")
    assert doc.find("script") == [{"src": "/assets/htmx.min.js", "defer": None}]
    config = doc.find("meta", name="htmx-config")[0]["content"]
    assert '"includeIndicatorStyles":false' in config


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

def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["--out", str(first)]) == 0
    assert main(["--out", str(second)]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_a_rebuild_replaces_the_previous_output(tmp_path):
    out = tmp_path / "public"
    assert main(["--out", str(out)]) == 0
    (out / "stale.html").write_text("old")
    assert main(["--out", str(out)]) == 0
    assert not (out / "stale.html").exists()


def test_a_broken_internal_link_fails_the_build_naming_file_and_link(tmp_path, capsys):
    root = copy_site(tmp_path)
    page_file = root / "content" / "nl" / "privacy.md"
    page_file.write_text(page_file.read_text("utf-8") + "\nZie ook [de folder](/folder-bestaat-niet/).\n", "utf-8")
    out = tmp_path / "public"
    assert main(["--site", str(root), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "privacy.md" in err and "/folder-bestaat-niet/" in err
    assert not out.exists()  # nothing half-built left behind


def test_a_failed_build_leaves_the_previous_output_alone(tmp_path):
    out = tmp_path / "public"
    assert main(["--out", str(out)]) == 0
    root = copy_site(tmp_path)
    (root / "content" / "nl" / "index.md").write_text(
        "---\ntitle: Home\ndescription: x\n---\n[kapot](/nergens/)\n", "utf-8")
    with pytest.raises(BuildError):
        build(Site(root), out)
    assert "Melding doen" in (out / "index.html").read_text("utf-8")


def test_an_inline_style_in_content_fails_the_build(tmp_path):
    root = copy_site(tmp_path)
    md = root / "content" / "en" / "privacy.md"
    md.write_text(md.read_text("utf-8") + '\n<p style="color:red">Hi</p>\n', "utf-8")
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
    assert "checked" not in doc.find("input", name="contact_time", value="ochtend")[0]
    assert doc.text_by_id["field-description"].strip() == "Harde muziek"


def test_render_form_page_without_errors_matches_the_built_page(public):
    assert sitebuilder.render_form_page("report", "en", None) == read(public, "en/report/index.html")


def test_render_form_returns_only_the_form_for_htmx():
    result = REPORT.validate({"lang": "en"}, lang="en")
    html = sitebuilder.render_form("report", "en", result).strip()
    assert html.startswith('<form class="form" id="form-report"') and html.endswith("</form>")
    assert "There is a problem" in html and "<html" not in html


def test_render_thanks_fragment_says_what_happens_next():
    html = sitebuilder.render_thanks_fragment("report", "nl")
    assert "Bedankt voor uw melding" in html and "5 werkdagen" in html
    assert 'id="form-report"' in html  # same id as the form it replaces
    assert "Thank you for your report" in sitebuilder.render_thanks_fragment("report", "en")
