"""Which network partner a case's referrer is. Pure: plain partner and case mappings in.

A case belongs to a partner when its referrer names the partner: `referrer.partner_id`
when set (the coordinator linked it), otherwise the organisation typed on the case (or the
referral form) matches the partner's name word for word in any order ("Politie basisteam
Lindenhoven" and "Politie Lindenhoven, basisteam"), or one name holds all the words (two at
least) of the other. When both have a type, the types must agree, so "Gemeente" never claims
a GGD referral.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from common import folding

from figures import cases as case_rules

# Referrer types (settings list) that mean the same as a partner type.
SAME_TYPE = {"politie", "woningcorporatie", "gemeente", "welzijn", "wijkteam", "huisarts", "ggd"}


def _words(name: str | None) -> frozenset[str]:
    return frozenset(folding.words(name))


def names_match(partner_name: str | None, organisation: str | None) -> bool:
    a, b = _words(partner_name), _words(organisation)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 2 and (a <= b or b <= a))


def referred_by(partner: Mapping[str, Any], case: Mapping[str, Any]) -> bool:
    referrer = case.get("referrer") or {}
    pid = case_rules.case_id(partner)
    if referrer.get("partner_id") is not None:
        return referrer.get("partner_id") == pid
    kinds = {partner.get("type"), referrer.get("type")}
    if len(kinds) == 2 and kinds <= SAME_TYPE:
        return False
    return referrer.get("type") != "zelfmelder" and names_match(partner.get("name"), referrer.get("organisation"))


def suggested(partners: Iterable[Mapping[str, Any]], referrer: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The one partner the referrer's organisation names, by the same rule as `referred_by`
    without a link, for the coordinator to confirm; of several, the one with exactly the
    typed words; None when that leaves no single partner, so nobody is guessed."""
    unlinked = {"referrer": {**(referrer or {}), "partner_id": None}}
    found = [p for p in partners if referred_by(p, unlinked)]
    if len(found) > 1:
        typed = _words((referrer or {}).get("organisation"))
        found = [p for p in found if _words(p.get("name")) == typed]
    return found[0] if len(found) == 1 else None
