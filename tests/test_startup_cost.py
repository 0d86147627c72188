"""Under CGI the app starts for every request (deploy/app.cgi, as Apache runs it): a fresh process
loads only what its request needs, and starts without the data lock when nothing is due.

No timings here: `make bench` measures them (bench/cgi.py). These tests prove the causes."""
from __future__ import annotations

import ast
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest

from app import create_app
from buurtbemiddeling.auth import users
from bench import cgi, workers
from bench.report_post import report_data
from common import clock
from db.locking import ProcessLock
from tests import source_tree
from tests.conftest import PASSWORD

COORDINATOR = "coordinator@example.org"
ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("app", "buurtbemiddeling", "common", "db", "figures", "forms", "sitebuilder")
# Libraries only some pages need (PDFs, spreadsheets, charts, calendars, Markdown, the site
# builder, two-step secrets, sending mail): none may load for the login page or a public post.
HEAVY = ("weasyprint", "openpyxl", "pygal", "icalendar", "cryptography", "markdown", "nh3", "frontmatter", "yaml",
         "sitebuilder.site", "sitebuilder.output", "smtplib", "dateutil", "PIL")




def undocumented_dataclasses(modules: set[str]) -> list[str]:
    """The project's dataclasses in these modules without a docstring: `dataclasses` writes one
    from inspect.signature when such a class is made, 0,1 ms each in every CGI process."""
    found = []
    for module in sorted(modules):
        path = ROOT.joinpath(*module.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        if module.split(".")[0] not in PROJECT_PACKAGES or not path.is_file():
            continue
        for node in ast.walk(source_tree.parsed(path)):
            if (isinstance(node, ast.ClassDef) and ast.get_docstring(node) is None
                    and any("dataclass" in ast.unparse(decorator) for decorator in node.decorator_list)):
                found.append(f"{module}.{node.name}")
    return found


def views_loaded(modules: set[str]) -> list[str]:
    """The view modules of areas a process imported (the admin shell and login are always there)."""
    return sorted(m for m in modules if m.startswith("buurtbemiddeling.") and m.rsplit(".", 1)[-1].endswith("views")
                  and m not in ("buurtbemiddeling.admin.views", "buurtbemiddeling.auth.views"))


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cgi") / "instance"
    app = create_app({"INSTANCE_PATH": str(folder), "TESTING": True})  # folders made, migrations applied
    users.create_user(app.extensions["store"], COORDINATOR, PASSWORD, "coordinator", "Carla")
    return folder


@pytest.fixture(scope="module")
def script(instance):
    script = cgi.install(instance, instance.parent / "public")
    # The day's first request also runs the daily retention check, under the lock (privacy/hooks.py).
    assert cgi.request(script, "GET", "/beheer/inloggen").status == 200
    return script


def test_the_login_page_loads_no_heavy_library(script, instance):
    answer, modules = cgi.modules_loaded(script, "GET", "/beheer/inloggen")
    assert answer.status == 200 and b"Inloggen" in answer.body
    assert sorted(m for m in HEAVY if m in modules) == []
    assert views_loaded(modules) == [], "no area's views are imported for the login page"
    assert "buurtbemiddeling.privacy.retention" not in modules, "retention ran today: its rules stay unloaded"
    assert "buurtbemiddeling.protocols.checklist" not in modules, "an area's rules load where they are used"
    assert "tomllib" not in modules, "an instance without config.toml needs no TOML parser"
    (kept,) = (instance / "cache").glob("dataclasses.*.marshal")  # the dataclasses' code, for the next process
    assert kept.stat().st_mode & 0o777 == 0o600
    # That it takes no lock: test_a_process_starts_and_answers_while_a_writer_holds_the_data_lock.


def test_a_public_report_is_stored_without_loading_a_heavy_library(script, instance):
    body = urlencode(report_data(1), doseq=True).encode()
    answer, modules = cgi.modules_loaded(script, "POST", "/melding", body=body,
                                         content_type="application/x-www-form-urlencoded")
    assert answer.status == 303, answer.body[:500]
    assert sorted(m for m in HEAVY if m in modules) == []
    assert "buurtbemiddeling.reports.form_posts" in modules
    assert views_loaded(modules) == [], "the inbox and the case page stay unloaded"
    assert not {"buurtbemiddeling.admin.views", "buurtbemiddeling.auth.views"} & modules, "nor the admin's or login's"
    assert not {"buurtbemiddeling.cases.page", "buurtbemiddeling.cases.repo"} & modules, "a post reads no case"
    assert workers.report_count(instance) >= 1


@pytest.fixture(scope="module")
def cookie(script):
    return cgi.log_in(script, COORDINATOR, PASSWORD)


def test_vandaag_imports_the_areas_panels_but_no_areas_views(script, cookie):
    answer, modules = cgi.modules_loaded(script, "GET", "/beheer/", cookie=cookie)
    assert answer.status == 200 and b"Vandaag" in answer.body
    assert sorted(m for m in HEAVY if m in modules) == []
    assert views_loaded(modules) == []
    assert {"buurtbemiddeling.cases.dashboard", "buurtbemiddeling.volunteers.dashboard"} <= modules
    assert not {"forms.report", "forms.application", "forms.referral"} & modules, "the public forms are built only where a page shows one"
    assert not {"forms.fields", "tomllib"} & modules, "no field is checked and no settings file read"
    assert "buurtbemiddeling.auth.views" not in modules, "a page's guard is auth/guard.py, not the login views"
    assert not {"sitebuilder", "buurtbemiddeling.messages.templates"} & modules, "the calls due write no message"
    assert undocumented_dataclasses(modules) == []


def test_a_case_page_imports_its_areas_sections_but_no_other_areas_views(script, cookie, instance):
    from buurtbemiddeling.cases import repo

    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    case_id, _ = repo.create_case(app.extensions["store"], {"parties": [{"name": "Fatma Yıldız"}, {}]}, None)
    assert cgi.request(script, "GET", f"/beheer/zaken/{case_id}", cookie=cookie).status == 200  # keeps the settings
    answer, modules = cgi.modules_loaded(script, "GET", f"/beheer/zaken/{case_id}", cookie=cookie)
    assert answer.status == 200 and "Fatma Yıldız".encode() in answer.body
    assert sorted(m for m in HEAVY if m in modules) == []
    assert views_loaded(modules) == ["buurtbemiddeling.cases.views"]
    assert {"buurtbemiddeling.matching.case_section", "buurtbemiddeling.quality.case_section"} <= modules
    assert not {"buurtbemiddeling.quality.figures", "statistics"} & modules, "the quality figures are another page's"
    assert not {"buurtbemiddeling.matching.score", "buurtbemiddeling.matching.facts"} & modules, \
        "a case too early for a duo is ranked against no volunteer: the matching's rules stay unloaded"
    assert not {"buurtbemiddeling.sheets", "buurtbemiddeling.cases.importing", "buurtbemiddeling.cases.columns",
                "buurtbemiddeling.cases.csv_io", "buurtbemiddeling.xlsx"} & modules, \
        "the spreadsheet import and export load with their own pages"
    assert not {"tomllib", "forms.fields"} & modules, "the wijken come from the settings the last process checked"
    assert "buurtbemiddeling.messages.letters" not in modules, "the intake's advice offer composes no letter"
    assert undocumented_dataclasses(modules) == []


def test_a_process_starts_and_answers_while_a_writer_holds_the_data_lock(script, instance):
    with ProcessLock(instance / "data" / ".lock", timeout=5):
        answer = cgi.request(script, "GET", "/beheer/inloggen")
    assert answer.status == 200, answer.body[:500]


def test_start_up_takes_the_lock_when_a_killed_writer_left_work(script, instance):
    tables = instance / "data" / "tables"
    leftover = tables / ".reports.json.4242.1.tmp"
    leftover.write_bytes(b'{"reports": {"1": {"half": ')
    answer = cgi.request(script, "GET", "/beheer/inloggen")
    assert answer.status == 200
    assert not leftover.exists(), "the start-up cleaned up under the lock"


def test_a_pdf_is_made_in_a_process_of_its_own_so_the_worker_never_loads_weasyprint(script, cookie):
    answer, modules = cgi.modules_loaded(script, "GET", f"/beheer/rapportages/pdf?jaar={clock.today().year}",
                                         cookie=cookie)
    assert answer.status == 200 and answer.body.startswith(b"%PDF")
    assert "weasyprint" not in modules
    text = subprocess.run(["pdftotext", "-", "-"], input=answer.body, capture_output=True, check=True).stdout
    assert b"Jaarverslag" in text or b"jaarverslag" in text.lower(), text[:300]


def test_weasyprints_libraries_are_found_with_one_ldconfig_not_a_compiler_and_linker_per_name(monkeypatch):
    """WeasyPrint asks ctypes.util.find_library for each library under up to six names; the
    standard search ran `ldconfig -p` per name and gcc and ld per name it did not list (54
    processes, ~0.2 s of CPU, every time the PDF process starts). While buurtbemiddeling.pdf
    loads it, one listing answers, as the standard search's first step would."""
    import ctypes.util

    from buurtbemiddeling import pdf

    started = []
    popen = subprocess.Popen.__init__

    def recorded(self, args, *rest, **kwargs):
        started.append(args[0])
        popen(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", recorded)
    full_search = ctypes.util.find_library
    with pdf._libraries_from_ldconfig():
        found = {name: ctypes.util.find_library(name) for name in ("pango-1.0", "libpango-1.0-0", "fontconfig",
                                                                   "harfbuzz-subset", "no-such-library")}
    assert started == ["/sbin/ldconfig"]
    assert found == {"pango-1.0": "libpango-1.0.so.0", "libpango-1.0-0": None, "fontconfig": "libfontconfig.so.1",
                     "harfbuzz-subset": "libharfbuzz-subset.so.0", "no-such-library": None}
    assert ctypes.util.find_library is full_search
    assert full_search("pango-1.0") == found["pango-1.0"], "the standard search finds the same"


def test_a_page_of_one_case_parses_only_the_part_of_the_cases_that_holds_it(tmp_path):
    """Tables kept in parts (db/parts.py) are read a part at a time: the edit form of case 3
    parses the part with ids 3-4, not the other cases. Parts of two cases here, so five cases
    make three parts (the app's parts hold 200)."""
    from buurtbemiddeling import store as app_store
    from buurtbemiddeling.cases import repo
    from common import tables
    from db import Store

    instance = tmp_path / "instance"
    create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    store = Store(instance / "data", lazy=app_store.LAZY_TABLES, no_history=app_store.NO_HISTORY,
                  parts={**app_store.PARTS, tables.CASES: 2})
    users.create_user(store, COORDINATOR, PASSWORD, "coordinator", "Carla")
    names = ["Anna de Vries", "Bram Jansen", "Chaima El Idrissi", "Daan Bakker", "Eva Smit"]
    ids = [repo.create_case(store, {"parties": [{"name": name}, {}]}, None)[0] for name in names]
    assert ids == [1, 2, 3, 4, 5]
    script = cgi.install(instance, tmp_path / "public")
    cookie = cgi.log_in(script, COORDINATOR, PASSWORD)
    answer, read = cgi.tables_read(script, "GET", "/beheer/zaken/3/gegevens", cookie=cookie)
    assert answer.status == 200 and "Chaima El Idrissi".encode() in answer.body
    assert {name: how for name, how in read.items() if name.startswith("cases")} == {"cases.3-4": "parsed"}


def test_pages_read_what_the_previous_process_kept_and_follow_a_note_added_since(tmp_path):
    """A fresh process keeps what it built over whole tables on disk when it holds no personal
    data (db/kept_on_disk.py): the timeline's index and each case's activity, the step counts,
    the cases about the same two addresses as ids. The next Vandaag then parses no event, and the
    next case page only the parts of the timeline that hold its events and the parts of the
    cases that hold it and its duplicate. A note added by another process changes the timeline's
    versions, a new case about the same addresses the cases': the next page builds again and
    shows it."""
    from buurtbemiddeling import store as app_store
    from buurtbemiddeling.cases import repo
    from common import tables
    from db import Store

    instance = tmp_path / "instance"
    create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    store = Store(instance / "data", lazy=app_store.LAZY_TABLES, no_history=app_store.NO_HISTORY,
                  parts={**app_store.PARTS, tables.CASE_EVENTS: 2, tables.CASES: 2})
    users.create_user(store, COORDINATOR, PASSWORD, "coordinator", "Carla")
    same_streets = [{"name": "Anna de Vries", "street": "Merelstraat 8"}, {"street": "Merelstraat 10"}]
    cases = [repo.create_case(store, {"parties": parties}, None) for parties in (
        same_streets, [{"name": "Bram Jansen"}, {}], [{"name": "Chaima El Idrissi"}, {}], [{"name": "Daan Bakker"}, {}],
        [{"name": "Eva Smit", "street": "Merelstr. 10"}, {"street": "Merelstraat 8"}])]
    assert [case_id for case_id, _ in cases] == [1, 2, 3, 4, 5]
    for case_id, _ in cases:
        repo.add_entry(store, case_id, {"kind": "note", "text": f"Eerste gesprek gepland ({case_id})"}, None)
    script = cgi.install(instance, tmp_path / "public")
    cookie = cgi.log_in(script, COORDINATOR, PASSWORD)

    def page(uri: str) -> tuple[bytes, dict[str, set[str]]]:
        answer, read = cgi.tables_read(script, "GET", uri, cookie=cookie)
        assert answer.status == 200, answer.body[:300]
        return answer.body, {table: {name for name in read if name.startswith(table + ".")}
                             for table in (tables.CASES, tables.CASE_EVENTS)}

    def parts_holding(table: str, ids) -> set[str]:
        return {f"{table}.{(i - 1) // 2 * 2 + 1}-{(i - 1) // 2 * 2 + 2}" for i in ids}

    def events_of(case_id: int) -> list[int]:
        return [e.doc_id for e in store.read().table(tables.CASE_EVENTS).all() if e["case_id"] == case_id]

    every_event_part = parts_holding(tables.CASE_EVENTS, [i for case_id in range(1, 6) for i in events_of(case_id)])
    duplicate = f"Zaak {cases[0][1]}".encode()
    body, first = page("/beheer/zaken/5")
    assert first[tables.CASE_EVENTS] == every_event_part and len(first[tables.CASES]) == 3
    assert b"Eerste gesprek gepland (5)" in body and duplicate in body
    body, second = page("/beheer/zaken/5")
    assert second[tables.CASE_EVENTS] == parts_holding(tables.CASE_EVENTS, events_of(5))
    assert second[tables.CASES] == parts_holding(tables.CASES, [5, 1]), "no other case's address is read"
    assert b"Eerste gesprek gepland (5)" in body and duplicate in body

    page("/beheer/")
    body, vandaag = page("/beheer/")
    assert vandaag[tables.CASE_EVENTS] == set() and b"Vandaag" in body and b"Eva Smit" in body

    repo.add_entry(store, 5, {"kind": "note", "text": "Partij B belde terug"}, None)
    body, _ = page("/beheer/zaken/5")
    assert b"Partij B belde terug" in body and b"Eerste gesprek gepland (5)" in body
    body, again = page("/beheer/zaken/5")
    assert again[tables.CASE_EVENTS] == parts_holding(tables.CASE_EVENTS, events_of(5)) and b"Partij B belde terug" in body

    later, number = repo.create_case(store, {"parties": [{"name": "Fenna Mulder", "street": "Merelstraat 10"},
                                                         {"street": "Merelstraat 8"}]}, None)
    body, after_new_case = page("/beheer/zaken/5")
    assert f"Zaak {number}".encode() in body and duplicate in body
    assert len(after_new_case[tables.CASES]) == 3, "the cases changed: every part is read again, once"
    body, again = page("/beheer/zaken/5")
    assert again[tables.CASES] == parts_holding(tables.CASES, [5, 1, later]) and f"Zaak {number}".encode() in body
