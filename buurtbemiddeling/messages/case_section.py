"""The case page's section "Brieven en terugkoppeling": the referrer's feedback and the letters."""
from __future__ import annotations

from .. import mail
from ..cases import page as case_page
from ..cases import repo
from ..cases.records import party_letter
from ..cases.sections import register
from . import feedback, templates


def letter_choices(case) -> list[tuple[str, str]]:
    """("key:party", "Kennismakingsbrief partij B") for each letter and party it may go to."""
    parties = case.get("parties") or []
    return [(f"{key}:{i}", f"{t.label} – partij {party_letter(i)}")
            for key, t in templates.LETTERS.items() for i in t.parties if i < len(parties)]


@register("messages/_case_section.html", order=75)
def letters_and_feedback(view, case) -> dict:
    how, why = feedback.route(case)
    names = repo.volunteer_names(view)
    planned = [(str(a.doc_id), f"{a.get('date', '')[8:10]}-{a.get('date', '')[5:7]}-{a.get('date', '')[:4]} "
                               f"{a.get('start', '')} · {a.get('place', '')}")
               for a in case_page.appointments_of(view, case)]
    parties = case.get("parties") or []
    return {
        "referred": feedback.is_referred(case), "route": how, "why": why,
        "consent": bool((case.get("referrer") or {}).get("feedback_consent")),
        "off": bool(case.get("feedback_off")), "call": case.get("feedback_call"),
        "moments": feedback.MOMENTS,
        "letters": letter_choices(case), "appointments": planned,
        "mailable": {i: mail.mask(p["email"]) for i, p in enumerate(parties) if mail.is_address(p.get("email"))},
        "party_letter": party_letter, "volunteer_names": names,
    }
