"""The conflict types a programme starts with: the report and referral forms offer them, and
the settings' list "conflict_types" shows them until the coordinator keeps a list of their own.
Apart from the forms, so the admin pages that label a case's conflict type build no form."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fields import Text

DEFAULT_CONFLICT_TYPES: tuple[tuple[str, Text], ...] = (
    ("geluidsoverlast", {"nl": "Geluidsoverlast", "en": "Noise"}),
    ("pesten", {"nl": "Pesten of een verstoorde relatie", "en": "Bullying or a damaged relationship"}),
    ("intimidatie", {"nl": "Intimidatie of lastigvallen", "en": "Intimidation or harassment"}),
    ("tuin-erfgrens", {"nl": "Tuin of erfgrens (bijvoorbeeld schutting of takken)", "en": "Garden or boundary (for example a fence or branches)"}),
    ("huisdieren", {"nl": "Huisdieren", "en": "Pets"}),
    ("stank-rook", {"nl": "Stank of rook", "en": "Smells or smoke"}),
    ("vervuiling-afval", {"nl": "Vervuiling of afval", "en": "Litter or rubbish"}),
    ("parkeren", {"nl": "Parkeren", "en": "Parking"}),
    ("kinderen-jongeren", {"nl": "Kinderen of jongeren", "en": "Children or young people"}),
    ("overlast-algemeen", {"nl": "Andere overlast", "en": "Other nuisance"}),
)
