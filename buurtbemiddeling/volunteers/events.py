"""Events for volunteers (intervisie, trainings, thank-you events, outings) and their calendar.

Table `events`: {"kind", "title", "date", "start", "end", "place", "agenda", "invitees": [ids],
"attendance": [ids], "notes", "uid", "answers": {"<volunteer id>": {"answer", "reason", "at"}}}.
An invitee answers the invitation in the portal (komt / komt niet, with a reason if they like)
until the day itself; the coordinator sees the answers on the event. The calendar (one .ics per event, and a feed that
Outlook or any calendar app subscribes to by a secret URL) carries only what a calendar
needs: title, time, place and agenda; never who is invited or attended. Pure of Flask.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, time, timezone
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo


from common import clock
from common import tables

EVENTS = tables.EVENTS
FEED = "calendar_feed"  # one doc: {"token"}
VOLUNTEER_FEEDS = tables.VOLUNTEER_FEEDS  # {"volunteer_id", "token"}: each volunteer's own feed
TZ = clock.TZ
KINDS = {"intervisie": "Intervisie", "training": "Training", "bedankbijeenkomst": "Bedankbijeenkomst",
         "uitje": "Uitje", "overig": "Overig"}


def check_event(form: Any, known_ids: set[int]) -> tuple[dict[str, Any], dict[str, str]]:
    """An event from the admin form (`form.getlist("invitees")` gives the invited volunteers)."""
    errors = {}
    kind = form.get("kind") or ""
    if kind not in KINDS:
        errors["kind"] = "Kies het soort activiteit."
    title = (form.get("title") or "").strip()[:150]
    if not title:
        errors["title"] = "Vul een titel in, bijvoorbeeld ‘Intervisie voorjaar’."
    day = (form.get("date") or "").strip()
    try:
        date.fromisoformat(day)
    except ValueError:
        errors["date"] = "Vul de datum in, bijvoorbeeld 2026-03-14."
    start, end = (form.get("start") or "").strip(), (form.get("end") or "").strip()
    for key, value in (("start", start), ("end", end)):
        try:
            time.fromisoformat(value)
        except ValueError:
            errors[key] = "Vul een tijd in als uu:mm, bijvoorbeeld 19:30."
    if "start" not in errors and "end" not in errors and end <= start:
        errors["end"] = "De eindtijd moet na de begintijd liggen."
    invitees = sorted({int(v) for v in form.getlist("invitees") if v.isdigit() and int(v) in known_ids})
    doc = {"kind": kind, "title": title, "date": day, "start": start, "end": end,
           "place": (form.get("place") or "").strip()[:200], "agenda": (form.get("agenda") or "").strip()[:4000],
           "invitees": invitees, "notes": (form.get("notes") or "").strip()[:4000]}
    return doc, errors


def attendance_from(form: Any, invitees: Iterable[int]) -> list[int]:
    """Who came: only invitees count (a walk-in is invited first)."""
    allowed = set(invitees)
    return sorted({int(v) for v in form.getlist("attended") if v.isdigit() and int(v) in allowed})


ANSWERS = {"komt": "Komt", "komt-niet": "Komt niet"}
MAX_REASON = 300


def check_answer(form: Any, event: Mapping[str, Any], volunteer_id: int, today: date) -> tuple[dict[str, Any], str]:
    """An invitee's answer (`answer`, `reason`); the error is a Dutch sentence, "" when right."""
    answer = (form.get("answer") or "").strip()
    reason = (form.get("reason") or "").strip()[:MAX_REASON]
    if volunteer_id not in (event.get("invitees") or []):
        return {}, "U bent voor deze activiteit niet uitgenodigd."
    if event.get("date", "") < today.isoformat():
        return {}, "Deze activiteit is al geweest; antwoorden kan niet meer."
    if answer not in ANSWERS:
        return {}, "Kies ‘Ik kom’ of ‘Ik kom niet’."
    return {"answer": answer, "reason": reason}, ""


def answer_of(event: Mapping[str, Any], volunteer_id: int) -> Mapping[str, Any] | None:
    return (event.get("answers") or {}).get(str(volunteer_id))


def answer_counts(event: Mapping[str, Any]) -> dict[str, int]:
    """How many invitees said they come, said they don't, and did not answer yet."""
    answers = [answer_of(event, vid) for vid in event.get("invitees") or []]
    return {"komt": sum(1 for a in answers if a and a["answer"] == "komt"),
            "komt-niet": sum(1 for a in answers if a and a["answer"] == "komt-niet"),
            "open": sum(1 for a in answers if not a)}


def has_begun(event: Mapping[str, Any], today: date) -> bool:
    """Attendance is recorded for an event that has begun (today or before), not in advance."""
    return event.get("date", "") <= today.isoformat()


