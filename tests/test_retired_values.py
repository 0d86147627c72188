"""Retiring a list value loses nothing: every record that has it keeps it.

For every configurable list (lists.REGISTRY): a record uses a value, the coordinator retires
the value, opens the form that edits that record and saves it as the browser sends it back,
unchanged. The record still has the value, the form offered it marked "(uitgezet)" and
selected, and the figures still count it under its label. New records can't pick it.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Callable

import pytest
from werkzeug.datastructures import MultiDict

from buurtbemiddeling.cases import repo, usage
from buurtbemiddeling.reporting import sources as reporting
from buurtbemiddeling.settings import lists
from figures import period

from . import html_tree, matching_data
from .test_cases_views import add_report

MARK = lists.RETIRED_MARK.strip()


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


def retire(store, key: str, value: str) -> str:
    """Retire `value` the way the settings page does; its Dutch label."""
    with store.transaction() as tx:
        lists.set_retired(tx, key, value, True)
    return lists.label(store.read(), key, value)


def first_value(store, key: str, avoid: str = "") -> str:
    return next(doc["value"] for doc in lists.entries(store.read(), key) if doc["value"] != avoid)


def last_value(store, key: str) -> str:
    return lists.entries(store.read(), key)[-1]["value"]


# -- what a browser sends back ------------------------------------------------------

def form_on(page: str, action: str) -> html_tree.Element:
    tree = html_tree.parse(page)
    return next(f for f in tree.find_all("form") if (f.attrs.get("action") or "").endswith(action))


def submitted(form: html_tree.Element) -> MultiDict:
    """The fields a browser posts for `form` as rendered: checked boxes, selected options, values."""
    data = MultiDict()
    for element in form.iter():
        name = element.attrs.get("name")
        if not name or "disabled" in element.attrs:
            continue
        if element.tag == "input":
            kind = (element.attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in element.attrs:
                    data.add(name, element.attrs.get("value") or "on")
            elif kind not in ("submit", "button", "reset", "file", "image"):
                data.add(name, element.attrs.get("value") or "")
        elif element.tag == "select":
            options = element.find_all("option")
            chosen = [o for o in options if "selected" in o.attrs] or options[:1]
            for option in chosen[:1]:
                data.add(name, option.attrs.get("value", option.text()))
        elif element.tag == "textarea":
            data.add(name, element.text().removeprefix("\n"))
    return data


def offered(form: html_tree.Element, field: str, value: str) -> str:
    """The text next to `value` of `field` (option, box or number input), asserting it is chosen."""
    for option in form.find_all("option"):
        if option.attrs.get("value") == value and option in _options_of(form, field):
            assert "selected" in option.attrs, f"{field}={value} offered but not selected"
            return option.text()
    for box in form.find_all("input", name=field):
        if box.attrs.get("type") in ("checkbox", "radio") and box.attrs.get("value") == value:
            assert "checked" in box.attrs, f"{field}={value} offered but not ticked"
            return form.find("label", for_=box.attrs["id"]).text()
        if box.attrs.get("type") == "number":
            assert box.attrs.get("value"), f"{field} offered but empty"
            return form.find("label", for_=box.attrs["id"]).text()
    raise AssertionError(f"{field}={value} not offered")


def _options_of(form, field):
    return [o for s in form.find_all("select", name=field) for o in s.find_all("option")]


# -- records that use a list value --------------------------------------------------

def make_case(client, store, **fields) -> int:
    report_id = add_report(store)
    response = client.post(f"/beheer/meldingen/{report_id}/zaak", data={"wijk": "de-linden"})
    assert response.status_code == 303
    case_id = int(response.location.rsplit("/", 1)[-1])
    case = repo.get_case(store.read(), case_id)
    for name, change in fields.items():
        fields[name] = change(case) if callable(change) else change
    with store.transaction() as tx:
        tx.table(repo.CASES).update(fields, doc_ids=[case_id])
    return case_id


def _closing(outcome, reason=""):
    return lambda case: {"outcome": outcome, "reason": reason, "agreements": "", "nazorg_a": "", "nazorg_b": "",
                         "closed_on": case["reported_at"][:10]}


CASE_FIELDS = {  # list -> (what the case holds, the field of the details form that shows it)
    "conflict_types": (lambda v: {"conflict_types": [v]}, "conflict_types"),
    "referrer_types": (lambda v: {"referrer": lambda c: {**c["referrer"], "type": v}}, "referrer_type"),
    "wijken": (lambda v: {"wijk": v}, "wijk"),
    "household_types": (lambda v: {"parties": lambda c: [{**c["parties"][0], "household": v}, *c["parties"][1:]]},
                        "p0-household"),
    # Outcomes and reasons are recorded once, by closing or the intake decision; the details
    # form of such a case doesn't show them, and must not lose them either.
    "outcomes": (lambda v: {"step": "afgesloten", "closing": _closing(v)}, None),
    "not_solved_reasons": (lambda v: {"step": "afgesloten", "closing": _closing("niet-opgelost", v)}, None),
    "unsuitable_reasons": (lambda v: {"step": "ongeschikt", "intake": {"decision": "ongeschikt", "reason": v}},
                           None),
}
REPORT_FIGURE = {"conflict_types": "conflict_types", "referrer_types": "referrers", "wijken": "wijken",
                 "outcomes": "outcomes"}


@dataclass
class Scenario:
    """A record using `key`'s value: made, edited through its form, read back, counted."""

    make: Callable  # (client, store, value) -> record id
    form: Callable[[int], str] | None  # record id -> URL of the form that edits it (None: no such form)
    field: str | Callable[[str], str] | None  # the form's field holding the value (None: not shown)
    stored: Callable  # (store, record id) -> the values the record holds
    counted: Callable  # (client, store, record id, value, label): the figures count it under its label


