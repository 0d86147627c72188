"""Acceptance: an independent year of cases, brought in through the import, gives an annual PDF
that states every figure as computed here by hand — not by the figures module.

The year (2025) has cases reported in December and closed in January, cases reported the
year before and closed in this one, cases still open at the year's end, unsuitable ones, a
conflict type with fewer than five cases, and intakes decided right at or just after the
term around weekends and public holidays.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import statistics
import subprocess

import pytest

D = dt.date
YEAR = 2025
TERM = 5  # working days, the default intake term
# Dutch public holidays that are no working days (written out by hand for the years used).
HOLIDAYS = {
    D(2024, 1, 1), D(2024, 4, 1), D(2024, 4, 27), D(2024, 5, 9), D(2024, 5, 20), D(2024, 12, 25), D(2024, 12, 26),
    D(2025, 1, 1), D(2025, 4, 21), D(2025, 4, 26), D(2025, 5, 29), D(2025, 6, 9), D(2025, 12, 25), D(2025, 12, 26),
    D(2026, 1, 1), D(2026, 4, 6), D(2026, 4, 27), D(2026, 5, 14), D(2026, 5, 25), D(2026, 12, 25), D(2026, 12, 26),
}
TYPES = {"geluidsoverlast": "Geluidsoverlast", "parkeren": "Parkeren", "huisdieren": "Huisdieren",
         "vervuiling-afval": "Vervuiling of afval", "kinderen-jongeren": "Kinderen of jongeren"}
RARE_TYPE = ("stank-rook", "Stank of rook")  # fewer than five cases
REFERRERS = {"zelfmelder": "Zelfmelder (bewoner zelf)", "politie": "Politie", "woningcorporatie": "Woningcorporatie",
             "gemeente": "Gemeente", "welzijn": "Welzijnsorganisatie"}
OUTCOMES = {"opgelost": "Opgelost", "deels-opgelost": "Deels opgelost", "niet-opgelost": "Niet opgelost"}
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
COLUMNS = ("Aangemeld;Partij A;Adres A;Adres B;Soort conflict;Verwijzer;Stap;Intake besloten op;Reden ongeschikt;"
           "Gekoppeld op;Gesprek partij A op;Gesprek partij B op;Bemiddelingsgesprek op;Uitkomst;Reden niet opgelost;"
           "Afgesloten op;Nazorg A op;Nazorg B op").split(";")


def working_day_after(day: D, count: int) -> D:
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS:
            count -= 1
    return day


def nl(day: D | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def make_cases() -> list[dict]:
    rng = random.Random(YEAR)
    cases = []

    def case(reported: D, *, decided: D | None, fate: str, kind: str | None = None, closed_after: int = 0,
             nazorg: int = 2, step: str = "") -> dict:
        c = {"reported": reported, "decided": decided, "fate": fate, "type": kind or rng.choice(list(TYPES) + ["geluidsoverlast"] * 3),
             "referrer": rng.choice(list(REFERRERS)), "step": step, "talks": [], "closed": None, "nazorg": []}
        if fate in OUTCOMES or fate == "open-talks":
            start = decided + dt.timedelta(days=rng.randint(1, 4))
            c["talks"] = [start + dt.timedelta(days=d) for d in (0, rng.randint(3, 6), rng.randint(8, 12), rng.randint(14, 20))]
        if fate in OUTCOMES:
            c["closed"] = c["talks"][-1] + dt.timedelta(days=closed_after or rng.randint(20, 50))
            c["nazorg"] = [c["talks"][-1] + dt.timedelta(days=14 + i) for i in range(nazorg)]
        cases.append(c)
        return c

    # The bulk of the year.
    for n in range(200):
        reported = D(YEAR, 1, 2) + dt.timedelta(days=rng.randint(0, 300))
        late = rng.random() < 0.15
        decided = working_day_after(reported, TERM + 1 if late else rng.randint(0, TERM))
        roll = rng.random()
        if roll < 0.10:
            case(reported, decided=decided, fate="ongeschikt")
        else:
            fate = "opgelost" if roll < 0.62 else "deels-opgelost" if roll < 0.75 else "niet-opgelost"
            case(reported, decided=decided, fate=fate, nazorg=0 if rng.random() < 0.12 else 2 if rng.random() < 0.9 else 1)
    for n in range(3):  # the rare type
        case(D(YEAR, 3, 3 + n), decided=D(YEAR, 3, 5 + n), fate="opgelost", kind=RARE_TYPE[0])
    # Around weekends and public holidays: right at the term, and one working day late.
    for reported, on_time in ((D(2025, 4, 24), True), (D(2025, 5, 23), True), (D(2025, 6, 7), True),
                              (D(2025, 6, 7), False), (D(2025, 12, 19), True), (D(2025, 12, 19), False)):
        due = working_day_after(reported, TERM)
        case(reported, decided=due if on_time else due + dt.timedelta(days=1), fate="ongeschikt")
    # Reported in December 2024, closed in January 2025; reported in December 2025, closed in January 2026.
    for day in (2, 5, 9):
        case(D(2024, 12, day), decided=D(2024, 12, day + 2), fate="opgelost", closed_after=1).update(
            closed=D(2025, 1, 10 + day))
        case(D(2025, 12, day), decided=D(2025, 12, day + 2), fate="opgelost").update(closed=D(2026, 1, 10 + day))
    # Still open at the year's end: on hold, waiting for the intake (late by now), between talks.
    case(D(2025, 10, 6), decided=None, fate="open", step="In de wacht")
    for day in (1, 3, 8, 15, 22):
        case(D(2025, 12, day), decided=None, fate="open", step="Aangemeld")
    for day in (2, 9):
        case(D(2025, 11, day), decided=working_day_after(D(2025, 11, day), 2), fate="open-talks", step="Gesprek partij B")
    # Unsuitable in January 2026: reported in 2025, open at its end.
    case(D(2025, 12, 29), decided=D(2026, 1, 5), fate="ongeschikt")
    return cases


def csv_of(cases: list[dict]) -> str:
    lines = [";".join(COLUMNS)]
    for i, c in enumerate(cases):
        talks = c["talks"][:2] if c["step"] == "Gesprek partij B" else c["talks"]
        gekoppeld = [c["decided"] + dt.timedelta(days=1)] if talks else []
        values = {
            "Aangemeld": nl(c["reported"]), "Partij A": f"Bewoner {i}", "Adres A": f"Lindelaan {i}",
            "Adres B": f"Lindelaan {i + 2}", "Soort conflict": c["type"], "Verwijzer": c["referrer"], "Stap": c["step"],
            "Intake besloten op": nl(c["decided"]),
            "Reden ongeschikt": "geweld" if c["fate"] == "ongeschikt" else "",
            "Gekoppeld op": nl(gekoppeld[0]) if gekoppeld else "",
            **{name: nl(day) for name, day in zip(("Gesprek partij A op", "Gesprek partij B op", "Bemiddelingsgesprek op"),
                                                    talks[1:])},
            "Uitkomst": OUTCOMES.get(c["fate"], ""), "Reden niet opgelost": "b-weigert" if c["fate"] == "niet-opgelost" else "",
            "Afgesloten op": nl(c["closed"]),
            **{f"Nazorg {p} op": nl(day) for p, day in zip("AB", c["nazorg"])},
        }
        if c["fate"] == "ongeschikt":
            values["Stap"] = "Ongeschikt"
        lines.append(";".join(values.get(column, "") for column in COLUMNS))
    return "\n".join(lines) + "\n"


def by_hand(cases: list[dict]) -> dict:
    start, end = D(YEAR, 1, 1), D(YEAR, 12, 31)
    reported = [c for c in cases if start <= c["reported"] <= end]
    closed = [c for c in cases if c["fate"] in OUTCOMES and start <= c["closed"] <= end]
    unsuitable = [c for c in cases if c["fate"] == "ongeschikt" and start <= c["decided"] <= end]
    judged = [c["decided"] <= working_day_after(c["reported"], TERM) if c["decided"] else False for c in reported]
    ended = {id(c): c["closed"] if c["fate"] in OUTCOMES else c["decided"] if c["fate"] == "ongeschikt" else None
             for c in cases}
    return {
        "reported": len(reported),
        "months": [sum(c["reported"].month == m for c in reported) for m in range(1, 13)],
        "types": {label: sum(c["type"] == key for c in reported) for key, label in (*TYPES.items(), RARE_TYPE)},
        "referrers": {label: sum(c["referrer"] == key for c in reported) for key, label in REFERRERS.items()},
        "closed": len(closed),
        "outcomes": {label: sum(c["fate"] == key for c in closed) for key, label in OUTCOMES.items()},
        "unsuitable": len(unsuitable),
        "solved": (sum(c["fate"] != "niet-opgelost" for c in closed), len(closed)),
        "solved_fully": (sum(c["fate"] == "opgelost" for c in closed), len(closed)),
        "median": statistics.median((c["closed"] - c["reported"]).days for c in closed),
        "intake": (sum(judged), len(judged)),
        "nazorg": (sum(len(c["nazorg"]) == 2 for c in closed), len(closed)),
        "open": sum(c["reported"] <= end and (ended[id(c)] is None or ended[id(c)] > end) for c in cases),
    }


def number(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:.1f}".replace(".", ",")


def share(part_whole: tuple[int, int]) -> str:
    part, whole = part_whole
    return f"{number(round(100 * part / whole, 1))}% ({part} van {whole})"


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


def test_an_independent_year_imported_gives_an_annual_pdf_with_each_figure_as_computed_by_hand(client, coordinator):
    cases = make_cases()
    truth = by_hand(cases)
    assert truth["reported"] >= 200 and truth["types"]["Stank of rook"] == 3 and truth["open"] >= 10
    text = csv_of(cases)
    preview = client.post("/beheer/zaken/import", data={"text": text})
    assert preview.status_code == 200, re.findall(r'<ul class="row-errors">(.*?)</ul>', preview.get_data(as_text=True))[:3]
    assert client.post("/beheer/zaken/import/bevestigen", data={"text": text}).status_code == 303

    response = client.get(f"/beheer/rapportages/pdf?jaar={YEAR}")
    raw = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    pdf = " ".join(raw.split())

    def states(*phrases: str) -> None:
        for phrase in phrases:
            assert phrase in pdf, phrase

    states(f"Meldingen {truth['reported']} ", f"{truth['reported']} meldingen in deze periode",
           f"Afgeronde bemiddelingen {truth['closed']} ",
           f"Opgelost of deels opgelost {share(truth['solved'])}", f"Helemaal opgelost {share(truth['solved_fully'])}",
           f"Doorlooptijd (mediaan) {number(truth['median'])} dagen",
           f"Intake binnen de termijn {share(truth['intake'])}", f"Nazorg gedaan {share(truth['nazorg'])}",
           f"Open aan het eind van het jaar {truth['open']} ", f"Ongeschikt {truth['unsuitable']} ",
           f"Ongeschikt (geen bemiddeling) {truth['unsuitable']} ")
    states(*(f"{MONTHS[m]} {YEAR} {n} " for m, n in enumerate(truth["months"])))
    states(*(f"{label} {n} " for label, n in truth["types"].items() if n))
    states(*(f"{label} {n} " for label, n in truth["referrers"].items() if n))
    states(*(f"{label} {n} " for label, n in truth["outcomes"].items()))
    # The appendix says in plain Dutch what each figure means.
    states("Hoe is geteld: wat de cijfers betekenen", "Intake binnen de termijn Van de zaken die in de periode zijn gemeld",
           "uiterlijk op de 5e werkdag na de melding", "Open aan het eind van het jaar Zaken die op of vóór 31-12-2025",
           "Opgelost Een afgesloten zaak met de uitkomst ‘opgelost’",
           "Deels opgelost Een afgesloten zaak met de uitkomst ‘deels opgelost’")