def new_uid() -> str:
    return f"{secrets.token_hex(12)}@buurtbemiddeling"


def upcoming(events: Iterable[Mapping[str, Any]], today: date) -> list:
    return sorted((e for e in events if e.get("date", "") >= today.isoformat()), key=lambda e: (e["date"], e["start"]))


def past(events: Iterable[Mapping[str, Any]], today: date) -> list:
    return sorted((e for e in events if e.get("date", "") < today.isoformat()),
                  key=lambda e: (e["date"], e["start"]), reverse=True)


def attendance_rate(event: Mapping[str, Any]) -> int | None:
    invited = len(event.get("invitees", []))
    return round(100 * len(event.get("attendance", [])) / invited) if invited else None


AGENDA_ELSEWHERE = "De agenda staat in het vrijwilligersportaal."


def event_item(event: Mapping[str, Any], doc_id: int) -> dict[str, Any]:
    """An event as a calendar item (see `calendar`).

    No agenda: it is free text where names end up, and a feed leaves the programme (phones,
    shared calendars). The item says where the agenda is instead."""
    day = date.fromisoformat(event["date"])
    kind = KINDS.get(event.get("kind"), "Activiteit")
    return {"uid": event.get("uid") or f"event-{doc_id}@buurtbemiddeling",
            "start": datetime.combine(day, time.fromisoformat(event["start"])),
            "end": datetime.combine(day, time.fromisoformat(event["end"])),
            "summary": f"{kind}: {event['title']}", "location": event.get("place", ""),
            "description": AGENDA_ELSEWHERE if event.get("agenda") else "",
            "category": KINDS.get(event.get("kind"), "Overig")}


def _vevent(item: Mapping[str, Any], stamp: datetime):
    from icalendar import Event  # on demand: a heavy import only the calendar feeds need

    vevent = Event()
    vevent.add("uid", item["uid"])
    vevent.add("dtstamp", stamp)
    # In UTC: every reader gets that right, while readers disagree on VTIMEZONE rules (vobject put
    # every summer event an hour late). Calendar apps show the time in the phone's own zone.
    vevent.add("dtstart", item["start"].replace(tzinfo=TZ).astimezone(timezone.utc))
    vevent.add("dtend", item["end"].replace(tzinfo=TZ).astimezone(timezone.utc))
    vevent.add("summary", item["summary"])
    if item.get("location"):
        vevent.add("location", item["location"])
    if item.get("description"):
        vevent.add("description", item["description"])
    vevent.add("categories", [item["category"]])
    return vevent


def calendar(events: Iterable, organisation: str, *, now: datetime | None = None,
             items: Iterable[Mapping[str, Any]] = (), name: str = "activiteiten vrijwilligers") -> bytes:
    """An iCalendar file (RFC 5545) with the given events (docs with doc_id) and further
    calendar items (dicts like `event_item`'s, e.g. a volunteer's appointments)."""
    from icalendar import Calendar  # on demand: a heavy import only the calendar feeds need

    stamp = (now or clock.now()).astimezone(ZoneInfo("UTC"))  # RFC 5545: DTSTAMP in UTC
    cal = Calendar()
    cal.add("prodid", f"-//{organisation}//Buurtbemiddeling beheer//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{organisation}: {name}")
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    for item in [*(event_item(event, event.doc_id) for event in events), *items]:
        cal.add_component(_vevent(item, stamp))
    return cal.to_ical()


def feed_token(view) -> str | None:
    docs = view.table(FEED).all()
    return docs[0]["token"] if docs else None


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_matches(view, token: str) -> bool:
    known = feed_token(view)
    return bool(known) and secrets.compare_digest(known, token)


def volunteer_token(view, volunteer_id: int) -> str | None:
    found = next((d for d in view.table(VOLUNTEER_FEEDS).all() if d.get("volunteer_id") == volunteer_id), None)
    return found["token"] if found else None


def volunteer_of_token(view, token: str) -> int | None:
    """The volunteer whose own feed has this secret address, or None."""
    for doc in view.table(VOLUNTEER_FEEDS).all():
        if secrets.compare_digest(str(doc.get("token", "")), token):
            return doc.get("volunteer_id")
    return None


def renew_volunteer_token(tx, volunteer_id: int) -> str:
    """A new secret address for the volunteer's feed; the old one stops working."""
    table = tx.table(VOLUNTEER_FEEDS)
    table.remove(doc_ids=[d.doc_id for d in table.all() if d.get("volunteer_id") == volunteer_id])
    token = new_token()
    table.insert({"volunteer_id": volunteer_id, "token": token})
    return token
