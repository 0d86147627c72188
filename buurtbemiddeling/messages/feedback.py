"""Feedback to referrers: who may be told what. The one home of that rule.

A referrer hears three moments of a case they referred: taken up (intake: geschikt), not
suitable (ongeschikt), and closed (afgesloten). The message holds the stage and the outcome
only, never what the conflict is about, the residents' names or anything of the other party
(templates.FEEDBACK allows no other fields). It is sent only when the resident agreed on the
referral form (or the coordinator recorded that consent), and never when the coordinator set
"geen terugkoppeling" on the case. A referrer without an e-mail address is phoned instead:
the case then shows on Vandaag as "terugkoppeling: bellen" until the call is noted.
Pure of Flask; `after_change` writes inside the caller's transaction.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from common import clock, tables
from figures import cases as case_rules

from .. import mail
from ..cases.repo import event_doc, picked
from ..settings import lists

MOMENTS = {"aangenomen": "aangenomen", "ongeschikt": "niet geschikt", "afgesloten": "afgesloten"}
CASES, EVENTS = tables.CASES, tables.CASE_EVENTS


def moment(before: Mapping[str, Any], after: Mapping[str, Any]) -> str | None:
    """Which feedback moment a change of a case is, if any."""
    if after.get("step") != before.get("step") and after.get("step") in ("ongeschikt", "afgesloten"):
        return after["step"]
    decided = lambda case: (case.get("intake") or {}).get("decision")  # noqa: E731
    if decided(after) == "geschikt" and decided(before) != "geschikt":
        return "aangenomen"
    return None


def is_referred(case: Mapping[str, Any]) -> bool:
    return (case.get("referrer") or {}).get("type", "zelfmelder") != "zelfmelder"


def route(case: Mapping[str, Any]) -> tuple[str, str]:
    """("mail" | "bellen" | "geen", why in Dutch) for this case's referrer."""
    referrer = case.get("referrer") or {}
    if not is_referred(case):
        return "geen", "De bewoner meldde zich zelf; er is geen verwijzer."
    if case.get("feedback_off"):
        return "geen", "U zette ‘geen terugkoppeling’ aan voor deze zaak."
    if not referrer.get("feedback_consent"):
        return "geen", "De bewoner gaf geen toestemming voor terugkoppeling aan de verwijzer."
    if mail.is_address(referrer.get("email")):
        return "mail", f"Per e-mail aan {mail.mask(referrer['email'])}."
    return "bellen", "De verwijzer heeft geen e-mailadres: bel de verwijzer."


def values(case: Mapping[str, Any], which: str, *, outcome_label: str, coordinator: str,
           site: Mapping[str, Any]) -> dict[str, str]:
    """The merge fields of a feedback mail: stage and outcome, nothing of the conflict."""
    referrer = case.get("referrer") or {}
    return {
        "verwijzer": referrer.get("person") or referrer.get("organisation") or "",
        "organisatie": referrer.get("organisation") or "",
        "verwijsdatum": clock.date_text(case_rules.reported_on(case)),
        "zaaknummer": case.get("number") or "",
        "stap": MOMENTS[which],
        "uitkomst": outcome_label if which == "afgesloten" else "",
        "coordinator": coordinator, "programma": site["name"], "telefoon": site["phone"], "email": site["email"],
    }


def message(view, case: Mapping[str, Any], which: str, fields: Mapping[str, str], site: Mapping[str, Any]) -> mail.Mail:
    from . import templates  # here, as sitebuilder in after_change: Vandaag lists the calls due and writes no message

    template = templates.TEMPLATES[f"terugkoppeling-{which}"]
    subject, body = templates.current(view, template.key)
    return mail.Mail(to=case["referrer"]["email"], subject=templates.fill(template, subject, fields),
                     body=templates.fill(template, body, fields), kind="feedback", reply_to=site["email"])


def after_change(tx, case_id: int, before: Mapping[str, Any], after: Mapping[str, Any], *,
                 user, at: dt.datetime) -> str | None:
    """Queue the referrer's feedback for a case that reached a feedback moment, or put the
    call on Vandaag; logs it on the timeline. Returns what happened in Dutch, or None."""
    which = moment(before, after)
    if which is None or not is_referred(after):
        return None
    import sitebuilder

    site = sitebuilder.site_config()
    outcome = (after.get("closing") or {}).get("outcome") or ""
    outcome_label = lists.labels(tx, "outcomes").get(outcome, outcome)
    how, why = route(after)
    if how == "geen":
        return f"De verwijzer krijgt geen terugkoppeling: {why[0].lower()}{why[1:]}"
    entry = {"kind": "feedback", "moment": which, "channel": how}
    if how == "mail":
        fields = values(after, which, outcome_label=outcome_label, site=site,
                        coordinator=getattr(user, "name", "") or "De coördinator")
        [mail_id] = mail.queue(tx, [message(tx, after, which, fields, site)], record=f"case:{case_id}")
        entry.update(mail_id=mail_id, note=f"Terugkoppeling ‘{MOMENTS[which]}’ per e-mail aan de verwijzer "
                                           f"({mail.mask(after['referrer']['email'])}).")
        told = f"De verwijzer krijgt per e-mail bericht: {MOMENTS[which]}."
    else:
        tx.table(CASES).update({"feedback_call": {"moment": which, "since": at.isoformat(timespec="seconds")}},
                               doc_ids=[case_id])
        entry["note"] = f"Terugkoppeling ‘{MOMENTS[which]}’: de verwijzer bellen (geen e-mailadres)."
        told = f"Bel de verwijzer met de terugkoppeling ({MOMENTS[which]}); het staat op Vandaag."
    tx.table(EVENTS).insert(event_doc(case_id, entry, user, at))
    return told


def calls_due(view) -> list:
    """Cases whose referrer waits for a phone call with feedback, oldest first (`picked`)."""
    found = picked(view, "messages.feedback_calls", lambda case: bool(case.get("feedback_call")))
    return sorted(found, key=lambda c: c["feedback_call"].get("since") or "")
