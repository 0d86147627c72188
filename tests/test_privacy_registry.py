"""The personal-data registry (privacy/registry.py) knows every stored table and field: a new
field that could hold someone's data fails here until it is classified."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from buurtbemiddeling import demo
from buurtbemiddeling.privacy import registry, retention
from buurtbemiddeling.reports import intake
from common import tables
from forms import FORMS, CheckboxesField, CheckboxGridField, EmailField, PhoneField, PostcodeField, TextAreaField
from tests.source_tree import parsed

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo_store(store, clock):
    demo.fill(store)
    return store


def test_every_field_of_the_demo_programme_is_classified(demo_store):
    view = demo_store.read()
    unknown = {}
    for name in demo_store.table_names():
        assert name in registry.TABLES, f"table {name} is not in privacy/registry.py"
        for doc in view.table(name).all():
            for path in registry.unregistered(name, doc):
                unknown.setdefault(name, set()).add(path)
    assert unknown == {}, "classify these fields in privacy/registry.py as personal or plain"


def test_a_new_field_is_caught():
    assert registry.unregistered("cases", {"parties": [{"name": "X", "nickname": "Y"}]}) == {"parties[].nickname"}
    assert registry.kind_of("shoe_sizes", "size") is None


def test_every_field_of_every_public_form_is_classified_by_its_type():
    expected = {EmailField: registry.EMAIL, PhoneField: registry.PHONE, PostcodeField: registry.ADDRESS,
                TextAreaField: registry.TEXT}
    for form_name, form in FORMS.items():
        table = intake.table_for(form_name)
        for field in form.fields:
            many = isinstance(field, (CheckboxesField, CheckboxGridField))
            kind = registry.kind_of(table, f"values.{field.name}" + ("[]" if many else ""))
            assert kind is not None, f"{form_name}.{field.name} is not in privacy/registry.py ({table})"
            if type(field) in expected:
                assert kind == expected[type(field)], f"{form_name}.{field.name}"


def _constants() -> dict[str, set[str]]:
    """Every upper-case name assigned a string in the code: name -> its values."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "buurtbemiddeling").rglob("*.py"):
        for node in ast.walk(parsed(path)):
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target, value = node.targets[0], node.value
            pairs = (zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                     else [(target, value)])
            for name, const in pairs:
                if isinstance(name, ast.Name) and name.id.isupper() and isinstance(const, ast.Constant) \
                        and isinstance(const.value, str):
                    found.setdefault(name.id, set()).add(const.value)
    return found


def test_every_table_the_code_names_is_in_the_registry():
    """Tables: their names have one home (common/tables.py, which tests/test_table_names.py holds
    the code to). Counter sets: `store.counters.update(CONSTANT)` / `.read(CONSTANT)` in the admin."""
    assert tables.ALL - set(registry.TABLES) == set()
    constants, counters = _constants(), set()
    for path in (ROOT / "buurtbemiddeling").rglob("*.py"):
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args \
                    and node.func.attr in ("update", "read") and isinstance(node.args[0], ast.Name | ast.Attribute):
                arg = node.args[0]
                ident = arg.id if isinstance(arg, ast.Name) else arg.attr
                if "TABLE" in ident and ident in constants:
                    counters |= constants[ident]
    assert "login_throttle" in counters
    assert counters - set(registry.COUNTERS) == set()


def test_every_holder_names_registered_personal_fields():
    for holder in registry.HOLDERS:
        for field, kind in holder.fields.items():
            assert registry.kind_of(holder.table, holder.path(field)) == kind, (holder.table, field)


@pytest.mark.parametrize("table, keep", [
    ("cases", retention.CASE_KEEP), ("case_events", retention.EVENT_KEEP), ("reports", retention.REPORT_KEEP),
    ("applications", retention.APPLICATION_KEEP), ("volunteers", retention.VOLUNTEER_KEEP),
    ("debriefs", retention.DEBRIEF_KEEP), ("nazorg", retention.NAZORG_KEEP), ("appointments", retention.APPOINTMENT_KEEP),
    ("coaching_notes", retention.NOTE_KEEP), ("volunteer_signals", retention.NOTE_KEEP),
    ("expense_claims", retention.CLAIM_KEEP),
])
def test_retention_keeps_no_identifying_detail_free_text_or_file(table, keep):
    # Who wrote a timeline entry stays: the programme's own staff, not the resident.
    keep = keep - {"user_name"} if table == "case_events" else keep
    kept = {field: registry.kind_of(table, field) or registry.kind_of(table, field + "[]") for field in keep}
    assert {f: k for f, k in kept.items() if k in registry.IDENTIFYING | {registry.TEXT, registry.FILE}} == {}


def test_values_and_rewrite_follow_paths():
    doc = {"parties": [{"name": "An"}, {"name": "Bo"}], "answers": {"4": {"note": "n"}}, "closing": None}
    assert list(registry.values(doc, "parties[].name")) == ["An", "Bo"]
    assert list(registry.values(doc, "answers.*.note")) == ["n"]
    assert list(registry.values(doc, "closing.agreements")) == []
    changed = registry.rewrite(doc, "parties[].name", str.upper)
    assert changed["parties"] == [{"name": "AN"}, {"name": "BO"}] and doc["parties"][0]["name"] == "An"


def test_every_table_with_personal_data_has_a_dutch_name():
    assert {name for name, table in registry.TABLES.items() if table.personal} == set(registry.LABELS)
