"""What one worker keeps between requests is never stale after another worker's write.

Each worker process has its own store with its own caches; the values the hot pages keep
(Vandaag's lists, the case search and lists, the matching facts, the duplicates and wijk
guesses, the volunteers' mediation counts) are kept per part of a table and brought up to
date with the parts another worker changed (db/store.py: ``parted``, ``summed``, ``fold``).
Here the second worker is a second app on the same instance: its own store and caches.
"""
from __future__ import annotations

import re

import pytest

from app import create_app
from buurtbemiddeling.cases import intake, repo as case_repo
from buurtbemiddeling.coaching import notes
from buurtbemiddeling.matching import facts
from buurtbemiddeling.messages import feedback
from buurtbemiddeling.quality import debrief
from buurtbemiddeling.volunteers import appreciation
from common import clock, tables

from .matching_data import PARTIES, Coordinator, add_case, add_volunteers


@pytest.fixture
def other(app, clock):
    """The other worker's store: a second app on the same instance folder."""
    second = create_app({"INSTANCE_PATH": app.instance_path, "TESTING": True, "SECRET_KEY": "test",
                         "RETENTION_AUTO_RUN": False, "CLOCK": clock})
    return second.extensions["store"]


@pytest.fixture
def duo_cases(store):
    els, kees = add_volunteers(store, "Els", "Kees")
    first = add_case(store, step="gesprek-a", duo=[els, kees])
    second = add_case(store, step="gesprek-b", duo=[els, kees], parties=[
        {**PARTIES[0], "name": "Piet Pieters", "street": "Eikenlaan 3"}, {**PARTIES[1], "street": "Eikenlaan 5"}])
    with store.transaction() as tx:  # both duos quiet since long ago
        tx.table(tables.CASES).update({"step_changed_at": "2020-01-01T10:00:00"}, doc_ids=[first, second])
    return {"first": first, "second": second, "els": els, "kees": kees}


def _quiet(client) -> int:
    page = client.get("/beheer/").get_data(as_text=True)
    return int(re.search(r'Voortgang navragen <span class="count">(\d+)</span>', page)[1])


def _asked(client) -> int:
    found = re.search(r"(\d+) keer coaching gevraagd", client.get("/beheer/").get_data(as_text=True))
    return int(found[1]) if found else 0  # the line is left out when nothing is asked or due


def test_vandaag_follows_the_check_ins_notes_and_debriefs_another_worker_writes(client, as_user, store, other, duo_cases):
    as_user.coordinator()
    assert _quiet(client) == 2 and _asked(client) == 0
    case_repo.add_entry(other, duo_cases["first"], notes.CHECKIN, Coordinator())
    assert _quiet(client) == 1
    notes.add_note(other, {"volunteer_id": None, "case_id": duo_cases["second"], "date": clock.today().isoformat(),
                           "kind": "telefonisch", "content": "Gesproken", "follow_up": "", "follow_up_date": "",
                           "follow_up_done": False}, by="C", at=clock.now())
    assert _quiet(client) == 0
    debrief.add(other, duo_cases["first"], {"talk": "a", "date": clock.today().isoformat(), "went_well": "x", "hard": "",
                                            "checklist": [], "coaching_needed": True,
                                            "volunteer_ids": [duo_cases["els"], duo_cases["kees"]]},
                by="C", at=clock.now())
    assert _asked(client) == 1
    with other.transaction() as tx:  # the case closed: its question belongs in intervisie now
        tx.table(tables.CASES).update({"step": "afgesloten"}, doc_ids=[duo_cases["first"]])
    assert _asked(client) == 0


def _vandaag_part(client, start: str, end: str = "</section>") -> str:
    """Vandaag as another request shows it, from ``start`` to the next ``end``."""
    page = client.get("/beheer/").get_data(as_text=True)
    return page.split(start, 1)[1].split(end, 1)[0]


def _numbers(client, url: str) -> set[str]:
    return set(re.findall(r"\b20\d\d-\d{3,}\b", client.get(url).get_data(as_text=True)))


def test_the_case_search_and_lists_follow_another_worker(client, as_user, store, other, duo_cases):
    as_user.coordinator()
    view = store.read()
    first, second = (view.table(tables.CASES).get(doc_id=duo_cases[k])["number"] for k in ("first", "second"))
    assert _numbers(client, "/beheer/zaken/?q=Pieters") == {second}
    assert _numbers(client, "/beheer/zaken/?step=open") >= {first, second}
    with other.transaction() as tx:
        tx.table(tables.CASES).update({"parties": [{**PARTIES[0], "name": "Piet Verhoeven"}, PARTIES[1]],
                                       "step": "afgesloten"}, doc_ids=[duo_cases["second"]])
    assert _numbers(client, "/beheer/zaken/?q=Pieters") == set()
    assert _numbers(client, "/beheer/zaken/?q=Verhoeven") == {second}
    assert second not in _numbers(client, "/beheer/zaken/?step=open") and first in _numbers(client, "/beheer/zaken/?step=open")
    assert case_repo.step_counts(store.read()).get("afgesloten") == 1


def test_matching_facts_and_mediation_counts_follow_another_worker(store, other, duo_cases):
    els = duo_cases["els"]

    def facts_of_els() -> tuple[int, int, dict]:
        candidate = next(c for c in facts.candidates(store.read()) if c.id == els)
        return candidate.load, candidate.mediations, candidate.experience

    assert facts_of_els() == (2, 0, {})
    assert facts.pair_history(store.read()) == {}
    assert appreciation.mediations_done(store.read(), els) == 2
    with other.transaction() as tx:
        tx.table(tables.CASES).update({"step": "afgesloten", "closing": {"outcome": "opgelost"}}, doc_ids=[duo_cases["first"]])
    assert facts_of_els() == (1, 1, {"geluidsoverlast": 1})
    assert [(r.cases, r.solved) for r in facts.pair_history(store.read()).values()] == [(1, 1)]
    third = add_case(other, step="gekoppeld", duo=[els, duo_cases["kees"]])
    assert facts_of_els()[0] == 2 and appreciation.mediations_done(store.read(), els) == 3
    with other.transaction() as tx:
        tx.table(tables.CASES).remove(doc_ids=[third])
    assert facts_of_els()[0] == 1 and appreciation.mediations_done(store.read(), els) == 2


