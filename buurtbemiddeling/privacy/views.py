"""Privacy pages for the coordinator: the audit log, the retention preview and run, and the
rights of the data subject (find a person, export everything, erase). Views only.

Searches are POSTed: a resident's name never lands in a URL, a server log or the history.
"""
from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Flask, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from common import clock
from common import retention_periods as periods

from ..auth import users
from ..admin.paging import page_of
from ..auth.guard import coordinator_required
from ..auth.views import when
from ..pdf import html_to_pdf
from ..store import get_store
from ..uploads import upload_dir
from ..publicity import site_build
from . import audit_search, erasure, export, retention, subjects

bp = Blueprint("privacy", __name__, url_prefix="/beheer/privacy")
PAGE_SIZE = 50
RETENTION_SHOWN = 100  # after an import years may be due at once: the oldest, and how many more
ACTIONS = {"view": "Bekeken", "export": "Geëxporteerd", "create": "Aangemaakt", "update": "Gewijzigd",
           "handover": "Overdracht", "download": "Gedownload", "login": "Ingelogd", "step": "Stap gezet",
           "retention.anonymise": "Geanonimiseerd (bewaartermijn)", "privacy.erase": "Gewist op verzoek",
           "privacy.export": "Inzage-export", "privacy.search": "Persoon gezocht", "answer": "Antwoord op voorstel",
           "user.create": "Account aangemaakt", "user.deactivate": "Account uitgezet", "user.activate": "Account aangezet",
           "login.failed": "Inloggen mislukt", "login.throttled": "Inloggen geblokkeerd",
           "protocol.create": "Protocol geschreven", "protocol.version": "Protocolversie", "protocol.publish": "Protocol gepubliceerd",
           "protocol.acknowledge": "Protocol gelezen", "import": "Geïmporteerd", "decide": "Besloten"}


@bp.context_processor
def helpers():
    return {"when": when, "kinds": retention.KINDS}


