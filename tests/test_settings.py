"""Instellingen: the configurable lists (a value in use is retired, never deleted) and numbers."""
from datetime import date

import pytest

from buurtbemiddeling.settings import lists, numbers
from forms import DEFAULT_CONFLICT_TYPES


def html(response):
    return response.get_data(as_text=True)


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


def test_every_list_of_the_case_registration_is_registered_with_defaults(store):
    view = store.read()
    for key in ("conflict_types", "referrer_types", "outcomes", "unsuitable_reasons", "not_solved_reasons",
                "wijken", "household_types"):
        assert lists.choices(view, key), key
    assert [v for v, _ in lists.choices(view, "conflict_types")] == [v for v, _ in DEFAULT_CONFLICT_TYPES]
    assert ("de-linden", "De Linden") in lists.choices(view, "wijken")
    assert lists.choices_i18n(view, "conflict_types")[0] == ("geluidsoverlast", {"nl": "Geluidsoverlast", "en": "Noise"})


def test_the_wijken_a_new_programme_starts_with_are_its_own_not_the_demo_towns(store):
    import sitebuilder
    configured = sitebuilder.site_config()["wijken"]
    assert [label for _, label in lists.choices(store.read(), "wijken")] == configured


def test_only_the_demo_command_reaches_the_demo_data():
    import ast
    from pathlib import Path
    package = Path(lists.__file__).resolve().parents[1]
    reaching = set()
    for path in package.rglob("*.py"):
        if "demo" in path.relative_to(package).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and ("demo" in (node.module or "").split(".")
                                                     or any(a.name == "demo" for a in node.names)):
                reaching.add(path.relative_to(package).as_posix())
    assert reaching == {"cli.py"}


def test_another_area_registers_its_own_list_and_usage_hook(store):
    lists.register("test_channels", "Wervingskanalen", [("krant", "Krant"), ("markt", {"nl": "Markt", "en": "Market"})])
    lists.register_usage("test_channels", lambda view, value: value == "krant")
    try:
        view = store.read()
        assert lists.label(view, "test_channels", "markt") == "Markt"
        assert lists.label(view, "test_channels", "markt", "en") == "Market"
        assert lists.in_use(view, "test_channels", "krant") and not lists.in_use(view, "test_channels", "markt")
    finally:
        lists.REGISTRY.pop("test_channels")
        lists.USAGE.pop("test_channels")


def test_the_first_edit_stores_the_list_in_the_shared_doc_shape(store):
    with store.transaction() as tx:
        value = lists.add(tx, "referrer_types", "Jongerenwerk", "Youth work")
    docs = store.read().table("lists").all()
    assert value == "jongerenwerk" and len(docs) == 9
    assert docs[-1] == {"list": "referrer_types", "value": "jongerenwerk", "label": "Jongerenwerk",
                        "label_en": "Youth work", "retired": False, "order": 8}


def test_a_label_can_be_renamed_while_the_stored_value_stays(store):
    with store.transaction() as tx:
        lists.rename(tx, "outcomes", "opgelost", "Positief afgesloten")
    assert lists.label(store.read(), "outcomes", "opgelost") == "Positief afgesloten"


def test_a_duplicate_or_empty_label_is_refused(store):
    with pytest.raises(lists.ListError, match="staat al"):
        with store.transaction() as tx:
            lists.add(tx, "wijken", "centrum")
    with pytest.raises(lists.ListError, match="Vul een naam"):
        with store.transaction() as tx:
            lists.add(tx, "wijken", "   ")
    assert store.read().table("lists").all() == []  # nothing half-written


def test_a_retired_value_is_no_longer_offered_but_keeps_its_label(store):
    with store.transaction() as tx:
        lists.set_retired(tx, "wijken", "havenkwartier", True)
    view = store.read()
    assert "havenkwartier" not in dict(lists.choices(view, "wijken"))
    assert "havenkwartier" in dict(lists.choices(view, "wijken", include_retired=True))
    assert lists.label(view, "wijken", "havenkwartier") == "Havenkwartier"


def test_values_are_moved_up_and_down(store):
    with store.transaction() as tx:
        lists.move(tx, "outcomes", "niet-opgelost", -1)
    assert [v for v, _ in lists.choices(store.read(), "outcomes")] == ["opgelost", "niet-opgelost", "deels-opgelost"]


def test_the_intake_deadline_and_nazorg_weeks_are_configurable_numbers(store):
    assert numbers.get(store.read(), "intake_working_days") == 5 and numbers.get(store.read(), "nazorg_weeks") == 4
    with store.transaction() as tx:
        numbers.set_value(tx, "nazorg_weeks", 6)
    assert numbers.get(store.read(), "nazorg_weeks") == 6
    with pytest.raises(ValueError, match="van 1 tot en met 30"):
        numbers.parse("intake_working_days", "0")
    with pytest.raises(ValueError, match="heel getal"):
        numbers.parse("intake_working_days", "vijf")


# -- the pages --------------------------------------------------------------------

def test_the_settings_page_lists_every_list_and_the_numbers(module_clients):
    page = html(module_clients.coordinator.get("/beheer/instellingen/"))
    for text in ("Soorten conflict", "Soorten verwijzers", "Uitkomsten", "Redenen ongeschikt", "Redenen niet opgelost",
                 "Wijken", "Huishoudens", "Termijn voor de intake"):
        assert text in page, text