def test_duplicates_and_the_wijk_guess_follow_another_worker(store, other, duo_cases):
    eiken = intake.address_pair("Eikenlaan 3", "7412 AB", "Eikenlaan 5")
    assert [c.doc_id for c in intake.duplicates_in(store.read(), eiken, tables.REPORTS, tables.CASES)["cases"]] == [
        duo_cases["second"]]
    assert intake.guess_wijk_in(store.read(), "7412 AB", tables.CASES) == ""
    with other.transaction() as tx:
        tx.table(tables.CASES).update({"parties": [{**PARTIES[0], "street": "Beukenlaan 1"}, PARTIES[1]], "wijk": "oost"},
                                      doc_ids=[duo_cases["second"]])
    assert intake.duplicates_in(store.read(), eiken, tables.REPORTS, tables.CASES)["cases"] == []
    beuken = intake.address_pair("Beukenlaan 1", "7412 AB", "Lindelaan 14")
    assert [c.doc_id for c in intake.duplicates_in(store.read(), beuken, tables.REPORTS, tables.CASES)["cases"]] == [
        duo_cases["second"]]
    assert intake.guess_wijk_in(store.read(), "7412 AB", tables.CASES) == "oost"


def test_the_referrers_to_call_follow_another_worker(store, other, duo_cases):
    assert feedback.calls_due(store.read()) == []
    with other.transaction() as tx:
        tx.table(tables.CASES).update({"feedback_call": {"moment": "afgesloten", "since": "2026-12-01T10:00:00+01:00"}},
                                      doc_ids=[duo_cases["second"]])
    assert [c.doc_id for c in feedback.calls_due(store.read())] == [duo_cases["second"]]
    with other.transaction() as tx:  # called: the case leaves the list
        tx.table(tables.CASES).update({"feedback_call": None}, doc_ids=[duo_cases["second"]])
    assert feedback.calls_due(store.read()) == []


def test_a_required_qualification_another_worker_records_counts_in_matching_at_once(store, other, duo_cases, clock):
    def lacking() -> tuple[str, ...]:
        return next(c for c in facts.candidates(store.read()) if c.id == duo_cases["els"]).unqualified

    assert lacking() == ()
    with other.transaction() as tx:
        vog = tx.table("trainings").insert({"name": "VOG", "kind": "kwalificatie", "required": True, "validity_months": 36})
    assert lacking() == ("VOG ontbreekt",)
    with other.transaction() as tx:
        tx.table("training_records").insert({"volunteer_id": duo_cases["els"], "training_id": vog,
                                             "date": clock.today().isoformat(), "hours": 0})
    assert lacking() == ()


def test_a_ranking_stays_kept_through_a_step_that_changes_no_count_and_follows_one_that_does(store, other, duo_cases):
    """Koppelen: kept on the counts over all cases, not on the version of the cases table."""
    from buurtbemiddeling.matching import facts as ranking

    to_match = add_case(store, step="intake")
    no_duo = add_case(store, step="intake")

    def ranked():
        view = store.read()
        return ranking.rank_for_case(view, view.table(tables.CASES).get(doc_id=to_match))

    def load_of_els(found) -> int:  # Els is in a duo, or left out (on two cases: her most)
        candidates = [m.candidate for duo in found.duos for m in duo.members] + [e.candidate for e in found.excluded]
        return next(c.load for c in candidates if c.id == duo_cases["els"])

    first = ranked()
    assert load_of_els(first) == 2
    with other.transaction() as tx:  # another case's step: nobody's load or history changes
        tx.table(tables.CASES).update({"step": "in-de-wacht"}, doc_ids=[no_duo])
    assert ranked() is first
    with other.transaction() as tx:  # one of Els's cases closed: her load changes
        tx.table(tables.CASES).update({"step": "afgesloten"}, doc_ids=[duo_cases["first"]])
    assert load_of_els(ranked()) == 1
    with other.transaction() as tx:  # the case itself changed
        tx.table(tables.CASES).update({"conflict_types": ["parkeren"]}, doc_ids=[to_match])
    assert ranked() is not first and ranked() is ranked()


def test_a_name_searched_for_again_follows_the_order_another_workers_note_gives(client, as_user, store, other, clock):
    # The list of a name alone is kept in its order per version: a note elsewhere moves its case up.
    as_user.coordinator()
    older, newer = (add_case(store, parties=[{**PARTIES[0], "name": f"{first} Smitsenaar"}, PARTIES[1]])
                    for first in ("Anna", "Bert"))
    view = store.read()
    number = {doc: view.table(tables.CASES).get(doc_id=doc)["number"] for doc in (older, newer)}

    def listed() -> list[str]:
        page = client.get("/beheer/zaken/?q=smitsenaar").get_data(as_text=True)
        return [n for n in re.findall(r"\b20\d\d-\d{3,}\b", page) if n in number.values()]

    assert listed()[:2] == [number[newer], number[older]]  # the same moment: the newer case first
    clock.advance(hours=1)
    case_repo.add_entry(other, older, notes.CHECKIN, Coordinator())
    assert listed()[:2] == [number[older], number[newer]]
    assert listed()[:2] == [number[older], number[newer]]  # kept, and kept right



def test_the_matching_facts_follow_several_writes_to_one_part_while_this_worker_shows_other_pages(store, other, duo_cases):
    """A worker that serves other pages between another worker's writes to one part reads each
    new version, so the version its matching facts were counted on leaves memory: it is counted
    as it leaves, and those counts are taken off later only for that version of the part."""
    els, first = duo_cases["els"], duo_cases["first"]

    def facts_of_els() -> tuple[int, int]:
        candidate = next(c for c in facts.candidates(store.read()) if c.id == els)
        return candidate.load, candidate.mediations

    def step_of_first(step: str, closing: dict | None = None, *, then_a_page: bool = True) -> None:
        with other.transaction() as tx:
            tx.table(tables.CASES).update({"step": step, "closing": closing}, doc_ids=[first])
        if then_a_page:  # as Vandaag or the case list: this worker reads the part's new version
            store.read().table(tables.CASES).all()

    assert facts_of_els() == (2, 0)
    step_of_first("gesprek-b")
    step_of_first("afgesloten", {"outcome": "opgelost"})  # the version counted on has left memory now
    assert facts_of_els() == (1, 1)
    step_of_first("gesprek-a", then_a_page=False)  # the version before is in memory: its counts, not older ones
    assert facts_of_els() == (2, 0)