def case_scenario(key: str) -> Scenario:
    fields, field = CASE_FIELDS[key]

    def counted(client, store, case_id, value, label):
        case = repo.get_case(store.read(), case_id)
        export = client.get("/beheer/zaken/export.csv").get_data(as_text=True).lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(export), delimiter=";"))
        row = next(r for r in rows if case["number"] in r)
        assert any(label in cell for cell in row), f"export of {case['number']} lost {label}"
        if key in REPORT_FIGURE:
            day = dt.date.fromisoformat(case["reported_at"][:10])
            report = reporting.report_for(store.read(), period.year(day.year), day)
            assert dict(getattr(report, REPORT_FIGURE[key])).get(value) == 1
            assert reporting.labels(store.read())[key][value] == label
            page = client.get(f"/beheer/rapportages/?jaar={day.year}").get_data(as_text=True)
            assert label in page

    return Scenario(make=lambda client, store, value: make_case(client, store, **fields(value)),
                    form=lambda case_id: f"/beheer/zaken/{case_id}/gegevens", field=field,
                    stored=lambda store, case_id: usage.values_of(repo.get_case(store.read(), case_id), key),
                    counted=counted)


def _volunteer(store, **extra) -> int:
    return matching_data.add_volunteers(store, "Vera", **extra)[0]


def _application(store, **extra) -> int:
    with store.transaction() as tx:
        return tx.table("applications").insert({
            "form": "application", "received_at": "2026-01-05T10:00:00", "source": "web", "lang": "nl",
            "status": "nieuw", "step": "nieuw", "flags": [], "steps": [],
            "values": {"name": "Anna Aanmelder", "email": "anna@voorbeeld.nl"}, **extra})


def _page_shows(url: Callable[[int], str]):
    def counted(client, store, record_id, value, label):
        assert label in client.get(url(record_id)).get_data(as_text=True)
    return counted


VOLUNTEER_FORM = "/beheer/vrijwilligers/{}/bewerken".format
VOLUNTEER_PAGE = "/beheer/vrijwilligers/{}".format
APPLICATION_PAGE = "/beheer/vrijwilligers/aanmeldingen/{}".format

SCENARIOS: dict[str, list[Scenario]] = {key: [case_scenario(key)] for key in CASE_FIELDS}
SCENARIOS["conflict_types"].append(Scenario(  # a volunteer's experience per conflict type
    make=lambda client, store, value: _volunteer(store, experience={value: 3}, start_date="2024-01-01"),
    form=VOLUNTEER_FORM, field=lambda value: f"experience_{value}",
    stored=lambda store, vid: set(store.read().table("volunteers").get(doc_id=vid)["experience"]),
    counted=_page_shows(VOLUNTEER_PAGE)))
SCENARIOS["stop_reasons"] = [Scenario(  # a step of the volunteer's history; saving the profile keeps it
    make=lambda client, store, value: _volunteer(store, start_date="2024-01-01", steps=[
        {"step": "gestopt", "at": "2026-01-05T10:00:00", "by": "Carla", "reason": "Gestopt", "reason_code": value}]),
    form=VOLUNTEER_FORM, field=None,
    stored=lambda store, vid: {s.get("reason_code") for s in store.read().table("volunteers").get(doc_id=vid)["steps"]},
    counted=lambda client, store, vid, value, label: None)]
