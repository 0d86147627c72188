"""The import pages of an area (cases, the volunteer pool): choose or paste a file, preview it row
by row with the mapping step, confirm, and the documented columns with a template to download.

    imports.register(bp, Importer(...))  # adds /import, /import/bevestigen, /import/kolommen, /import/voorbeeld.csv

The rules (which columns, what a row becomes, the writing) are the area's, named by their module
and imported by the import pages (a case page loads no spreadsheet code); the reading within
limits and the mapping are `sheets`', imported there too. Every route sets its body limit before
anything reads the body, and a larger body gets the import page with a Dutch message.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Sequence

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from common import clock

from .. import uploads
from ..security import admin_error
from ..auth.guard import coordinator_required
from ..settings import lists
from ..store import get_store

if TYPE_CHECKING:
    from ..sheets import Plan


@dataclass(frozen=True)
class Importer:
    """What an area's import pages need: their words, the rules module and the preview's columns."""

    what: str  # "zaken", "vrijwilligers": in titles, file names and the audit
    title: str  # the page's h1
    back: tuple[str, str]  # (endpoint, link text)
    # The area's rules module, e.g. "buurtbemiddeling.cases.importing": COLUMNS, EXAMPLES, NOTES (rules
    # for the columns page, in Dutch), plan(view, data, today=, mapping=) -> sheets.Plan,
    # commit(store, data, user, today=, mapping=) -> labels of what was made; EXPORT_ONLY if any.
    rules: str
    shown: Sequence[tuple[str, str]]  # (heading, column key) of the preview table
    after: str = ""  # endpoint to go to after importing

    @property
    def module(self) -> ModuleType:
        return import_module(self.rules)

    @property
    def columns(self):
        return self.module.COLUMNS

    @property
    def examples(self):
        return self.module.EXAMPLES

    @property
    def notes(self) -> Sequence[str]:
        return self.module.NOTES

    @property
    def export_only(self) -> Sequence[str]:
        return getattr(self.module, "EXPORT_ONLY", ())


def _max_bytes() -> int:
    from .. import sheets

    return sheets.MAX_BYTES


def register(bp: Blueprint, importer: Importer) -> None:
    name = bp.name
    endpoints = {f"{name}.import_preview", f"{name}.import_commit"}
    uploads.allow_large_bodies(bp, endpoints, limit=_max_bytes)

    def folder() -> Path:
        return Path(current_app.config["DATA_DIR"]) / "imports"

    def page(plan: Plan | None = None, token: str = "", error: str = "", status: int = 200):
        from .. import sheets

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
        from .. import sheets

        return render_template("admin/import_columns.html", importer=importer, bp=name,
                               max_rows=sheets.MAX_ROWS, max_megabytes=sheets.MAX_BYTES // (1024 * 1024))

    @bp.get("/import/voorbeeld.csv", endpoint="import_template")
    @coordinator_required
    def import_template():
        from .. import sheets

        return Response(sheets.template_csv(importer.columns, importer.examples), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{importer.what}-importeren-voorbeeld.csv"'})

    @bp.post("/import", endpoint="import_preview")
    @coordinator_required
    def import_preview():
        """Check a file (chosen, pasted, or kept from the last preview with a mapping applied)."""
        from .. import sheets

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
        checked = importer.module.plan(get_store().read(), data, today=clock.today(), mapping=sheets.mapping_from(request.form))
        if not (token and sheets.unstash(folder(), token) == data):
            token = sheets.stash(folder(), data)
        return page(checked, token, status=200 if checked.ok else 422)

    @bp.post("/import/bevestigen", endpoint="import_commit")
    @coordinator_required
    def import_commit():
        from .. import sheets

        token = request.form.get("token", "")
        data = sheets.unstash(folder(), token) if token else request.form.get("text", "").encode("utf-8")
        if not data:
            return page(error="Dit voorbeeld is verlopen. Kies het bestand opnieuw.", status=422)
        mapping = sheets.mapping_from(request.form)
        store = get_store()
        try:
            with store.transaction():
                made = importer.module.commit(store, data, current_user, today=clock.today(), mapping=mapping)
                store.audit(current_user.id, "import", importer.what, count=len(made))
        except ValueError:
            checked = importer.module.plan(store.read(), data, today=clock.today(), mapping=mapping)
            return page(checked, token, error="Er is niets geïmporteerd: het bestand bevat fouten.", status=422)
        sheets.discard(folder(), token)
        flash(f"{len(made)} {importer.what} geïmporteerd.")
        return redirect(url_for(importer.after or importer.back[0]), code=303)