def test_the_thank_you_list_follows_the_mediations_and_contacts_another_worker_records(client, as_user, store, other,
                                                                                        duo_cases, clock):
    # Kept on the mediation counts (not the version of the cases) and the volunteers' version.
    as_user.coordinator()
    els, kees = duo_cases["els"], duo_cases["kees"]
    with store.transaction() as tx:  # Els and Kees on 9 cases in all
        tx.table(tables.CASES).insert_multiple({"step": "afgesloten", "duo": [els, kees]} for _ in range(7))

    def reasons_for_els() -> str:
        page = client.get("/beheer/").get_data(as_text=True)
        found = re.search(rf'vrijwilligers/{els}#waardering">Els</a>\s*<span class="meta">([^<]*)</span>', page)
        return found[1] if found else ""

    assert "bemiddelingen gedaan" not in reasons_for_els() and "Geen persoonlijk contact" in reasons_for_els()
    with other.transaction() as tx:  # another case's step: nobody's count moves
        tx.table(tables.CASES).update({"step": "in-de-wacht"}, doc_ids=[duo_cases["second"]])
    assert "bemiddelingen gedaan" not in reasons_for_els()
    with other.transaction() as tx:
        tx.table(tables.CASES).insert({"step": "gekoppeld", "duo": [els, kees]})
    assert "10 bemiddelingen gedaan" in reasons_for_els()
    with other.transaction() as tx:
        tx.table(tables.VOLUNTEERS).update({"contacts": [{"on": clock.today().isoformat(), "kind": "bedankt", "note": "",
                                                          "by": "C"}], "thanked_for_mediations": 10}, doc_ids=[els])
    assert reasons_for_els() == ""


def test_the_intake_deadlines_on_vandaag_follow_another_worker_per_part_and_term(tmp_path):
    """Vandaag's intake deadlines are kept per part of the cases and per term: a reported date
    another worker changes in the second part moves that deadline, a decided intake drops out,
    and another term gives other deadlines (fails with a key that ignores the version, the part
    or the term)."""
    from db import Store

    from buurtbemiddeling.cases import dashboard

    this, another = (Store(tmp_path / "data", parts={tables.CASES: 2}) for _ in range(2))
    with another.transaction() as tx:  # parts 1-2 and 3-4; the last is decided, not waiting
        tx.table(tables.CASES).insert_multiple([{"step": "aangemeld", "reported_at": f"2026-12-0{day}T10:00:00"}
                                                for day in (1, 2, 3)] + [
            {"step": "intake", "intake": {"decision": "geschikt"}, "reported_at": "2026-12-04T10:00:00"}])
    dt = clock.to_date
    assert dashboard.intake_deadlines(this.read(), 5) == {1: dt("2026-12-08"), 2: dt("2026-12-09"), 3: dt("2026-12-10")}
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"reported_at": "2026-12-07T10:00:00"}, doc_ids=[3])
        tx.table(tables.CASES).update({"intake": {"decision": ""}}, doc_ids=[4])
    assert dashboard.intake_deadlines(this.read(), 5) == {1: dt("2026-12-08"), 2: dt("2026-12-09"),
                                                          3: dt("2026-12-14"), 4: dt("2026-12-11")}
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"step": "gesprek-a"}, doc_ids=[1])
    assert dashboard.intake_deadlines(this.read(), 1) == {2: dt("2026-12-03"), 3: dt("2026-12-08"), 4: dt("2026-12-07")}


def test_the_duos_that_can_go_quiet_follow_another_worker_per_part(tmp_path):
    """The cases whose duo can go quiet (Vandaag's check-in list) are looked for per part of the
    cases: a duo another worker puts on a case in the second part, or a case it closes there,
    counts at once (fails with a key that ignores the version or the part)."""
    from db import Store

    from buurtbemiddeling.coaching import dashboard

    this, another = (Store(tmp_path / "data", parts={tables.CASES: 2}) for _ in range(2))
    with another.transaction() as tx:  # parts 1-2 and 3-4
        tx.table(tables.CASES).insert_multiple([
            {"step": "gesprek-a", "duo": [1, 2]}, {"step": "intake", "duo": [1, 2]},
            {"step": "gesprek-b", "duo": [1, 2]}, {"step": "gekoppeld", "duo": [1]}])
    assert dashboard.duos_at_work(this.read()) == {1, 3}
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"duo": [1, 3]}, doc_ids=[4])
        tx.table(tables.CASES).update({"step": "afgesloten"}, doc_ids=[3])
    assert dashboard.duos_at_work(this.read()) == {1, 4}


def test_a_name_search_follows_another_worker_per_part(tmp_path):
    """What a name search found in a part of the cases is kept with that part's search index
    (repo._PartIndex, kept per version of its part): a name another worker gives or takes in
    either part, and a name typed with a typo, are found at once (fails with a key that
    ignores the version or the part)."""
    from db import Store

    from buurtbemiddeling.cases import search

    this, another = (Store(tmp_path / "data", parts={tables.CASES: 2}) for _ in range(2))

    def named(*names) -> list[dict]:
        return [{"step": "intake", "parties": [{"name": name}]} for name in names]

    def found(q: str) -> list[int]:
        return [case.doc_id for case in case_repo.find(this.read(), search.Filters(q=q, sort="nummer"))[0]]

    with another.transaction() as tx:  # parts 1-2 and 3-4
        tx.table(tables.CASES).insert_multiple(named("Piet Pieters", "Anna Smit", "Kees Pieters", "Jan Smit"))
    assert found("pieters") == [1, 3] and found("smit") == [2, 4]
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"parties": [{"name": "Kees Verhoeven"}]}, doc_ids=[3])
        tx.table(tables.CASES).update({"parties": [{"name": "Jan Pieters"}]}, doc_ids=[4])
    assert found("pieters") == [1, 4] and found("smit") == [2]
    assert found("verhoevne") == [3]  # one typo: the word is found nowhere as typed
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"parties": [{"name": "Anna Pieters"}]}, doc_ids=[2])
    assert found("pieters") == [1, 2, 4] and found("smit") == []
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"parties": [{"name": "Kees Verhoevne"}]}, doc_ids=[3])
    assert found("verhoevne") == [3] and found("verhoeven") == [3]


