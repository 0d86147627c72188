"""Unsuitable with advice: when the intake decides "ongeschikt", the advice goes to the
reporter (party A) by mail when there is an address, or the coordinator prints the letter.
The flash then says what truly happened. Pure of Flask; `writer` writes in the decision's
transaction."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from .. import mail
from ..cases.records import mail_address
from ..cases.repo import CASES, EVENTS, event_doc
from ..cases.workflow import WorkflowError

KEY = "ongeschikt-advies"
CHOICES = {"mail": "Per e-mail naar de melder sturen", "brief": "Als brief afdrukken en opsturen", "": "Niet sturen"}


def offer(case: Mapping[str, Any]) -> dict[str, Any]:
    """What the intake form offers: mail only when the reporter gave an address."""
    address = mail_address(case, 0)
    if address:
        return {"advice_choices": list(CHOICES.items()),
                "advice_hint": f"Per e-mail gaat de brief ‘Ongeschikt, met advies’ naar {mail.mask(address)}."}
    return {"advice_choices": [(k, v) for k, v in CHOICES.items() if k != "mail"],
            "advice_hint": "Van de melder is geen e-mailadres bekend: het advies kan als brief."}


def check(case: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """The coordinator's choice, refused when it cannot be done."""
    how = str(data.get("advice_by") or "")
    if how not in CHOICES:
        raise WorkflowError("Kies hoe het advies naar de melder gaat.", "advice_by")
    if data.get("decision") != "ongeschikt" or not how:
        return ""
    if not str(data.get("advice") or "").strip():
        raise WorkflowError("Schrijf het advies, of kies ‘Niet sturen’.", "advice")
    if how == "mail" and mail_address(case, 0) is None:
        raise WorkflowError("Van de melder is geen e-mailadres bekend. Kies ‘Als brief afdrukken en opsturen’.",
                            "advice_by")
    return how


def writer(case_id: int, how: str, *, user, coordinator: str, today: dt.date, at: dt.datetime,
           result: dict) -> Callable[[Any], None]:
    """What the decision writes besides itself: the advice mail and its timeline entry.
    Fills `result["told"]` with the truthful sentence for the flash."""
    def write(tx) -> None:
        case = tx.table(CASES).get(doc_id=case_id)
        if case.get("step") != "ongeschikt" or not how:
            result["told"] = "Het advies is niet naar de melder gestuurd." if case.get("step") == "ongeschikt" else ""
            return
        if how == "brief":
            result["told"] = ("Er is nog niets verstuurd: maak onder ‘Brieven en terugkoppeling’ de brief "
                              "‘Ongeschikt, met advies’ voor partij A, druk hem af en stuur hem op.")
            return
        from . import letters  # composing only: the case page's offer and check need no letter

        composed = letters.compose(tx, case, KEY, 0, None, coordinator=coordinator, today=today)
        address = mail_address(case, 0)
        tx.table(EVENTS).insert(event_doc(case_id, letters.queue_mail(tx, case_id, composed, address), user, at))
        result["told"] = f"Het advies gaat per e-mail naar de melder ({mail.mask(address)})."
    return write