def _day_arg(args, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(args.get(name, ""))
    except ValueError:
        return None


# -- the audit log ---------------------------------------------------------------------------

@bp.get("/")
@coordinator_required
def index():
    return redirect(url_for("privacy.audit_log"))


@bp.route("/logboek", methods=["GET", "POST"])
@coordinator_required
def audit_log():
    """Filtered by record key, case number or person; the form is POSTed so a name never
    lands in a URL (links to one record key or case number are plain GETs)."""
    store = get_store()
    view = store.read()
    args = request.form if request.method == "POST" else request.args
    text = " ".join(args.get("record", "").split())[:100]
    user = args.get("gebruiker", "") or None
    since, until = _day_arg(args, "van"), _day_arg(args, "tot")
    errors = {}
    if args.get("van") and since is None:
        errors["van"] = "Vul de begindatum in als jjjj-mm-dd, bijvoorbeeld 2026-03-01."
    if args.get("tot") and until is None:
        errors["tot"] = "Vul de einddatum in als jjjj-mm-dd, bijvoorbeeld 2026-03-31."
    if since and until and until < since:
        errors["tot"] = "De einddatum ligt vóór de begindatum."
    resolved = audit_search.resolve(view, text) if text else None
    if resolved and resolved.by_person and len(text) < subjects.MIN_QUERY:
        errors["record"] = (f"Typ minstens {subjects.MIN_QUERY} tekens van een naam, e-mailadres of telefoonnummer, "
                            "een zaaknummer zoals 2026-0037 of een dossier zoals case:12.")
    records = resolved.records if resolved else (text or None)
    entries = [] if errors else store.audit_entries(
        since=dt.datetime.combine(since, dt.time.min, clock.TZ) if since else None,
        until=dt.datetime.combine(until, dt.time.max, clock.TZ) if until else None, user=user, record=records)
    if resolved and resolved.by_person and not errors:
        # Like the person search: which records were found is logged, the words typed are not.
        store.audit(current_user.id, "privacy.search", None, found=sorted(resolved.records), page="logboek")
    rows, page, pages = page_of(entries, PAGE_SIZE, args.get("pagina"))
    names = {str(u.doc_id): u.get("name") or u["email"] for u in users.all_users(view)}
    filters = {"record": text, "gebruiker": user or "", "van": args.get("van", ""), "tot": args.get("tot", "")}
    return render_template("privacy/audit.html", entries=rows, resolved=resolved,
                           numbers=audit_search.case_numbers(view, {e.get("record") for e in rows}),
                           total=len(entries), page=page, pages=pages, filters=filters, names=names,
                           accounts=users.all_users(view), actions=ACTIONS, errors=errors,
                           posted=request.method == "POST",
                           query={k: v for k, v in filters.items() if v}), 422 if errors else 200


# -- retention -------------------------------------------------------------------------------

@bp.get("/bewaartermijnen")
@coordinator_required
def retention_preview():
    view = get_store().read()
    today = clock.today()
    # What is due over five years of data, once per day and version of what it reads.
    due, soon = view.derived(f"privacy.retention_preview.{today}",
                             lambda v: (retention.plan(v, today), retention.upcoming(v, today)))
    return render_template("privacy/retention.html", due=due, soon=soon, periods=periods.current(view),
                           duration=periods.duration, last_run=retention.last_run(view), today=today,
                           shown=RETENTION_SHOWN)


@bp.post("/bewaartermijnen/uitvoeren")
@coordinator_required
def retention_run():
    done = retention.run(get_store(), clock.today(), upload_dir=upload_dir(), user=current_user.id)
    flash(f"{len(done)} gegevens zijn geanonimiseerd." if done else "Er was niets over de bewaartermijn.")
    return redirect(url_for("privacy.retention_preview"), code=303)


# -- rights of the data subject --------------------------------------------------------------

@bp.route("/personen", methods=["GET", "POST"])
@coordinator_required
def people():
    store = get_store()
    text = " ".join(request.form.get("q", "").split())[:100]
    found, mentioned, error = None, None, None
    if request.method == "POST":
        if len(text) < subjects.MIN_QUERY:
            error = f"Typ minstens {subjects.MIN_QUERY} tekens van een naam, e-mailadres of telefoonnummer."
        else:
            view = store.read()
            hits = subjects.search(view, text)
            found = subjects.people(hits)
            mentioned = subjects.mentions(view, text, skip={h.record for h in hits})
            # Which records were found is logged; the name that was typed is not.
            store.audit(current_user.id, "privacy.search", None, found=[h.record for h in hits],
                        mentioned=sorted({m.record for m in mentioned if m.record}))
    return render_template("privacy/people.html", q=text, people=found, mentioned=mentioned, error=error), \
        422 if error else 200


def _chosen() -> list[subjects.Hit]:
    hits = [subjects.parse_key(k) for k in request.form.getlist("sleutel")]
    hits = [h for h in hits if h is not None]
    if not hits:
        abort(400)
    return hits


@bp.post("/personen/gekozen")
@coordinator_required
def person():
    """The one person the coordinator picked: their records, ticked, to export or erase."""
    hits = subjects.describe(get_store().read(), _chosen())
    if not hits:
        flash("Deze gegevens bestaan niet meer. Zoek de persoon opnieuw.")
        return redirect(url_for("privacy.people"), code=303)
    return render_template("privacy/person.html", person=subjects.Person(tuple(hits)))


def _export(kind: str) -> tuple[dict, str]:
    """The chosen person's export (privacy/export.py), audited per record, and its file name."""
    store = get_store()
    view = store.read()
    hits = subjects.describe(view, _chosen())
    if not hits:
        abort(400)
    data = export.subject_export(view, hits, current_app.config["ORGANISATION"], clock.now())
    for record in sorted({h.record for h in hits}):
        store.audit(current_user.id, "privacy.export", record, format=kind)
    return data, f"inzage-{clock.today().isoformat()}.{kind}"


def _download(body, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                      "Cache-Control": "no-store"})


@bp.post("/personen/export.json")
@coordinator_required
def export_json():
    data, name = _export("json")
    return _download(json.dumps(data, ensure_ascii=False, indent=2), "application/json", name)


@bp.post("/personen/export.pdf")
@coordinator_required
def export_pdf():
    data, name = _export("pdf")
    return _download(html_to_pdf(render_template("privacy/export_pdf.html", data=data)), "application/pdf", name)


@bp.post("/personen/wissen")
@coordinator_required
def erase():
    store = get_store()
    hits = _chosen()
    if request.form.get("bevestig") != "ja":
        flash("Er is niets gewist. Vink aan dat u de gegevens echt wilt wissen.")
        return redirect(url_for("privacy.people"), code=303)
    outcome = erasure.erase(store, hits, clock.today(), user=current_user.id, upload_dir=upload_dir())
    flash(erasure.summary(outcome))
    if outcome.publicity_changed:
        # A published story or news item named the person: the public site must lose it too.
        built = site_build.rebuild(current_app.config)
        flash("De publieke site is opnieuw gebouwd zonder deze gegevens." if not built.error else
              f"Let op: de publieke site kon niet opnieuw worden gebouwd ({built.error}). Publiceer de site opnieuw.")
    return redirect(url_for("privacy.people"), code=303)