def test_a_changed_part_of_the_cases_is_indexed_again_for_its_changed_cases_only(tmp_path, monkeypatch):
    """A part another worker changed keeps its other cases as the same objects; their search
    texts are taken from the part's earlier index (repo._PartIndex.again), the changed case's
    made again, and the index is the one a fresh build gives."""
    from db import Store

    from buurtbemiddeling.cases import search

    this, another = (Store(tmp_path / "data", parts={tables.CASES: 3}) for _ in range(2))
    with another.transaction() as tx:
        tx.table(tables.CASES).insert_multiple([{"number": f"2026-000{i}", "parties": [{"name": name}]}
                                                for i, name in enumerate(("Piet Pieters", "Anna Smit", "Kees Bakker"), 1)])
    assert [c.doc_id for c in case_repo.find(this.read(), search.Filters(q="smit"))[0]] == [2]
    made = []
    monkeypatch.setattr(search, "haystack", lambda case, made_by=search.haystack: made.append(case.doc_id) or made_by(case))
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"parties": [{"name": "Anna de Smit-Jansen"}]}, doc_ids=[2])
    view = this.read()
    assert [c.doc_id for c in case_repo.find(view, search.Filters(q="jansen"))[0]] == [2]
    assert made == [2]
    (index,) = view.parted("cases.search_index", tables.CASES, case_repo._PartIndex)
    fresh = case_repo._PartIndex(index.docs)
    assert (index.text, list(index.starts)) == (fresh.text, list(fresh.starts))
    assert index.text.split("\n") == ["2026-0001 piet pieters", "2026-0002 anna de smit-jansen", "2026-0003 kees bakker"]


def test_which_cases_are_on_vandaags_lists_follows_another_worker_per_part(tmp_path):
    """Which running cases may be on Vandaag's lists (without activity, nazorg, on hold) is kept per
    part of the cases: a case another worker puts on hold, into nazorg, closes or moves in the
    second part is on its list at once, and the first part is not looked at again (fails with a
    key that ignores the version or the part)."""
    from db import Store

    from buurtbemiddeling.cases import dashboard

    this, another = (Store(tmp_path / "data", parts={tables.CASES: 2}) for _ in range(2))
    with another.transaction() as tx:  # parts 1-2 and 3-4
        tx.table(tables.CASES).insert_multiple([
            {"step": "gesprek-a", "last_activity_at": "2026-11-01T10:00:00+01:00"}, {"step": "aangemeld"},
            {"step": "nazorg", "nazorg_due": "2026-12-10"}, {"step": "gekoppeld"}])

    def lists() -> dict:
        parts = dashboard.day_lists(this.read())
        return {name: [row for part in parts for row in part[name]] for name in ("quiet", "nazorg", "on_hold")}

    assert lists() == {"quiet": [(1, "2026-11-01T10:00:00+01:00"), (4, "")], "nazorg": [("2026-12-10", 3)], "on_hold": []}
    first = dashboard.day_lists(this.read())[0]
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"step": "in-de-wacht"}, doc_ids=[4])
        tx.table(tables.CASES).update({"nazorg_due": "2026-12-24"}, doc_ids=[3])
    assert lists() == {"quiet": [(1, "2026-11-01T10:00:00+01:00")], "nazorg": [("2026-12-24", 3)], "on_hold": [4]}
    assert dashboard.day_lists(this.read())[0] is first  # the unchanged part's lists are the kept ones
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"step": "afgesloten"}, doc_ids=[3])
        tx.table(tables.CASES).update({"step": "pendel", "last_activity_at": "2026-12-05T09:00:00+01:00"}, doc_ids=[4])
    assert lists() == {"quiet": [(1, "2026-11-01T10:00:00+01:00"), (4, "2026-12-05T09:00:00+01:00")],
                       "nazorg": [], "on_hold": []}


def test_vandaags_case_lists_follow_another_workers_note_and_step(client, as_user, store, other, clock):
    """Vandaag's lists of cases without activity and on hold follow another worker's note (the
    case's last activity is in its events) and step change."""
    as_user.coordinator()
    with store.transaction() as tx:  # as imported: no events, its last activity stored on it
        quiet = tx.table(tables.CASES).insert({"number": "2026-0042", "step": "gesprek-a", "parties": PARTIES,
                                               "step_changed_at": "2026-10-01T10:00:00+01:00",
                                               "last_activity_at": "2026-10-01T10:00:00+01:00"})
    number = "2026-0042"

    def section(title: str) -> str:
        return _vandaag_part(client, f"<h3>{title}", "<h3>")

    assert number in section("Zonder activiteit sinds") and number not in section("In de wacht")
    case_repo.add_entry(other, quiet, {"kind": "note", "text": "Partij B gebeld."}, Coordinator())
    assert number not in section("Zonder activiteit sinds")
    with other.transaction() as tx:
        tx.table(tables.CASES).update({"step": "in-de-wacht", "step_changed_at": "2026-12-01T10:00:00+01:00"},
                                      doc_ids=[quiet])
    assert number in section("In de wacht") and "01-12-2026" in section("In de wacht")


def test_the_duo_choices_on_a_case_page_follow_another_worker(client, as_user, store, other, duo_cases):
    """The active volunteers and their rendered options (admin/options.py, kept per version of
    the volunteers table) on a case page, and on Koppelen: a volunteer another worker makes
    active or stops shows at once, and the case's own duo stays the chosen option (fails with
    a key that ignores the version)."""
    as_user.coordinator()
    page = f"/beheer/zaken/{duo_cases['first']}"

    def offered(url: str) -> list[tuple[str, bool]]:
        form = client.get(url).get_data(as_text=True)
        select = re.search(r'<select id="duo-duo" name="duo">(.*?)</select>', form, re.S)[1]
        return [(name, bool(chosen)) for chosen, name in re.findall(r'<option value="\d+"( selected)?>([^<]*)<', select)]

    assert offered(page) == [("Els", True), ("Kees", False)]
    (anna,) = add_volunteers(other, "Anna")
    assert offered(page) == [("Anna", False), ("Els", True), ("Kees", False)]
    with other.transaction() as tx:
        tx.table(tables.VOLUNTEERS).update({"step": "gestopt"}, doc_ids=[duo_cases["kees"]])
    assert offered(page) == [("Anna", False), ("Els", True)]
    koppelen = client.get(f"/beheer/zaken/{duo_cases['first']}/koppelen").get_data(as_text=True)
    assert re.findall(r'<option value="\d+">([^<]*)<', koppelen.split('id="eigen-first"')[1].split("</select>")[0]) == ["Anna", "Els"]


