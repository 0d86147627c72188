"""The import pages of an area (cases, the volunteer pool): choose or paste a file, preview it row
by row with the mapping step, confirm, and the documented columns with a template to download.

    imports.register(bp, Importer(...))  # adds /import, /import/bevestigen, /import/kolommen, /import/voorbeeld.csv

The rules (which columns, what a row becomes, the writing) are the area's, passed in; the
reading within limits and the mapping are `sheets`'. Every route sets its body limit before
anything reads the body, and a larger body gets the import page with a Dutch message.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from common import clock

from .. import sheets, uploads
from ..security import admin_error
from ..auth.guard import coordinator_required
from ..settings import lists
from ..store import get_store


@dataclass(frozen=True)
class Importer:
    what: str  # "zaken", "vrijwilligers": in titles, file names and the audit
    title: str  # the page's h1
    back: tuple[str, str]  # (endpoint, link text)
    columns: Sequence[sheets.Column]
    examples: Sequence[dict[str, str]]
    plan: Callable[..., sheets.Plan]  # plan(view, data, today=, mapping=)
    commit: Callable[..., list[str]]  # commit(store, data, user, today=, mapping=) -> labels of what was made
    shown: Sequence[tuple[str, str]]  # (heading, column key) of the preview table
    notes: Sequence[str] = ()  # rules for the columns page, in Dutch
    after: str = ""  # endpoint to go to after importing
    export_only: Sequence[str] = ()


def register(bp: Blueprint, importer: Importer) -> None:
    name = bp.name
    endpoints = {f"{name}.import_preview", f"{name}.import_commit"}
    uploads.allow_large_bodies(bp, endpoints, limit=lambda: sheets.MAX_BYTES)

    def folder() -> Path:
        return Path(current_app.config["DATA_DIR"]) / "imports"

    def page(plan: sheets.Plan | None = None, token: str = "", error: str = "", status: int = 200):
        view = get_store().read()
        choices = {key: lists.choices(view, key, include_retired=True) for key in (plan.unmatched if plan else {})}
        choices |= {key: lists.choices(view, key, include_retired=True) for key in (plan.mapped if plan else {})}
        return render_template("admin/import.html", importer=importer, bp=name, plan=plan, token=token, error=error,
                               list_titles={key: lists.get(key).label for key in choices}, list_choices=choices,
                               max_rows=sheets.MAX_ROWS, max_megabytes=sheets.MAX_BYTES // (1024 * 1024)), status

    earlier = dict(bp.error_handler_spec.get(None, {}).get(413, {}))  # the area's own, e.g. for documents

    @bp.errorhandler(413)
    def too_large(error):
        """A body over the route's limit, refused before the view ran: say so on the page itself."""
        if request.endpoint in endpoints:
            return page(error=uploads.too_large_message(), status=413)
        for handler in earlier.values():
            return handler(error)
        return admin_error(error)

    @bp.get("/import", endpoint="import_form")
    @coordinator_required
    def import_form():
        return page()

    @bp.get("/import/kolommen", endpoint="import_columns")
    @coordinator_required
    def import_columns():
        return render_template("admin/import_columns.html", importer=importer, bp=name,
                               max_rows=sheets.MAX_ROWS, max_megabytes=sheets.MAX_BYTES // (1024 * 1024))

    @bp.get("/import/voorbeeld.csv", endpoint="import_template")
    @coordinator_required
    def import_template():
        return Response(sheets.template_csv(importer.columns, importer.examples), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{importer.what}-importeren-voorbeeld.csv"'})

    @bp.post("/import", endpoint="import_preview")
    @coordinator_required
    def import_preview():
        """Check a file (chosen, pasted, or kept from the last preview with a mapping applied)."""
        token = request.form.get("token", "")
        upload = request.files.get("file")
        try:
            if upload and upload.filename:
                data = sheets.read_limited(upload.stream)
            elif request.form.get("text", "").strip():
                data = sheets.read_limited(io.BytesIO(request.form["text"].encode("utf-8")))
            else:
                data = sheets.unstash(folder(), token) or b""
        except sheets.SheetError as exc:
            return page(error=str(exc), status=422)
        if not data.strip():
            return page(error="Kies een CSV-bestand of plak de regels in het tekstvak.", status=422)
        checked = importer.plan(get_store().read(), data, today=clock.today(), mapping=sheets.mapping_from(request.form))
        if not (token and sheets.unstash(folder(), token) == data):
            token = sheets.stash(folder(), data)
        return page(checked, token, status=200 if checked.ok else 422)

    @bp.post("/import/bevestigen", endpoint="import_commit")
    @coordinator_required
    def import_commit():
        token = request.form.get("token", "")
        data = sheets.unstash(folder(), token) if token else request.form.get("text", "").encode("utf-8")
        if not data:
            return page(error="Dit voorbeeld is verlopen. Kies het bestand opnieuw.", status=422)
        mapping = sheets.mapping_from(request.form)
        store = get_store()
        try:
            with store.transaction():
                made = importer.commit(store, data, current_user, today=clock.today(), mapping=mapping)
                store.audit(current_user.id, "import", importer.what, count=len(made))
        except ValueError:
            checked = importer.plan(store.read(), data, today=clock.today(), mapping=mapping)
            return page(checked, token, error="Er is niets geïmporteerd: het bestand bevat fouten.", status=422)
        sheets.discard(folder(), token)
        flash(f"{len(made)} {importer.what} geïmporteerd.")
        return redirect(url_for(importer.after or importer.back[0]), code=303)
