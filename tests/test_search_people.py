"""Finding people: a resident who calls is found by phone number however it is typed, and a
name with one typo still finds them."""
import pytest

from buurtbemiddeling.cases import search
from tests.test_cases_views import add_report, html


@pytest.fixture(scope="module")
def amrani(module_app, module_clients):
    """The coordinator's client, with Fatima Amrani's case and another; the searches only read
    (`module_app`)."""
    client, store = module_clients.coordinator, module_app.extensions["store"]
    report_id = add_report(store, name="Fatima Amrani", phone="06 12345678")
    client.post(f"/beheer/meldingen/{report_id}/zaak", data={"wijk": ""})
    other = add_report(store, name="Karel Kok", b_name="Lisa Lind", phone="0698765432", street="Kerkstraat 3", b_street="Kerkstraat 5")
    client.post(f"/beheer/meldingen/{other}/zaak", data={"wijk": ""})
    return client


def found(client, q):
    page = html(client.get("/beheer/zaken/", query_string={"q": q}))
    return page[page.index('id="case-results"'):]


@pytest.mark.parametrize("typed", ["0612345678", "06 12345678", "06-123 456 78", "+31 6 1234 5678", "+31(0)612345678",
                                   "12345678"])
def test_a_phone_number_finds_the_case_in_any_spacing_or_with_31(amrani, typed):
    results = found(amrani, typed)
    assert "Fatima Amrani" in results and "Karel Kok" not in results


@pytest.mark.parametrize("typed", ["Amrany", "amrni", "Amranni", "Armani", "fatima amrany"])
def test_a_name_with_one_typo_still_finds_the_resident(amrani, typed):
    results = found(amrani, typed)
    assert "Fatima Amrani" in results and "Karel Kok" not in results


def test_two_typos_or_a_short_word_do_not_match_everyone(amrani):
    assert "Fatima Amrani" not in found(amrani, "Amrrny")
    assert not search.one_typo("jan", "jas")


def test_the_same_rule_holds_for_a_case_checked_one_by_one():
    case = {"number": "2026-0001", "parties": [{"name": "Fatima Amrani", "phone": "0612345678"}]}
    assert search.matches(case, search.Filters(q="Amrany")) and search.matches(case, search.Filters(q="+31 6 12345678"))
    assert not search.matches(case, search.Filters(q="Amrrny"))


def test_the_cases_found_for_a_word_are_exactly_those_whose_text_holds_it():
    """repo._places maps the occurrences in a part's joined texts to their cases; it must
    find a case however often, and wherever, the word is in it (first, last, twice, overlapping
    itself), and no other."""
    import random
    from array import array
    from itertools import accumulate

    from buurtbemiddeling.cases import repo

    rng = random.Random(21)
    vocabulary = ["bakker", "bak", "kerkstraat", "aa", "aaa", "2025-0001", "0612345678", "de", "jong", "bakkers"]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 6))) for _ in range(300)]
    text = "\n".join(texts)
    starts = array("I", accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    for word in vocabulary + ["akk", "a", "zzz"]:  # a searched word holds no space (search.query_words)
        assert repo._places(text, starts, word) == {i for i, t in enumerate(texts) if word in t}, word
        assert repo._places(text, starts, word, whole=True) == {i for i, t in enumerate(texts) if word in t.split()}, word