def test_the_coaching_asked_for_on_vandaag_follows_another_worker_and_not_the_timeline(tmp_path):
    """The running cases and the coaching asked for on them are kept apart from the timeline
    (coaching.dashboard.requests, on open_requests per version of the debriefs and notes and
    open_cases per part of the cases):
    another worker's debrief asking for coaching, its coaching note that answers it, and a case
    it closes count at once; a note on the timeline keeps them (fails with a key that ignores the
    version of the cases, debriefs or notes, or the part)."""
    from db import Store

    from buurtbemiddeling.coaching import dashboard

    this, another = (Store(tmp_path / "data", parts={tables.CASES: 2}) for _ in range(2))
    with another.transaction() as tx:
        tx.table(tables.CASES).insert_multiple([{"step": "gesprek-a", "duo": [1, 2]}, {"step": "intake"},
                                                {"step": "gesprek-b", "duo": [1, 2]}])
        tx.table(tables.DEBRIEFS).insert({"case_id": 3, "date": "2026-12-01", "coaching_needed": True,
                                          "at": "2026-12-01T10:00:00+01:00"})

    def asked() -> list[int]:
        return [case_id for _, case_id in dashboard.requests(this.read())]

    assert asked() == [3] and dashboard.open_cases(this.read()) == {1, 2, 3}
    kept = dashboard.requests(this.read())
    case_repo.add_entry(another, 3, {"kind": "note", "text": "Partij B gebeld."}, Coordinator())
    assert dashboard.requests(this.read()) is kept  # the timeline is not what it hangs on
    with another.transaction() as tx:
        tx.table(tables.COACHING_NOTES).insert({"case_id": 3, "date": "2026-12-02", "at": "2026-12-02T10:00:00+01:00"})
    assert asked() == []
    with another.transaction() as tx:
        tx.table(tables.DEBRIEFS).insert({"case_id": 1, "date": "2026-12-03", "coaching_needed": True,
                                          "at": "2026-12-03T10:00:00+01:00"})
    assert asked() == [1]
    requested = dashboard.open_requests(this.read())
    with another.transaction() as tx:
        tx.table(tables.CASES).update({"step": "afgesloten"}, doc_ids=[1])
    assert asked() == [] and dashboard.open_cases(this.read()) == {2, 3}
    assert dashboard.open_requests(this.read()) is requested  # a step change reads no debrief
    with another.transaction() as tx:  # listed by the day of the talk, whatever the debrief's or case's id
        tx.table(tables.DEBRIEFS).insert_multiple([
            {"case_id": 2, "date": "2026-12-05", "coaching_needed": True, "at": "2026-12-05T10:00:00+01:00"},
            {"case_id": 3, "date": "2026-12-04", "coaching_needed": True, "at": "2026-12-05T11:00:00+01:00"}])
        tx.table(tables.CASES).update({"step": "gesprek-a"}, doc_ids=[2])
    assert asked() == [3, 2]


def test_vandaags_new_reports_follow_another_worker_and_the_day(client, as_user, store, other, clock):
    """The new reports on Vandaag are kept per day and version of the reports: one another worker
    takes in shows at once, one it handles goes, and a day later it is late (fails with a key
    that ignores the version or the day)."""
    as_user.coordinator()

    def panel() -> str:
        return _vandaag_part(client, '<h2 id="nieuw">')

    assert "Er wachten geen nieuwe meldingen" in panel()
    with other.transaction() as tx:
        report = tx.table(tables.REPORTS).insert({"status": "nieuw", "received_at": "2026-12-04T09:00:00+01:00",
                                                  "values": {"name": "Jan Melder"}, "flags": []})
    assert "Jan Melder" in panel() and "te laat" not in panel()
    clock.set("2026-12-14T10:16:00+01:00")
    assert "Jan Melder" in panel() and "1 te laat" in panel()
    with other.transaction() as tx:
        tx.table(tables.REPORTS).update({"status": "gelezen"}, doc_ids=[report])
    assert "Jan Melder" not in panel()


def test_a_report_posted_behind_the_twelve_shown_renders_only_the_count_and_the_link(client, as_user, store, other,
                                                                                     clock):
    """The rows of the new reports shown on Vandaag are a piece of their own (admin/fragments.py):
    a report another worker takes in behind the twelve shown changes the count and the link to
    all of them, and the rows keep their HTML; one that comes first (received earlier) shows."""
    from buurtbemiddeling.admin import fragments

    as_user.coordinator()

    def add(name: str, received: str) -> None:
        with other.transaction() as tx:
            tx.table(tables.REPORTS).insert({"status": "nieuw", "received_at": received, "values": {"name": name},
                                             "flags": []})

    for day in range(1, 14):
        add(f"Melder {day}", f"2026-11-{day:02}T09:00:00+01:00")
    page = _vandaag_part(client, '<h2 id="nieuw">')
    assert "Alle 13 nieuwe meldingen" in page and "Melder 12<" in page and "Melder 13<" not in page
    rows = client.application.extensions[fragments.KEPT]["reports/_today_rows.html"]
    add("Melder 14", "2026-12-05T09:00:00+01:00")
    assert "Alle 14 nieuwe meldingen" in _vandaag_part(client, '<h2 id="nieuw">')
    assert client.application.extensions[fragments.KEPT]["reports/_today_rows.html"] is rows
    add("Melder 0", "2026-10-31T09:00:00+01:00")
    page = _vandaag_part(client, '<h2 id="nieuw">')
    assert "Melder 0<" in page and "Melder 12<" not in page and "Alle 15 nieuwe meldingen" in page


def test_vandaags_waiting_applicants_follow_another_worker_and_the_day(client, as_user, store, other, clock):
    """The applicants waiting longest on Vandaag are kept per day and version of the applications
    and volunteers: one another worker receives shows at once, days go by, and one it turns
    down goes (fails with a key that ignores the version or the day)."""
    as_user.coordinator()

    def panel() -> str:
        return _vandaag_part(client, '<h2 id="vw-waiting">')

    assert "Sara Aanmelder" not in panel()
    with other.transaction() as tx:
        applicant = tx.table(tables.APPLICATIONS).insert({"step": "nieuw", "name": "Sara Aanmelder",
                                                          "received_at": "2026-12-01T09:00:00+01:00"})
    assert "Sara Aanmelder" in panel() and "5 dagen" in panel()
    clock.set("2026-12-08T10:16:00+01:00")
    assert "7 dagen" in panel()
    with other.transaction() as tx:
        tx.table(tables.APPLICATIONS).update({"step": "afgewezen"}, doc_ids=[applicant])
    assert "Sara Aanmelder" not in panel()


