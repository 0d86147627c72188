"""The coordinator's protocol pages, and the page where a volunteer reads and acknowledges."""
from __future__ import annotations

import re
from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from common import folding

from ..auth.guard import coordinator_required, role_required
from ..auth.views import when
from ..store import get_store
from common.markdown import render_markdown
from . import diff, documents
from .checklist import checklist_items
from ..pdf import html_to_pdf

bp = Blueprint("protocols", __name__, url_prefix="/beheer/protocollen")


@bp.context_processor
def helpers():
    return {"when": when, "render_markdown": render_markdown}


def _author() -> documents.Author:
    return documents.Author(current_user.id, current_user.name or current_user.email)


def _protocol_or_404(protocol_id: int):
    protocol = documents.get(get_store().read(), protocol_id)
    if protocol is None:
        abort(404)
    return protocol


def _version_or_404(protocol_id: int, number: int):
    found = documents.version(get_store().read(), protocol_id, number)
    if found is None:
        abort(404)
    return found


@bp.get("/")
@coordinator_required
def index():
    view = get_store().read()
    rows = [(p, documents.latest(view, p.doc_id), documents.readers(view, p.doc_id)) for p in documents.all_protocols(view)]
    return render_template("protocols/index.html", rows=rows)


@bp.post("/voorbeeld")
@coordinator_required
def preview():
    """The text being written, rendered as volunteers will see it (htmx, while typing)."""
    return render_template("protocols/_preview.html", body=request.form.get("body", ""))


def _previewing() -> bool:
    """The form's "Voorbeeld tonen" button (without JavaScript): show the text, save nothing."""
    return "voorbeeld" in request.form


@bp.route("/nieuw", methods=["GET", "POST"])
@coordinator_required
def new():
    form, errors = {"title": "", "body": "", "note": ""}, {}
    if request.method == "POST" and _previewing():
        form = {key: request.form.get(key, "") for key in form}
    elif request.method == "POST":
        form = {key: request.form.get(key, "") for key in form}
        try:
            protocol_id = documents.create(get_store(), form["title"], form["body"], form["note"], _author())
        except documents.ProtocolError as exc:
            errors = exc.errors
        else:
            flash("Het protocol is opgeslagen als versie 1. Publiceer het als vrijwilligers het mogen lezen.")
            return redirect(url_for("protocols.detail", protocol_id=protocol_id))
    return render_template("protocols/edit.html", protocol=None, form=form, errors=errors), 422 if errors else 200


@bp.get("/<int:protocol_id>")
@coordinator_required
def detail(protocol_id: int):
    view = get_store().read()
    protocol = _protocol_or_404(protocol_id)
    versions = documents.versions(view, protocol_id)
    shown = documents.published_version(view, protocol_id) or versions[0]
    return render_template("protocols/detail.html", protocol=protocol, versions=versions, shown=shown,
                           latest=versions[0], readers=documents.readers(view, protocol_id),
                           checklist=checklist_items(shown["body"]))


@bp.route("/<int:protocol_id>/nieuwe-versie", methods=["GET", "POST"])
@coordinator_required
def new_version(protocol_id: int):
    protocol = _protocol_or_404(protocol_id)
    latest = documents.latest(get_store().read(), protocol_id)
    form, errors = {"title": latest["title"], "body": latest["body"], "note": ""}, {}
    if request.method == "POST" and _previewing():
        form = {key: request.form.get(key, "") for key in form}
    elif request.method == "POST":
        form = {key: request.form.get(key, "") for key in form}
        try:
            number = documents.add_version(get_store(), protocol_id, form["title"], form["body"], form["note"], _author())
        except documents.ProtocolError as exc:
            errors = exc.errors
        else:
            flash(f"Versie {number} is opgeslagen. Vrijwilligers zien die pas als u haar publiceert.")
            return redirect(url_for("protocols.compare", protocol_id=protocol_id, van=latest["number"], naar=number))
    return render_template("protocols/edit.html", protocol=protocol, latest=latest, form=form,
                           errors=errors), 422 if errors else 200


