"""Which cases belong to a network partner (reporting/partners.py)."""
from __future__ import annotations

import pytest

from buurtbemiddeling.network.referrals import names_match, referred_by
from buurtbemiddeling.reporting.partners import feedback

POLICE = {"id": 1, "name": "Politie Lindenhoven, basisteam", "type": "politie"}


@pytest.mark.parametrize("typed, match", [
    ("Politie basisteam Lindenhoven", True),  # same words, other order
    ("politie lindenhoven", True),  # all words of the shorter name
    ("Politie", False),  # one word says too little
    ("Politie Deventer", False),
    ("", False),
])
def test_a_referrer_matches_a_partner_by_the_words_of_its_name(typed, match):
    assert names_match(POLICE["name"], typed) is match


def test_an_explicit_partner_id_wins_and_types_must_agree():
    assert referred_by(POLICE, {"referrer": {"type": "gemeente", "partner_id": 1}})
    assert not referred_by(POLICE, {"referrer": {"type": "politie", "organisation": POLICE["name"], "partner_id": 2}})
    assert not referred_by(POLICE, {"referrer": {"type": "gemeente", "organisation": "Politie Lindenhoven basisteam"}})
    assert not referred_by(POLICE, {"referrer": {"type": "zelfmelder", "organisation": "Politie Lindenhoven"}})


def test_feedback_counts_stages_and_endings():
    cases = [
        {"number": "1", "reported_at": "2025-01-02", "step": "afgesloten", "closing": {"outcome": "opgelost", "closed_on": "2025-02-01"}},
        {"number": "2", "reported_at": "2025-03-02", "step": "ongeschikt", "intake": {"decided_on": "2025-03-03"}},
        {"number": "3", "reported_at": "2025-04-02", "step": "gesprek-b"},
    ]
    result = feedback(cases)
    assert (result.referred, result.running) == (3, 1)
    assert result.stages == [("Ongeschikt", 1), ("Gesprek partij B", 1), ("Afgesloten", 1)]
    assert result.endings == [("ongeschikt", 1), ("opgelost", 1)]
    assert [r.number for r in result.rows] == ["3", "2", "1"]  # newest first