def test_the_duo_cards_on_koppelen_follow_another_worker(client, as_user, store, other):
    """Koppelen's duo cards are rendered once per kept ranking (matching/views.py: duo_cards): a
    volunteer another worker stops leaves them, and an intake decision it takes back takes their
    buttons away (fails with a key that ignores the ranking's version)."""
    as_user.coordinator()
    case_id = add_case(store, step="intake")
    els, kees, anna = add_volunteers(store, "Els", "Kees", "Anna")
    url = f"/beheer/zaken/{case_id}/koppelen"

    def cards() -> tuple[set[str], int]:
        page = client.get(url).get_data(as_text=True)
        shown = page.split('id="voorstellen-titel"')[1].split('id="eigen-titel"')[0]
        return set(re.findall(r'<span class="duo-rank">\d+\.</span> ([^<]+)</h3>', shown)), shown.count("Dit duo voorstellen")

    names, buttons = cards()
    assert {"Els en Kees", "Anna en Els", "Anna en Kees"} <= {" en ".join(sorted(n.split(" en "))) for n in names}
    assert buttons == len(names)
    with other.transaction() as tx:
        tx.table(tables.VOLUNTEERS).update({"step": "gestopt"}, doc_ids=[anna])
    names, buttons = cards()
    assert not any("Anna" in n for n in names) and names and buttons == len(names)
    with other.transaction() as tx:  # the intake's decision taken back: nothing may be proposed
        tx.table(tables.CASES).update({"intake": {"decision": ""}}, doc_ids=[case_id])
    names, buttons = cards()
    assert names and buttons == 0


def test_vandaags_budget_follows_another_worker_and_the_year(client, as_user, store, other, clock):
    """The budget on Vandaag is kept per year and version of the budget, expenses and claims: what
    another worker records shows at once, and a new year has its own (fails with a key that
    ignores the version or the year)."""
    as_user.coordinator()

    def panel() -> str:
        return _vandaag_part(client, '<h2 id="budget-vandaag">')

    assert "Voor 2026 is nog geen begroting vastgesteld" in panel()
    with other.transaction() as tx:
        tx.table(tables.BUDGET_LINES).insert({"year": 2026, "line": "training", "amount_cents": 10000})
        tx.table(tables.BUDGET_EXPENSES).insert({"line": "training", "amount_cents": 9500, "date": "2026-11-02"})
    assert "Training" in panel() and "95% besteed" in panel()
    with other.transaction() as tx:
        tx.table(tables.EXPENSE_CLAIMS).insert({"status": "ingediend", "amount_cents": 500, "date": "2026-12-01",
                                                "volunteer_id": 1})
    assert "1 declaratie wacht op goedkeuring" in panel()
    clock.set("2027-01-04T10:16:00+01:00")
    assert "Voor 2027 is nog geen begroting vastgesteld" in panel()


def test_vandaags_unread_protocols_follow_another_worker(client, as_user, store, other):
    """The protocols not yet read by every volunteer on Vandaag are kept per version of the tables
    they read: one another worker publishes shows at once, and goes once the volunteer confirmed
    it there (fails with a key that ignores the version)."""
    from buurtbemiddeling.auth import users
    from buurtbemiddeling.protocols import documents

    as_user.coordinator()
    reader = users.create_user(store, "vera@voorbeeld.nl", "Lang-genoeg-wachtwoord-1", "volunteer", "Vera")

    def shown() -> bool:
        return "Protocollen nog niet gelezen" in client.get("/beheer/").get_data(as_text=True)

    assert not shown()
    with other.transaction() as tx:
        protocol = tx.table(tables.PROTOCOLS).insert({"title": "Privacy", "published": 1})
        tx.table(tables.PROTOCOL_VERSIONS).insert({"protocol_id": protocol, "number": 1, "title": "Privacy",
                                                   "body": "Wat we bewaren."})
    assert shown() and "1 van 1 vrijwilligers" in client.get("/beheer/").get_data(as_text=True)
    assert documents.acknowledge(other, protocol, reader.id)
    assert not shown()


def test_a_filtered_case_list_follows_another_worker(client, as_user, store, other, clock):
    """A filtered list (a wijk, a year, running cases) is kept in its order per version and per
    filters (repo._listed): a case another worker moves into or out of it, or a note that moves
    a case up, shows at once, and another filter is another list (fails with a key that ignores
    the version or a filter)."""
    as_user.coordinator()
    ids = [add_case(store, wijk=wijk) for wijk in ("centrum", "centrum", "de-linden")]
    number = {doc.doc_id: doc["number"] for doc in store.read().table(tables.CASES).all()}

    def listed(query: str) -> list[int]:
        page = client.get(f"/beheer/zaken/?{query}").get_data(as_text=True)
        shown = re.findall(r"\b20\d\d-\d{3,}\b", page)
        return [doc for n in dict.fromkeys(shown) for doc, held in number.items() if held == n]

    assert listed("step=open&wijk=centrum") == [ids[1], ids[0]] and listed("step=open&wijk=de-linden") == [ids[2]]
    assert listed("step=open&wijk=centrum&sort=nummer&order=asc") == [ids[0], ids[1]]
    clock.advance(hours=1)
    case_repo.add_entry(other, ids[0], notes.CHECKIN, Coordinator())
    assert listed("step=open&wijk=centrum") == [ids[0], ids[1]]
    assert listed("step=open&wijk=centrum&sort=nummer") == [ids[1], ids[0]]
    with other.transaction() as tx:
        tx.table(tables.CASES).update({"wijk": "centrum"}, doc_ids=[ids[2]])
        tx.table(tables.CASES).update({"step": "afgesloten"}, doc_ids=[ids[1]])
    assert listed("step=open&wijk=centrum") == [ids[0], ids[2]] and listed("step=open&wijk=de-linden") == []
    assert listed("step=open&wijk=centrum&sort=nummer&order=asc") == [ids[0], ids[2]]
    assert listed("wijk=centrum&sort=nummer&order=asc") == ids


def test_a_changed_part_normalises_only_its_changed_cases_addresses_for_the_duplicates(tmp_path):
    """The duplicates by street pair are kept per part (intake._by_streets); a part another
    worker changed takes the streets of its unchanged cases from the part's earlier value and
    normalises the changed case's only, and a duplicate it makes or ends shows at once."""
    from db import Store

    this, another = (Store(tmp_path / "data", parts={tables.CASES: 3}) for _ in range(2))

    def case(a: str, b: str) -> dict:
        return {"parties": [{"street": a, "postcode": "7412 AB"}, {"street": b}]}

    with another.transaction() as tx:
        tx.table(tables.CASES).insert_multiple([case("Eikenlaan 3", "Eikenlaan 5"), case("Beukenlaan 1", "Lindelaan 14"),
                                                case("Eikenlaan 5", "Eikenlaan 3")])
    paired = []

    def counted(doc):  # the cases' rule, counting the cases it is asked for
        paired.append(doc.doc_id)
        return intake.case_pair(doc)

    def same(a: str, b: str) -> list[int]:
        lookup = intake.by_pair(this.read(), tables.CASES, counted)
        return [doc.doc_id for doc in lookup(intake.address_pair(a, "7412 AB", b))]

    assert same("Eikenlaan 3", "Eikenlaan 5") == [1, 3] and same("Beukenlaan 1", "Lindelaan 14") == [2]
    assert paired == [1, 2, 3]
    with another.transaction() as tx:
        tx.table(tables.CASES).update(case("Eikenlaan 3", "Eikenlaan 5"), doc_ids=[2])
    assert same("Eikenlaan 3", "Eikenlaan 5") == [1, 2, 3] and same("Beukenlaan 1", "Lindelaan 14") == []
    assert paired == [1, 2, 3, 2]