@bp.get("/<int:protocol_id>/versie/<int:number>")
@coordinator_required
def show_version(protocol_id: int, number: int):
    protocol = _protocol_or_404(protocol_id)
    return render_template("protocols/version.html", protocol=protocol, version=_version_or_404(protocol_id, number))


@bp.post("/<int:protocol_id>/versie/<int:number>/publiceren")
@coordinator_required
def publish(protocol_id: int, number: int):
    _protocol_or_404(protocol_id)
    _version_or_404(protocol_id, number)
    documents.publish(get_store(), protocol_id, number, _author())
    flash(f"Versie {number} is gepubliceerd. Vrijwilligers zien deze versie en bevestigen dat ze haar gelezen hebben.")
    return redirect(url_for("protocols.detail", protocol_id=protocol_id))


def _number_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else default


@bp.get("/<int:protocol_id>/verschil")
@coordinator_required
def compare(protocol_id: int):
    view = get_store().read()
    protocol = _protocol_or_404(protocol_id)
    versions = documents.versions(view, protocol_id)
    newest = versions[0]["number"]
    new_number = _number_arg("naar", newest)
    old_number = _number_arg("van", max(new_number - 1, 1))
    old, new = _version_or_404(protocol_id, old_number), _version_or_404(protocol_id, new_number)
    result = diff.compare(old["body"], new["body"])
    return render_template("protocols/diff.html", protocol=protocol, versions=versions, old=old, new=new,
                           result=result, sections=diff.sections(old["body"], new["body"], result))


def _filename(title: str, number: int) -> str:
    slug = folding.slug(title, default="protocol")
    return f"{slug}-versie-{number}.pdf"


@bp.get("/<int:protocol_id>/pdf")
@role_required("coordinator", "volunteer")
def pdf(protocol_id: int):
    view = get_store().read()
    protocol = _protocol_or_404(protocol_id)
    published = documents.published_version(view, protocol_id)
    if current_user.is_coordinator:
        default = published or documents.latest(view, protocol_id)
        chosen = _version_or_404(protocol_id, _number_arg("versie", default["number"]))
    elif published is None:
        abort(404)  # volunteers only ever see the published text
    else:
        chosen = published
    html = render_template("protocols/pdf.html", protocol=protocol, version=chosen,
                           is_published=published is not None and chosen["number"] == published["number"])
    return Response(html_to_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{_filename(chosen["title"], chosen["number"])}"'})


@bp.get("/<int:protocol_id>/lezen")
@role_required("coordinator", "volunteer")
def read(protocol_id: int):
    view = get_store().read()
    protocol = _protocol_or_404(protocol_id)
    published = documents.published_version(view, protocol_id)
    if published is None:
        abort(404)
    acknowledged = documents.acknowledged_at(view, protocol_id, published["number"], current_user.id)
    changes = None
    earlier = None if acknowledged else documents.last_read_before(view, protocol_id, published["number"], current_user.id)
    if earlier is not None:
        # Asked to confirm again: what changed since the version this reader confirmed.
        old = documents.version(view, protocol_id, earlier)
        result = diff.compare(old["body"], published["body"])
        changes = {"old": old, "result": result, "sections": diff.sections(old["body"], published["body"], result),
                   "notes": [v for v in reversed(documents.versions(view, protocol_id))
                             if earlier < v["number"] <= published["number"] and v.get("note")]}
    return render_template("protocols/read.html", protocol=protocol, version=published, acknowledged=acknowledged,
                           changes=changes)


@bp.post("/<int:protocol_id>/gelezen")
@role_required("volunteer")
def acknowledge(protocol_id: int):
    _protocol_or_404(protocol_id)
    if not documents.acknowledge(get_store(), protocol_id, current_user.id):
        abort(404)
    flash("Dank u. U heeft bevestigd dat u dit protocol gelezen heeft.")
    return redirect(url_for("protocols.read", protocol_id=protocol_id))