def test_a_value_is_added_in_the_admin_and_offered_on_the_public_form_post(client, store, coordinator):
    response = client.post("/beheer/instellingen/lijst/conflict_types", data={"label": "Drugsoverlast", "label_en": "Drugs"})
    assert response.status_code == 303
    assert "Drugsoverlast" in html(client.get("/beheer/instellingen/lijst/conflict_types"))
    from buurtbemiddeling.reports.form_posts import _configured
    with client.application.test_request_context():
        form = _configured("report")
    assert "drugsoverlast" in [value for value, _ in form.field("conflict_type").choices]


def test_a_bad_new_value_comes_back_with_a_message_and_what_was_typed(client, coordinator):
    response = client.post("/beheer/instellingen/lijst/wijken", data={"label": "Centrum", "label_en": "Town centre"})
    assert response.status_code == 422 and "staat al in de lijst" in html(response) and "Town centre" in html(response)


def test_a_value_in_use_cannot_be_deleted_only_retired(client, store, coordinator):
    from buurtbemiddeling.cases import repo
    repo.create_case(store, {"wijk": "centrum", "parties": [{}, {}]}, None)
    page = html(client.get("/beheer/instellingen/lijst/wijken"))
    assert "In gebruik" in page
    response = client.post("/beheer/instellingen/lijst/wijken/centrum", data={"action": "delete"})
    assert response.status_code == 422 and "is in gebruik en kan niet worden verwijderd" in html(response)
    assert client.post("/beheer/instellingen/lijst/wijken/centrum", data={"action": "retire"}).status_code == 303
    assert "centrum" not in dict(lists.choices(store.read(), "wijken"))
    assert client.post("/beheer/instellingen/lijst/wijken/centrum", data={"action": "restore"}).status_code == 303
    assert "centrum" in dict(lists.choices(store.read(), "wijken"))


def test_an_unused_value_is_deleted(client, store, coordinator):
    assert client.post("/beheer/instellingen/lijst/wijken/oosterveld", data={"action": "delete"}).status_code == 303
    assert "oosterveld" not in dict(lists.choices(store.read(), "wijken", include_retired=True))


def test_an_unknown_list_or_action_is_refused(client, coordinator):
    assert client.get("/beheer/instellingen/lijst/bestaatniet").status_code == 404
    assert client.post("/beheer/instellingen/lijst/wijken/centrum", data={"action": "opblazen"}).status_code == 400
    response = client.post("/beheer/instellingen/lijst/wijken/nergens", data={"action": "retire"})
    assert response.status_code == 422 and "bestaat niet" in html(response)


def test_the_numbers_are_saved_and_bad_ones_come_back_kept(client, store, coordinator):
    defaults = {key: str(number.default) for key, number in numbers.registered().items()}  # other areas add numbers too
    bad = client.post("/beheer/instellingen/getallen", data={**defaults, "intake_working_days": "veel", "nazorg_weeks": "6"})
    assert bad.status_code == 422 and "heel getal" in html(bad) and 'value="veel"' in html(bad)
    good = client.post("/beheer/instellingen/getallen", data={**defaults, "intake_working_days": "3", "nazorg_weeks": "6"})
    assert good.status_code == 303 and numbers.get(store.read(), "intake_working_days") == 3


def test_the_settings_pages_are_for_the_coordinator_only(client, as_user):
    as_user.volunteer()
    assert client.get("/beheer/instellingen/").status_code == 403
    assert client.post("/beheer/instellingen/lijst/wijken", data={"label": "x"}).status_code == 403
    as_user.anonymous()
    assert client.get("/beheer/instellingen/lijst/wijken").status_code == 302
    assert client.get("/beheer/instellingen/getallen").status_code == 405


def test_shortening_a_retention_period_says_how_many_records_the_next_run_anonymises_and_asks_first(
        client, store, coordinator):
    from common import clock

    closed_on = clock.today().replace(day=1).toordinal() - 400  # some 13 months ago
    with store.transaction() as tx:
        for n in range(3):
            tx.table("cases").insert({"number": f"2025-00{n}", "step": "afgesloten",
                                      "closing": {"outcome": "opgelost", "closed_on":
                                                  date.fromordinal(closed_on).isoformat()}, "parties": []})
    defaults = {key: str(number.default) for key, number in numbers.registered().items()}
    shorter = {**defaults, "retention_case_months": "12"}
    asked = client.post("/beheer/instellingen/getallen", data=shorter)
    page = html(asked)
    assert asked.status_code == 422 and "anonimiseert de volgende dagelijkse ronde <strong>3 zaken</strong>" in page
    assert 'value="12"' in page  # what was typed stays
    assert numbers.get(store.read(), "retention_case_months") == 24  # nothing changed yet
    done = client.post("/beheer/instellingen/getallen", data={**shorter, "confirm": "ja"}, follow_redirects=True)
    assert numbers.get(store.read(), "retention_case_months") == 12 and "anonimiseert 3 zaken" in html(done)
    longer = client.post("/beheer/instellingen/getallen", data={**defaults, "retention_case_months": "36"})
    assert longer.status_code == 303  # nothing more goes: no question