def test_the_mail_waiting_on_vandaag_follows_another_worker_and_the_time(store, other, clock):
    """The mails waiting in the outbox (mail.attention, kept per version of the outbox): one
    another worker queues counts at once, and as late once a quarter of an hour went by; one it
    sent or that failed there counts as such (fails with a key that ignores the version)."""
    from buurtbemiddeling import mail

    assert mail.attention(store.read()) == {"late": 0, "failed": 0, "waiting": 0}
    with other.transaction() as tx:
        first, second = tx.table(tables.OUTBOX).insert_multiple(
            [{"to": "a@voorbeeld.nl", "created_at": clock.now().isoformat()},
             {"to": "b@voorbeeld.nl", "created_at": clock.now().isoformat()}])
    assert mail.attention(store.read()) == {"late": 0, "failed": 0, "waiting": 2}
    clock.advance(minutes=20)
    assert mail.attention(store.read()) == {"late": 2, "failed": 0, "waiting": 2}
    with other.transaction() as tx:
        tx.table(tables.OUTBOX).update({"sent_at": clock.now().isoformat()}, doc_ids=[first])
        tx.table(tables.OUTBOX).update({"last_error": "550 onbekend adres"}, doc_ids=[second])
    assert mail.attention(store.read()) == {"late": 1, "failed": 1, "waiting": 1}


def test_vandaags_intakes_and_nazorg_follow_another_worker_and_the_day_but_not_the_timeline(client, as_user, store,
                                                                                          other, clock):
    """Vandaag's intakes waiting and nazorg are kept per day, term and version of the cases, apart
    from the timeline: a case another worker reports or moves to nazorg shows at once, the next
    week its intake is late, and a note on the timeline keeps them (fails with a key that ignores
    the version or the day)."""
    from buurtbemiddeling.cases import dashboard

    as_user.coordinator()

    def section(title: str) -> str:
        return _vandaag_part(client, f"<h3>{title}", "<h3>")

    with other.transaction() as tx:
        case = tx.table(tables.CASES).insert({"number": "2026-0050", "step": "aangemeld", "parties": PARTIES,
                                              "reported_at": "2026-12-04T10:00:00+01:00"})
    assert "2026-0050" in section("Intakes die wachten") and "Te laat" not in section("Intakes die wachten")
    kept = dashboard.worklists(store.read(), clock.today())["waiting"]
    case_repo.add_entry(other, case, {"kind": "note", "text": "Partij A gebeld."}, Coordinator())
    assert dashboard.worklists(store.read(), clock.today())["waiting"] is kept
    clock.set("2026-12-14T10:16:00+01:00")
    assert "Te laat" in section("Intakes die wachten")
    with other.transaction() as tx:
        tx.table(tables.CASES).update({"step": "nazorg", "nazorg_due": "2026-12-15"}, doc_ids=[case])
    assert "2026-0050" in section("Nazorg") and "2026-0050" not in section("Intakes die wachten")


def test_which_reports_are_new_follows_another_worker_per_part(tmp_path):
    """Which reports are new (reports.intake.new_reports) is kept per part of the reports: a
    report another worker takes in, or handles, in either part counts at once (fails with a key
    that ignores the version or the part)."""
    from db import Store

    from buurtbemiddeling.reports import intake

    this, another = (Store(tmp_path / "data", parts={tables.REPORTS: 2}) for _ in range(2))
    with another.transaction() as tx:  # parts 1-2 and 3-4
        tx.table(tables.REPORTS).insert_multiple([{"status": "nieuw", "received_at": f"2026-12-0{day}T09:00:00+01:00"}
                                                  for day in (1, 2, 3)])

    def new() -> list[int]:
        return [report.doc_id for report in intake.new_reports(this.read())]

    assert new() == [3, 2, 1]
    with another.transaction() as tx:
        tx.table(tables.REPORTS).update({"status": "gelezen"}, doc_ids=[1])
        tx.table(tables.REPORTS).insert({"status": "nieuw", "received_at": "2026-12-04T09:00:00+01:00"})
    assert new() == [4, 3, 2]
    with another.transaction() as tx:
        tx.table(tables.REPORTS).update({"status": "gelezen"}, doc_ids=[3])
    assert new() == [4, 2]


