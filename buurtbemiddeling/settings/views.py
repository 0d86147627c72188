"""Editing the lists and numbers in the admin. The rules live in lists.py and numbers.py."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.guard import coordinator_required
from ..store import get_store
from common import clock

from common import retention_periods as periods

from ..privacy import retention
from . import lists, numbers

bp = Blueprint("settings", __name__, url_prefix="/beheer/instellingen")
ACTIONS = {"rename", "retire", "restore", "delete", "up", "down"}


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    overview = [(definition, lists.entries(view, key)) for key, definition in lists.registered().items()]
    values = {key: numbers.get(view, key) for key in numbers.registered()}
    return render_template("settings/index.html", overview=overview, numbers=numbers.registered(), values=values, errors={})


@bp.post("/getallen")
@coordinator_required
def save_numbers():
    errors, parsed = {}, {}
    for key in numbers.registered():
        try:
            parsed[key] = numbers.parse(key, request.form.get(key, ""))
        except ValueError as exc:
            errors[key] = str(exc)
    view = get_store().read()
    # A shorter retention period anonymises records at the next daily run: say how many, and ask.
    effect = retention.newly_due(view, clock.today(), {k: v for k, v in parsed.items() if k in periods.KEYS})
    if errors or (any(effect.values()) and request.form.get("confirm") != "ja"):
        overview = [(definition, lists.entries(view, key)) for key, definition in lists.registered().items()]
        values = {key: request.form.get(key, "") for key in numbers.registered()}
        return render_template("settings/index.html", overview=overview, numbers=numbers.registered(), values=values,
                               errors=errors, effect=None if errors else retention.describe_counts(effect)), 422
    store = get_store()
    with store.transaction() as tx:
        for key, value in parsed.items():
            numbers.set_value(tx, key, value)
        store.audit(current_user.id, "settings.numbers", "settings", **parsed)
    flash("De termijnen zijn bewaard." + (f" De volgende dagelijkse ronde anonimiseert {retention.describe_counts(effect)}."
                                          if any(effect.values()) else ""))
    return redirect(url_for("settings.index"), code=303)


def _definition(key: str) -> lists.ListDef:
    if key not in lists.registered():
        abort(404)
    return lists.registered()[key]


def _render_list(key: str, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    definition = _definition(key)
    view = get_store().read()
    docs = lists.entries(view, key)
    used = {doc["value"] for doc in docs if lists.in_use(view, key, doc["value"])}
    return render_template("settings/list.html", definition=definition, docs=docs, used=used,
                           errors=errors or {}, values=values or {}), status


@bp.get("/lijst/<key>")
@coordinator_required
def edit_list(key: str):
    return _render_list(key)


@bp.post("/lijst/<key>")
@coordinator_required
def add_value(key: str):
    _definition(key)
    store = get_store()
    try:
        with store.transaction() as tx:
            value = lists.add(tx, key, request.form.get("label", ""), request.form.get("label_en", ""))
            store.audit(current_user.id, "settings.list.add", f"list:{key}", value=value)
    except lists.ListError as exc:
        return _render_list(key, errors={"add": str(exc)}, values={"add": request.form}, status=422)
    flash("De waarde is toegevoegd.")
    return redirect(url_for("settings.edit_list", key=key), code=303)


@bp.post("/lijst/<key>/<value>")
@coordinator_required
def change_value(key: str, value: str):
    _definition(key)
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400)
    store = get_store()
    try:
        with store.transaction() as tx:
            if action == "rename":
                lists.rename(tx, key, value, request.form.get("label", ""), request.form.get("label_en", ""))
            elif action in ("retire", "restore"):
                lists.set_retired(tx, key, value, action == "retire")
            elif action == "delete":
                lists.delete(tx, key, value)
            else:
                lists.move(tx, key, value, -1 if action == "up" else 1)
            store.audit(current_user.id, f"settings.list.{action}", f"list:{key}", value=value)
    except lists.ListError as exc:
        return _render_list(key, errors={value: str(exc)}, values={value: request.form}, status=422)
    flash({"rename": "De naam is gewijzigd.", "retire": "De waarde is uitgezet: die wordt niet meer aangeboden.",
           "restore": "De waarde wordt weer aangeboden.", "delete": "De waarde is verwijderd.",
           "up": "Volgorde aangepast.", "down": "Volgorde aangepast."}[action])
    return redirect(url_for("settings.edit_list", key=key, _anchor=f"waarde-{value}"), code=303)