# No form edits these after they are stored (an application's answers, an interview's scores):
# the record's page still shows the value by its label, and the pool still counts the channel.
SCENARIOS["recruitment_channels"] = [Scenario(
    make=lambda client, store, value: _application(store, values={"name": "Anna", "email": "a@voorbeeld.nl",
                                                                   "heard_via": value}),
    form=None, field=None,
    stored=lambda store, aid: {store.read().table("applications").get(doc_id=aid)["values"]["heard_via"]},
    counted=lambda client, store, aid, value, label: (
        _page_shows(APPLICATION_PAGE)(client, store, aid, value, label),
        _page_shows(lambda _: "/beheer/vrijwilligers/pool")(client, store, aid, value, label)))]
SCENARIOS["selection_criteria"] = [Scenario(
    make=lambda client, store, value: _application(store, interviews=[{
        "kind": "selectiegesprek", "held_on": "2026-01-10", "by": "Carla", "interviewers": "", "decision": "geschikt",
        "reason": "Goed gesprek",
        "scores": [{"criterion": value, "label": lists.label(store.read(), "selection_criteria", value), "score": 4,
                    "note": ""}]}]),
    form=None, field=None,
    stored=lambda store, aid: {s["criterion"] for i in store.read().table("applications").get(doc_id=aid)["interviews"]
                               for s in i["scores"]},
    counted=_page_shows(APPLICATION_PAGE))]


@pytest.mark.parametrize("key", sorted(lists.registered()))
def test_a_retired_value_stays_on_every_record_that_has_it_when_its_form_is_saved_unchanged(
        key, client, store, coordinator):
    assert key in SCENARIOS, f"list {key!r} has no scenario: which records hold it, and which form edits them?"
    value = first_value(store, key, avoid="niet-opgelost")
    for scenario in SCENARIOS[key]:
        record = scenario.make(client, store, value)
        label = retire(store, key, value)
        if scenario.form:
            page = client.get(scenario.form(record))
            assert page.status_code == 200
            form = form_on(page.get_data(as_text=True), scenario.form(record).rsplit("/", 1)[-1])
            if scenario.field:
                field = scenario.field(value) if callable(scenario.field) else scenario.field
                assert f"{label}{lists.RETIRED_MARK}" in offered(form, field, value)
            response = client.post(scenario.form(record), data=submitted(form))
            assert response.status_code == 303, response.get_data(as_text=True)
        assert value in scenario.stored(store, record)
        scenario.counted(client, store, record, value, label)
        with store.transaction() as tx:  # the next scenario starts from the value offered again
            lists.set_retired(tx, key, value, False)


def test_a_new_record_cannot_choose_a_retired_value(client, store, coordinator):
    wijk, conflict = last_value(store, "wijken"), last_value(store, "conflict_types")  # the case has neither
    retire(store, "wijken", wijk)
    retire(store, "conflict_types", conflict)
    case_id = make_case(client, store)
    form_page = client.get(f"/beheer/zaken/{case_id}/gegevens").get_data(as_text=True)
    assert MARK not in form_page  # this case has neither: neither is offered
    form = submitted(form_on(form_page, "gegevens"))
    form["wijk"] = wijk
    form.setlist("conflict_types", [conflict])
    response = client.post(f"/beheer/zaken/{case_id}/gegevens", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Kies een wijk uit de lijst." in page and "Kies soorten conflict uit de lijst." in page
    case = repo.get_case(store.read(), case_id)
    assert case["wijk"] == "de-linden" and conflict not in case.get("conflict_types", [])

    # A case made from a report doesn't take a retired wijk either.
    response = client.post(f"/beheer/meldingen/{add_report(store)}/zaak", data={"wijk": wijk})
    assert repo.get_case(store.read(), int(response.location.rsplit("/", 1)[-1])).get("wijk") != wijk

    # Closing with a retired outcome is refused; a volunteer can't stop for a retired reason.
    retire(store, "outcomes", "opgelost")
    with store.transaction() as tx:
        tx.table(repo.CASES).update({"step": "nazorg"}, doc_ids=[case_id])
    response = client.post(f"/beheer/zaken/{case_id}/stap", data={
        "to": "afgesloten", "outcome": "opgelost", "nazorg_a": "Goed", "nazorg_b": "Goed"})
    assert response.status_code == 422 and "Kies de uitkomst van de bemiddeling." in response.get_data(as_text=True)
    assert repo.get_case(store.read(), case_id)["step"] == "nazorg"

    reason = first_value(store, "stop_reasons")
    retire(store, "stop_reasons", reason)
    vid = _volunteer(store)
    response = client.post(f"/beheer/vrijwilligers/{vid}/stap", data={"to": "gestopt", "reason_code": reason})
    assert response.status_code == 422 and "Kies een reden van stoppen uit de lijst." in response.get_data(as_text=True)
    assert store.read().table("volunteers").get(doc_id=vid)["step"] == "actief"
