"""Projects and activities with their tasks, and the week's priorities. No Flask;
the functions taking a view or store read or write the tables.

Tables:
  planning_projects {"name", "kind": project | activiteit, "description" (Markdown), "owner",
             "start", "deadline", "status", "created_at"}
  planning_tasks    {"project_id" (None: a loose task), "title", "owner", "deadline", "status",
             "priority": bool (the coordinator's pick for this week), "created_at", "done_at"}
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from common.clock import to_date

from ..form_checks import Check, week_bounds
from common import tables

PROJECTS = tables.PLANNING_PROJECTS
TASKS = tables.PLANNING_TASKS

KINDS = {"project": "Project", "activiteit": "Activiteit"}
PROJECT_STATUSES = {"idee": "Idee", "gepland": "Gepland", "lopend": "Lopend", "afgerond": "Afgerond", "gestopt": "Gestopt"}
PROJECT_CLOSED = ("afgerond", "gestopt")
TASK_STATUSES = {"open": "Open", "bezig": "Bezig", "klaar": "Klaar"}


def check_project(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    check = Check(form)
    doc = {
        "name": check.text("name", "Naam", required=True, limit=150, missing="Geef het project of de activiteit een naam."),
        "kind": check.choice("kind", "Soort", KINDS),
        "status": check.choice("status", "Status", PROJECT_STATUSES),
        "owner": check.text("owner", "Trekker", limit=120),
        "start": check.date("start", "Begindatum"),
        "deadline": check.date("deadline", "Deadline"),
        "description": check.text("description", "Beschrijving", limit=10000),
    }
    check.not_before("deadline", "Deadline", doc["deadline"], doc["start"], "Begindatum")
    return doc, check.errors


def check_task(form: Mapping[str, Any], project_ids: Iterable[int]) -> tuple[dict[str, Any], dict[str, str]]:
    check = Check(form)
    doc = {
        "project_id": check.known_id("project_id", "Project", set(project_ids), required=False),
        "title": check.text("title", "Taak", required=True, limit=200, missing="Schrijf op wat er moet gebeuren."),
        "owner": check.text("owner", "Wie", limit=120),
        "deadline": check.date("deadline", "Deadline"),
        "status": "open",
        "priority": check.flag("priority"),
    }
    return doc, check.errors


def status_change(task: Mapping[str, Any], status: str, *, at: str) -> dict[str, Any]:
    if status not in TASK_STATUSES:
        raise ValueError("Kies open, bezig of klaar.")
    changes: dict[str, Any] = {"status": status, "done_at": at if status == "klaar" else None}
    if status == "klaar":
        changes["priority"] = False  # a finished task leaves the week's list
    return changes


@dataclass(frozen=True)
class Priority:
    """A task that asks for attention now, and why."""

    task: Any
    project: Any
    reason: str  # "te laat" | "deze week" | "gekozen"
    days: int | None  # until the deadline; negative when late


def week_priorities(tasks: Iterable[Mapping], projects: Mapping[int, Any], today: date) -> list[Priority]:
    """Open tasks for this week: late ones, those due by Sunday, and those the coordinator picked."""
    _, sunday = week_bounds(today)
    rows = []
    for task in tasks:
        if task.get("status") == "klaar":
            continue
        deadline = to_date(task.get("deadline"))
        days = (deadline - today).days if deadline else None
        if deadline and deadline < today:
            reason = "te laat"
        elif deadline and deadline <= sunday:
            reason = "deze week"
        elif task.get("priority"):
            reason = "gekozen"
        else:
            continue
        rows.append(Priority(task, projects.get(task.get("project_id")), reason, days))
    order = {"te laat": 0, "deze week": 1, "gekozen": 2}
    return sorted(rows, key=lambda r: (order[r.reason], r.days if r.days is not None else 10**6,
                                       r.task.get("title", "")))


def priorities_of(view, today: date) -> list[Priority]:
    projects = {p.doc_id: p for p in view.table(PROJECTS).all()}
    return week_priorities(view.table(TASKS).all(), projects, today)


@dataclass(frozen=True)
class ProjectRow:
    """A project in the list, with its progress and next deadline."""

    project: Any
    total: int
    done: int
    late: int
    next_deadline: str | None


def project_rows(view, today: date, *, closed: bool = False) -> list[ProjectRow]:
    """Projects (open ones, or the closed ones) with their task counts, soonest deadline first."""
    tasks_by: dict[int, list] = {}
    for task in view.table(TASKS).all():
        tasks_by.setdefault(task.get("project_id"), []).append(task)
    rows = []
    for project in view.table(PROJECTS).all():
        if (project.get("status") in PROJECT_CLOSED) != closed:
            continue
        tasks = tasks_by.get(project.doc_id, [])
        open_deadlines = sorted(t["deadline"] for t in tasks if t.get("status") != "klaar" and t.get("deadline"))
        rows.append(ProjectRow(project, len(tasks), sum(t.get("status") == "klaar" for t in tasks),
                               sum(d < today.isoformat() for d in open_deadlines),
                               open_deadlines[0] if open_deadlines else None))
    return sorted(rows, key=lambda r: (r.next_deadline or r.project.get("deadline") or "9999",
                                       r.project.get("name", "").lower()))


def tasks_of(view, project_id: int | None) -> list:
    """A project's tasks (or the loose ones): unfinished first, by deadline."""
    return sorted((t for t in view.table(TASKS).all() if t.get("project_id") == project_id),
                  key=lambda t: (t.get("status") == "klaar", t.get("deadline") or "9999", t.doc_id))


def is_late(task: Mapping[str, Any], today: date) -> bool:
    return task.get("status") != "klaar" and bool(task.get("deadline")) and task["deadline"] < today.isoformat()
