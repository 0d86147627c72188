"""In development the app serves the built public site too."""
import pytest

import sitebuilder


@pytest.fixture(scope="module")
def served(module_app, built_site):
    """A client of the app serving the built site; every test here only reads (`module_app`)."""
    module_app.config["PUBLIC_DIR"] = str(built_site)  # only read: the session's one build
    return module_app.test_client()


def test_the_home_page_explains_and_links_to_the_report_form(served):
    html = served.get("/").get_data(as_text=True)
    assert "Buurtbemiddeling" in html and 'href="/melding-doen/"' in html


def test_pages_are_served_from_their_folder_and_a_missing_page_is_a_404_page(served):
    assert served.get("/melding-doen/").status_code == 200
    assert served.get("/melding-doen").status_code == 308
    missing = served.get("/bestaat-niet/")
    assert missing.status_code == 404 and "<html" in missing.get_data(as_text=True)


@pytest.mark.parametrize("lang", sitebuilder.Site(sitebuilder.DEFAULT_ROOT).languages)
def test_an_unknown_address_gets_the_404_page_in_the_language_of_its_folder(served, lang):
    site = sitebuilder.get_site()
    prefix = site.prefix(lang)
    for address in (f"{prefix}/bestaat-niet/", f"{prefix}/bestaat/ook/niet", f"{prefix}/assets-niet.css"):
        response = served.get(address)
        html = response.get_data(as_text=True)
        assert response.status_code == 404, address
        assert f'<html lang="{lang}"' in html and f"<h1>{site.strings[lang]['not_found_title']}</h1>" in html, address


def test_paths_cannot_escape_the_public_folder(served):
    assert served.get("/../app.py").status_code == 404
    assert served.get("/%2e%2e/app.py").status_code == 404
