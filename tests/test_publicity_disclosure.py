"""A story is checked for details that identify someone before it goes on the public site."""
from buurtbemiddeling.publicity import disclosure


def details(**kinds):
    found = {kind: set() for kind in ("naam", "straat", "telefoonnummer", "e-mailadres", "zaaknummer")}
    for kind, values in kinds.items():
        found[kind.replace("_", "-")] = set(values)
    return found


def test_names_streets_and_numbers_from_the_data_are_found_however_they_are_written():
    known = details(naam={"fatima amrani", "amrani"}, straat={"kerkstraat"}, telefoonnummer={"0612345678"},
                    zaaknummer={"2026-0012"})
    text = "Mevrouw Amraní van de Kerkstraat belde (06 - 12 34 56 78) over zaak 2026-0012."
    found = {(h.kind, h.found) for h in disclosure.check(text, known)}
    assert ("naam", "Amraní") in found and ("straat", "Kerkstraat") in found
    assert ("telefoonnummer", "0612345678") in found and ("zaaknummer", "2026-0012") in found


def test_the_shape_of_a_detail_is_found_even_for_someone_not_in_the_data():
    text = "Bel 010-1234567 of mail jan@voorbeeld.nl; hij woont op de Dorpsweg 14, 1234 AB."
    kinds = {h.kind for h in disclosure.check(text, details())}
    assert kinds == {"telefoonnummer", "e-mailadres", "adres", "postcode"}


def test_an_ordinary_story_passes():
    text = ("Twee buren in een rustige wijk hadden al maanden ruzie over geluid. Na twee gesprekken met onze "
            "bemiddelaars maakten ze afspraken. Bel gerust 0900-8844 als u hulp zoekt.")
    known = details(naam={"jan de vries", "vries"}, straat={"lindelaan"})
    assert [h for h in disclosure.check(text, known) if h.kind != "telefoonnummer"] == []
