"""The planning area: projects and activities, their tasks, and the week's priorities."""
from __future__ import annotations


from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from common.clock import today
from common import clock

from ..auth.guard import coordinator_required
from ..store import get_store
from . import work
from ..answers import get_or_404, invalid, saved

bp = Blueprint("planning", __name__, url_prefix="/beheer/planning")


def _now() -> str:
    return clock.stamp()


def _back(default: str) -> str:
    """Where to go after a button on a list: the page it came from, if it is ours."""
    target = request.form.get("next", "")
    return target if target.startswith("/beheer/") and "//" not in target else default


def _common(view) -> dict:
    projects = {p.doc_id: p for p in view.table(work.PROJECTS).all()}
    return {"projects": projects, "task_statuses": work.TASK_STATUSES, "today": today(),
            "is_late": lambda task: work.is_late(task, today())}


def _index_context(view, task_form=({}, {})) -> dict:
    return {"rows": work.project_rows(view, today()), "closed": work.project_rows(view, today(), closed=True),
            "priorities": work.priorities_of(view, today()), "tasks": work.tasks_of(view, None), "project": None,
            "statuses": work.PROJECT_STATUSES, "kinds": work.KINDS, "task_form": task_form, **_common(view)}


def _project_context(view, project_id: int, task_form=({}, {})) -> dict:
    return {"project": get_or_404(view, work.PROJECTS, project_id), "tasks": work.tasks_of(view, project_id),
            "statuses": work.PROJECT_STATUSES, "kinds": work.KINDS, "task_form": task_form, **_common(view)}


@bp.get("/")
@coordinator_required
def index():
    return render_template("planning/index.html", **_index_context(get_store().read()))


def _project_form(project, values, errors, status=200):
    return render_template("planning/project_form.html", project=project, values=values, errors=errors,
                           kinds=work.KINDS, statuses=work.PROJECT_STATUSES), status


@bp.route("/nieuw", methods=["GET", "POST"])
@coordinator_required
def new_project():
    if request.method == "GET":
        return _project_form(None, {"kind": request.args.get("soort", "project"), "status": "gepland",
                                    "owner": current_user.name}, {})
    doc, errors = work.check_project(request.form)
    if errors:
        return _project_form(None, request.form, errors, 422)
    store = get_store()
    with store.transaction() as tx:
        project_id = tx.table(work.PROJECTS).insert({**doc, "created_at": _now()})
    return saved(f"{work.KINDS[doc['kind']]} ‘{doc['name']}’ is aangemaakt.", url_for(".project", project_id=project_id))


@bp.route("/<int:project_id>/bewerken", methods=["GET", "POST"])
@coordinator_required
def edit_project(project_id: int):
    store = get_store()
    project = get_or_404(store.read(), work.PROJECTS, project_id)
    if request.method == "GET":
        return _project_form(project, project, {})
    doc, errors = work.check_project(request.form)
    if errors:
        return _project_form(project, request.form, errors, 422)
    with store.transaction() as tx:
        tx.table(work.PROJECTS).update(doc, doc_ids=[project_id])
    return saved("De gegevens zijn bijgewerkt.", url_for(".project", project_id=project_id))


@bp.get("/<int:project_id>")
@coordinator_required
def project(project_id: int):
    return render_template("planning/project.html", **_project_context(get_store().read(), project_id))


def _tasks_section(project_id: int | None, status: int = 200, task_form=({}, {})):
    view = get_store().read()
    project_doc = get_or_404(view, work.PROJECTS, project_id) if project_id else None
    return render_template("planning/_tasks.html", project=project_doc, tasks=work.tasks_of(view, project_id),
                           task_form=task_form, **_common(view)), status


def _page_of(project_id: int | None) -> str:
    return url_for(".project", project_id=project_id) if project_id else url_for(".index") + "#losse-taken"


@bp.post("/taken")
@coordinator_required
def add_task():
    store = get_store()
    view = store.read()
    doc, errors = work.check_task(request.form, (p.doc_id for p in view.table(work.PROJECTS).all()))
    project_id = doc["project_id"]
    if errors:
        if request.htmx:
            return _tasks_section(project_id, 422, (request.form, errors))
        if project_id:
            return invalid("planning/project.html", **_project_context(view, project_id, (request.form, errors)))
        return invalid("planning/index.html", **_index_context(view, (request.form, errors)))
    with store.transaction() as tx:
        tx.table(work.TASKS).insert({**doc, "created_at": _now(), "done_at": None})
    return saved(f"Taak ‘{doc['title']}’ is toegevoegd.", _page_of(project_id), lambda: _tasks_section(project_id))


def _after_task_change(task_id: int, message: str, project_id: int | None):
    """htmx: the changed row, or the whole week list when the button sat there."""
    def partial():
        view = get_store().read()
        if request.form.get("in") == "week":
            return render_template("planning/_week.html", priorities=work.priorities_of(view, today()),
                                   **_common(view))
        return render_template("planning/_task_row.html", task=view.table(work.TASKS).get(doc_id=task_id),
                               **_common(view))

    return saved(message, _back(_page_of(project_id)), partial)


@bp.post("/taken/<int:task_id>/status")
@coordinator_required
def task_status(task_id: int):
    store = get_store()
    task = get_or_404(store.read(), work.TASKS, task_id)
    try:
        changes = work.status_change(task, request.form.get("status", ""), at=_now())
    except ValueError as exc:
        return str(exc), 422
    with store.transaction() as tx:
        tx.table(work.TASKS).update(changes, doc_ids=[task_id])
    return _after_task_change(task_id, f"‘{task['title']}’ staat op {work.TASK_STATUSES[changes['status']].lower()}.",
                              task.get("project_id"))


@bp.post("/taken/<int:task_id>/prioriteit")
@coordinator_required
def task_priority(task_id: int):
    store = get_store()
    task = get_or_404(store.read(), work.TASKS, task_id)
    priority = not task.get("priority")
    with store.transaction() as tx:
        tx.table(work.TASKS).update({"priority": priority}, doc_ids=[task_id])
    message = "staat nu bij de prioriteiten van deze week" if priority else "is van de prioriteiten gehaald"
    return _after_task_change(task_id, f"‘{task['title']}’ {message}.", task.get("project_id"))


@bp.post("/taken/<int:task_id>/verwijderen")
@coordinator_required
def delete_task(task_id: int):
    store = get_store()
    task = get_or_404(store.read(), work.TASKS, task_id)
    with store.transaction() as tx:
        tx.table(work.TASKS).remove(doc_ids=[task_id])
    project_id = task.get("project_id")
    return saved(f"Taak ‘{task['title']}’ is verwijderd.", _page_of(project_id), lambda: _tasks_section(project_id))