def test_vandaags_kept_panels_follow_another_worker_per_part_and_the_day(tmp_path, monkeypatch):
    """Each Vandaag panel is rendered again only when its inputs change (admin/fragments.py): the
    appointments follow a case another worker changes in the second part of the cases, the cases'
    lists a case it puts on hold there (the other lists, pieces of their own, kept), and after
    midnight tomorrow's appointments are today's; a note elsewhere keeps the appointments' HTML
    (fails when the kept HTML ignores the context's objects, a changed case's document in the
    second part, or the day)."""
    from buurtbemiddeling import store as app_store
    from buurtbemiddeling.admin import fragments
    from buurtbemiddeling.cases import appointments

    from .conftest import Personas

    monkeypatch.setitem(app_store.PARTS, tables.CASES, 2)  # cases 1-2 and 3-4
    fixed = clock.FixedClock("2026-12-06T10:16:00+01:00")
    settings = {"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True, "SECRET_KEY": "test",
                "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False, "RETENTION_AUTO_RUN": False, "CLOCK": fixed}
    this = create_app(settings)
    other = create_app(settings).extensions["store"]
    client = this.test_client()
    with clock.using(fixed):
        Personas(this, client).coordinator()
        cases = [add_case(other, step="gesprek-a") for _ in range(4)]
        with other.transaction() as tx:
            for case_id, day, start in ((cases[0], "2026-12-07", "19:30"), (cases[2], "2026-12-07", "14:00")):
                appointments.add(tx, case_id, {"kind": "gesprek-a", "date": day, "start": start, "place": "Buurthuis",
                                               "volunteers": [], "coordinator": True}, clock.now())
    number = {case_id: doc["number"] for case_id, doc in zip(cases, other.read().table(tables.CASES).by_ids(cases))}

    def shown(start: str) -> str:
        return _vandaag_part(client, start)

    def kept(template: str):
        return this.extensions[fragments.KEPT][template]

    planned = shown('id="afspraken-vandaag"')
    assert f"Morgen 14:00 · Gesprek partij A · zaak {number[cases[2]]}" in planned
    assert f"Morgen 19:30 · Gesprek partij A · zaak {number[cases[0]]}" in planned
    with other.transaction() as tx:  # the second part
        tx.table(tables.CASES).update({"number": "2026-0303"}, doc_ids=[cases[2]])
    assert "zaak 2026-0303" in shown('id="afspraken-vandaag"')
    assert number[cases[3]] not in _vandaag_part(client, "<h3>In de wacht", "<h3>")
    nazorg, on_hold = kept("cases/_today_nazorg.html"), kept("cases/_today_on_hold.html")
    with other.transaction() as tx:
        tx.table(tables.CASES).update({"step": "in-de-wacht", "step_changed_at": "2026-12-05T10:00:00+01:00"},
                                      doc_ids=[cases[3]])
    assert number[cases[3]] in _vandaag_part(client, "<h3>In de wacht", "<h3>")
    # the cases panel again, of its lists only the one that changed (a piece of its own)
    assert kept("cases/_today_nazorg.html") is nazorg and kept("cases/_today_on_hold.html") is not on_hold
    appointments_html = kept("cases/_today_appointments.html")
    with clock.using(fixed):  # a note elsewhere changes nothing the appointments show
        case_repo.add_entry(other, cases[1], {"kind": "note", "text": "Partij B gebeld."}, Coordinator())
    assert "zaak 2026-0303" in shown('id="afspraken-vandaag"')
    assert kept("cases/_today_appointments.html") is appointments_html
    fixed.set("2026-12-07T00:05:00+01:00")
    planned = shown('id="afspraken-vandaag"')
    assert f"Vandaag 19:30 · Gesprek partij A · zaak {number[cases[0]]}" in planned
    assert "Vandaag 14:00 · Gesprek partij A · zaak 2026-0303" in planned and "Morgen" not in planned


def test_each_session_gets_its_own_token_in_vandaags_kept_panels(app, store, duo_cases):
    """A kept panel's forms (the coaching panel's check-ins) carry each visit's own CSRF token, and
    a check-in posted from the second session's page passes the real CSRF check."""
    from buurtbemiddeling.admin import fragments
    from buurtbemiddeling.auth import users

    from .conftest import PASSWORD, signed_in_client

    app.config["WTF_CSRF_ENABLED"] = True
    users.create_user(store, "tweede@lindenhoven.example", PASSWORD, "coordinator", "Tweede")
    sessions = []
    for _ in range(2):  # two browsers, logged in through the form
        browser = signed_in_client(app, "tweede@lindenhoven.example")
        page = browser.get("/beheer/").get_data(as_text=True)
        panel = page.split('id="coaching-vandaag"', 1)[1].split("</section>", 1)[0]
        sessions.append((browser, set(re.findall(r'name="csrf_token" value="([^"]+)"', panel)),
                         app.extensions[fragments.KEPT]["coaching/_today.html"]))
    (_, first, kept), (browser, second, kept_again) = sessions
    assert kept_again is kept  # the second visit got the first one's HTML
    assert len(first) == 1 and len(second) == 1 and first != second
    response = browser.post(f"/beheer/coaching/checkin/{duo_cases['first']}",
                            data={"csrf_token": second.pop(), "next": "/beheer/"})
    assert response.status_code == 303
    assert _quiet(browser) == 1


def test_what_a_kept_panel_counts_as_the_same_context():
    """fragments.same: the same object; equal plain values of the same type (True is not 1, and a
    moment is no plain value: its zone shows); lists, tuples and dicts (keys in order) of such; equal
    sets. Anything else only as the same object."""
    import datetime as dt

    from tinydb.table import Document

    from buurtbemiddeling.admin.fragments import same

    case = Document({"number": "2026-0001"}, doc_id=1)
    assert same({"rows": [case], "today": "2026-12-06", "n": 3, "late": {1, 2}}, {"rows": [case], "today": "2026-12-06",
                                                                               "n": 3, "late": {2, 1}})
    assert not same([case], [Document({"number": "2026-0001"}, doc_id=1)])  # an equal copy: not the kept one
    assert not same(1, True) and not same(1, 1.0) and not same("1", 1)
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # rendered in order
    moment = dt.datetime(2026, 12, 6, 10, 16, tzinfo=dt.timezone.utc)
    assert not same(moment, moment.astimezone(dt.timezone(dt.timedelta(hours=1))))
    assert same(dt.date(2026, 12, 6), dt.date(2026, 12, 6)) and not same([1, 2], [1, 2, 3])


def test_a_case_on_hold_shows_the_activity_another_worker_adds_and_keeps_its_list_through_other_notes(
        client, as_user, store, other, clock):
    """Vandaag's cases on hold are shown with their activity (repo.with_activity), the copies kept
    per stored case and activity: a note another worker adds to one shows its day at once, and a
    note on another case keeps the list's HTML (fails when the kept copy ignores the activity)."""
    from buurtbemiddeling.admin import fragments

    as_user.coordinator()
    with store.transaction() as tx:  # imported: no events, no step moment, its last activity stored on it
        held, elsewhere = tx.table(tables.CASES).insert_multiple([
            {"number": "2026-0061", "step": "in-de-wacht", "parties": PARTIES, "last_activity_at": "2026-10-01T10:00:00+01:00"},
            {"number": "2026-0062", "step": "gesprek-a", "parties": PARTIES, "last_activity_at": "2026-12-01T10:00:00+01:00"}])

    def on_hold() -> str:
        return _vandaag_part(client, "<h3>In de wacht", "<h3>")

    assert "2026-0061" in on_hold() and "sinds <span class=\"nowrap\">01-10-2026</span>" in on_hold()
    clock.set("2026-12-06T11:00:00+01:00")
    case_repo.add_entry(other, held, {"kind": "note", "text": "Bewoner belde."}, Coordinator())
    assert "sinds <span class=\"nowrap\">06-12-2026</span>" in on_hold()
    kept = client.application.extensions[fragments.KEPT]["cases/_today_on_hold.html"]
    case_repo.add_entry(other, elsewhere, {"kind": "note", "text": "Partij B gebeld."}, Coordinator())
    assert "06-12-2026" in on_hold()
    assert client.application.extensions[fragments.KEPT]["cases/_today_on_hold.html"] is kept
