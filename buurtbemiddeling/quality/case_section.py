"""The quality area's section on the case page: debriefs, nazorg per party and coaching notes on
this case. Apart from the views (the figures pages and their statistics): a case page under CGI
is a fresh process that pays for every module it imports."""
from __future__ import annotations

from common import clock

from ..cases import repo as case_repo
from ..cases import sections
from ..coaching import notes as coaching_notes
from . import debrief, nazorg


def duo_names(view, case) -> list[str]:
    names = case_repo.volunteer_names(view)
    return [names.get(v, "") for v in case.get("duo") or []]


@sections.register("quality/_case_section.html", order=65)
def case_section(view, case) -> dict:
    return {"debriefs": debrief.of_case(view, case.doc_id), "talks": debrief.TALKS,
            "nazorg": nazorg.of_case(view, case.doc_id), "holds": nazorg.HOLDS,
            "notes": coaching_notes.notes_for(view, case_id=case.doc_id), "kinds": coaching_notes.KINDS,
            "can_debrief": len(case.get("duo") or []) == 2, "today": clock.today().isoformat(),
            "duo": [(v, name) for v, name in zip(case.get("duo") or [], duo_names(view, case))],
            "nazorg_done": nazorg.done(case, nazorg.of_case(view, case.doc_id).values())}
