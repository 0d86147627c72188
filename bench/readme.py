"""The README's performance figures, written from one run's `bench/results.json`.

`make bench` rewrites the part of README.md between BEGIN and END after each full run, so the
tables there are always one run's, with the commit measured; `tests/test_bench.py` fails when
that part differs from what the stored results give. The text around it says what is measured
and why; the numbers live only here.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN = "<!-- make bench: begin (written from bench/results.json; edit bench/readme.py, not this part) -->"
END = "<!-- make bench: end -->"

PAGES = {"dashboard": "Vandaag (`/beheer/`)", "case_list_filtered": "zakenlijst met filter",
         "search": "zoeken op achternaam", "case_detail": "één zaak", "matching": "koppelvoorstellen",
         "volunteer_list": "vrijwilligerslijst"}
WRITES = {"public_form": "melding via het formulier", "case_note": "notitie bij een zaak",
          "step_change": "stap van een zaak (in de wacht en terug)"}
CGI = {"floor": 'vloer: `python -c "import flask"`', "public_post": "melding versturen", "login_page": "inlogpagina",
       "vandaag": "Vandaag (ingelogd)", "case_page": "één zaak (ingelogd)"}


def number(value: float, digits: int | None = None) -> str:
    """Dutch notation: decimal comma, a dot between thousands; below 10 one decimal unless told."""
    if digits is None:
        digits = 1 if abs(value) < 10 else 0
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}-{month}-{year}"  # as the app shows a date (common/clock.py)


def _ms(figures: dict) -> tuple[str, str]:
    return number(figures["p50_ms"]), number(figures["p95_ms"])


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def single_process(results: dict, sizes: list[str]) -> list[str]:
    small, large = sizes[0], sizes[-1]
    entries = [results["sizes"][size] for size in sizes]
    lines = [_row("pagina (ms)", *(f"{s} {p}" for s in sizes for p in ("p50", "p95")), f"{large}/{small}"),
             _row("---", *["---:"] * (2 * len(sizes) + 1))]
    for page, label in PAGES.items():
        cells = [c for e in entries for c in _ms(e["reads"][page])]
        s, l = entries[0]["reads"][page]["p50_ms"], entries[-1]["reads"][page]["p50_ms"]
        lines.append(_row(label, *cells, number(l / s, 2)))
    for write, label in WRITES.items():
        if write in entries[-1]["writes"]:
            lines.append(_row(f"{label} (schrijven)", *(c for e in entries for c in _ms(e["writes"][write])), ""))
    lines.append(_row("de zaakpagina direct na een notitie",
                      *(c for e in entries for c in _ms(e["case_page_after_note"])), ""))
    return lines


def several_workers(load: dict, large: str) -> list[str]:
    full = load.get("full_speed")  # measured since the users pause between clicks
    users = (f"{load['clients']} gebruikers die na elk antwoord gemiddeld {number(load['think_s'], 1)} s wachten"
             if "think_s" in load else f"{load['clients']} gebruikers tegelijk")
    lines = [f"**{load['workers']} werkprocessen** achter gunicorn bij {large}, {users}, "
             f"{number(load['seconds'], 0)} s: {number(load['requests'], 0)} verzoeken, {load['errors']} fouten, "
             f"{load['posts']['stored']} van {load['posts']['sent']} meldingen opgeslagen."]
    if full:
        lines[0] += (f" Daarna {number(full['seconds'], 0)} s op volle snelheid, zonder wachten: de werkprocessen "
                     f"beantwoorden dan {number(full['requests_per_s'], 0)} verzoeken per seconde, en een verzoek "
                     f"staat in de rij voor de processor.")
    heads = ("p50", "p95", "aantal") + (("volle snelheid p50", "p95") if full else ())
    lines += ["", _row("verzoek (ms)", *heads), _row("---", *["---:"] * len(heads))]

    def row(label: str, group: str, name: str) -> str:
        cells = [*_ms(load[group][name]), str(load[group][name]["n"])]
        if full:
            cells += _ms(full[group][name]) if name in full[group] else ["", ""]
        return _row(label, *cells)

    for group, labels in (("reads", PAGES), ("writes", WRITES)):
        for name, label in labels.items():
            if name in load[group]:
                lines.append(row(label, group, name))
    for who, label in (("other", "de zaakpagina direct na de notitie van een *ander* werkproces"),
                       ("same", "de zaakpagina direct na de notitie van hetzelfde werkproces")):
        if who in load["after_change"]:
            lines.append(row(label, "after_change", who))
    return lines


def cgi_table(results: dict) -> list[str]:
    sizes = [size for size, entry in results["sizes"].items() if "cgi" in entry]
    if not sizes:
        return []
    lines = [_row("verzoek via `app.cgi` (ms)", *(f"{s} {c}" for s in sizes for c in ("p50", "p95", "× vloer"))),
             _row("---", *["---:"] * (3 * len(sizes)))]
    for name, label in CGI.items():
        cells = []
        for size in sizes:
            measured = results["sizes"][size]["cgi"]
            cells += [*_ms(measured[name]), number(measured[name]["p50_ms"] / measured["floor"]["p50_ms"], 2)]
        lines.append(_row(label, *cells))
    return lines


def _peak_mb(rss: dict) -> float:
    return max(v for k, v in rss.items() if k.endswith("_mb"))


# What else the run measured at the largest size: (key in its results, the sentence it gives).
FIGURES = (
    ("concurrent", lambda c: f"{c['processes']} processen × {c['submissions'] // c['processes']} meldingen tegelijk: "
                             f"{c['stored']} van {c['submissions']} opgeslagen in {number(c['wall_s'])} s, p50 "
                             f"{number(c['p50_ms'])} ms, p95 {number(c['p95_ms'])} ms (het dataslot vastgehouden: p50 "
                             f"{number(c['lock_held']['p50_ms'])} ms)."),
    ("flood", lambda f: f"Meldingen van bewoners terwijl {number(f['spam_posts'], 0)} spamberichten binnenkomen: p95 "
                        f"{number(f['during']['p95_ms'])} ms (zonder vloed {number(f['quiet']['p95_ms'])} ms)."),
    ("annual_pdf", lambda pdf: f"Het jaarverslag als PDF: {number(pdf['first_s'])} s de eerste keer, "
                               f"{number(pdf['best_s'])} s daarna." if pdf.get("available") else "Het jaarverslag als PDF: niet gelukt."),
    ("rss", lambda rss: f"Geheugen (piek-RSS) van een werkproces na alle pagina's en het jaarverslag: "
                        f"{number(_peak_mb(rss), 0)} MB; de eerste zaakpagina van een vers proces "
                        f"{number(rss['first_case_page_s'])} s."),
    ("cold_start", lambda cold: f"Een koud proces (`import app; create_app()`): {number(cold['median_s'], 2)} s."),
    ("build", lambda build: f"De publieke site bouwen (`build.py`): {number(build['s'])} s."),
    ("retention", lambda r: f"De eerste ronde van de bewaartermijnen over vijf jaar ({number(r['anonymised'], 0)} zaken, "
                            f"meldingen en aanmeldingen anoniem maken): {number(r['s'])} s."),
)


def other_figures(entry: dict, large: str) -> list[str]:
    out = [f"- {sentence(entry[key])}" for key, sentence in FIGURES if key in entry]
    return [f"Verder bij {large}:", "", *out] if out else []


def targets(results: dict) -> list[str]:
    listed = results["targets"]
    met = sum(t["met"] for t in listed)
    lines = [f"**{met} van de {len(listed)} doelen gehaald** (`bench/targets.py`):", ""]
    for t in listed:
        value = number(t["value"], 2) if isinstance(t["value"], float) else t["value"]
        lines.append(f"- {'gehaald' if t['met'] else '**niet gehaald**'}: {t['target']}: {value} ({t['limit']})")
    return lines


def render(results: dict) -> str:
    sizes = list(results["sizes"])
    large = sizes[-1]
    machine = results["machine"]
    load = ", ".join(number(x, 2) for x in machine["load_before"])
    lines = [f"Gemeten op commit `{results['commit']}`"
             + (f" op {_date(results['measured_on'])}" if "measured_on" in results else "")
             + f", {machine['cpus']} cores, Python {machine['python']}, load vooraf {load}; een lege Flask-route "
               f"kost {number(results['floor']['p50_ms'], 2)} ms. Milliseconden, p50 en p95.", "",
             *single_process(results, sizes), "", *several_workers(results["sizes"][large]["workers"], large), ""]
    if cgi_table(results):
        lines += ["**CGI per verzoek**, een proces per verzoek, om en om met de vloer gemeten:", "", *cgi_table(results), ""]
    lines += [*other_figures(results["sizes"][large], large), "", *targets(results)]
    return "\n".join(lines)


def block(results: dict) -> str:
    return f"{BEGIN}\n{render(results)}\n{END}"


def update(results: dict, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise RuntimeError(f"{readme.name} has no part between {BEGIN!r} and {END!r}")
    readme.write_text(pattern.sub(lambda _: block(results), text), encoding="utf-8")


def current(readme: Path = README) -> str:
    """The part of the README `make bench` writes, as it is now."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]
