"""The issue's targets, checked against one run's results, and the printed table."""
from __future__ import annotations

from bench import cgi

DETAIL_PAGES = ("case_detail", "matching")  # within 2x of S
WRITES_AT_L = ("case_note",)  # within 3x of S: a write costs the same whatever the history (issue 21)
LIST_PAGES = ("dashboard", "case_list_filtered", "search", "volunteer_list")  # within 3x of S
PAGE_P95_MS = 50
WRITE_P95_MS = 150
PDF_S = 5
RSS_MB = 200  # issue 21: a worker at L after every page and the annual PDF


def _target(name: str, value, limit, met: bool) -> dict:
    return {"target": name, "value": value, "limit": limit, "met": bool(met)}


def ratio(results: dict, small: str, large: str, page: str) -> float:
    s, l = (results["sizes"][size]["reads"][page]["p50_ms"] for size in (small, large))
    return round(l / s, 2) if s else float("inf")


def check(results: dict, small: str, large: str) -> list[dict]:
    big = results["sizes"][large]
    out = []
    for page in DETAIL_PAGES + LIST_PAGES:
        limit = 2 if page in DETAIL_PAGES else 3
        value = ratio(results, small, large, page)
        out.append(_target(f"{page}: p50 at {large} / p50 at {small}", value, f"<= {limit}", value <= limit))
    for page, figures in big["reads"].items():
        out.append(_target(f"{page}: p95 at {large} (ms)", figures["p95_ms"], f"< {PAGE_P95_MS}", figures["p95_ms"] < PAGE_P95_MS))
    for write, figures in big["writes"].items():
        out.append(_target(f"{write}: p95 at {large} (ms)", figures["p95_ms"], f"< {WRITE_P95_MS}", figures["p95_ms"] < WRITE_P95_MS))
    for write in WRITES_AT_L:
        s, l = (results["sizes"][size]["writes"][write]["p50_ms"] for size in (small, large))
        value = round(l / s, 2) if s else float("inf")
        out.append(_target(f"{write} (write): p50 at {large} / p50 at {small}", value, "<= 3", value <= 3))
    if "concurrent" in big:
        c = big["concurrent"]
        out.append(_target("concurrent public submissions stored", f"{c['stored']}/{c['submissions']}", "all",
                           c["stored"] == c["submissions"]))
        out.append(_target(f"concurrent public submissions at {large}: p95 (ms)", c["p95_ms"], f"< {WRITE_P95_MS}",
                           c["p95_ms"] < WRITE_P95_MS))
    if "flood" in big:
        during = big["flood"]["during"]["p95_ms"]
        out.append(_target(f"real reports during {big['flood']['spam_posts']} spam posts over HTTP: p95 at {large} (ms)",
                           during, f"< {WRITE_P95_MS}", during < WRITE_P95_MS))
    if "workers" in big:
        out += several_workers(big["workers"], large)
    if "annual_pdf" in big:
        pdf = big["annual_pdf"]
        if pdf.get("available"):
            out.append(_target(f"annual report PDF at {large} (s, first run)", pdf["first_s"], f"< {PDF_S}", pdf["first_s"] < PDF_S))
        else:
            out.append(_target(f"annual report PDF at {large}", "not yet available", f"< {PDF_S}", False))
    if "rss" in big:
        out.append(memory(big["rss"], large))
    return out + cgi.check(results)


def memory(rss: dict, large: str) -> dict:
    """Issue 21: a worker's peak memory at L after every page and the annual PDF."""
    peak = max(v for k, v in rss.items() if k.endswith("_mb"))
    return _target(f"peak RSS of a worker at {large} (MB)", peak, f"< {RSS_MB}", peak < RSS_MB)


def several_workers(load: dict, large: str) -> list[dict]:
    """Issue 21: four workers behind a real WSGI server, a mixed load at L."""
    where = f"{load['workers']} workers at {large}"
    out = [_target(f"{where}: requests answered as expected", f"{load['errors']} errors in {load['requests']}", "0 errors",
                   load["errors"] == 0),
           _target(f"{where}: public posts stored", f"{load['posts']['stored']}/{load['posts']['sent']}", "all",
                   load["posts"]["stored"] == load["posts"]["sent"])]
    for page, figures in load["reads"].items():
        out.append(_target(f"{where}: {page} p95 (ms)", figures["p95_ms"], f"< {PAGE_P95_MS}", figures["p95_ms"] < PAGE_P95_MS))
    for write, figures in load["writes"].items():
        out.append(_target(f"{where}: {write} p95 (ms)", figures["p95_ms"], f"< {WRITE_P95_MS}",
                           figures["p95_ms"] < WRITE_P95_MS))
    after = load["after_change"].get("other")
    value = after["p95_ms"] if after else "not measured"
    out.append(_target(f"{where}: case page right after another worker's note, p95 (ms)", value, f"< {PAGE_P95_MS}",
                       bool(after) and after["p95_ms"] < PAGE_P95_MS))
    return out


def table(results: dict, sizes: tuple[str, ...]) -> str:
    """The run as a plain-text table: p50/p95 per size, L/S, and L as a multiple of the floor."""
    small, large = sizes[0], sizes[-1]
    floor = results["floor"]
    by_size = [results["sizes"][size] for size in sizes]
    head = "".join(f"{size + ' p50':>9}{size + ' p95':>9}" for size in sizes)
    lines = [f"floor (one-line Flask route): p50 {floor['p50_ms']} ms, p95 {floor['p95_ms']} ms", "",
             f"{'ms':<22}{head}{large + '/' + small:>7}{'x floor':>9}"]
    for page in by_size[-1]["reads"]:
        cells = "".join(f"{e['reads'][page]['p50_ms']:>9.1f}{e['reads'][page]['p95_ms']:>9.1f}" for e in by_size)
        lines.append(f"{page:<22}{cells}{ratio(results, small, large, page):>7.2f}"
                     f"{by_size[-1]['reads'][page]['p50_ms'] / floor['p50_ms']:>9.0f}")
    for write in by_size[-1]["writes"]:
        cells = "".join(f"{e['writes'][write]['p50_ms']:>9.1f}{e['writes'][write]['p95_ms']:>9.1f}" for e in by_size)
        lines.append(f"{write + ' (write)':<22}{cells}")
    for size, entry in zip(sizes, by_size):
        for key in ("case_page_after_note", "rss", "concurrent", "flood", "annual_pdf", "build", "cold_start", "retention"):
            if key in entry:
                shown = {k: v for k, v in entry[key].items() if k != "output"}
                lines.append(f"{size} {key}: {shown}")
    if "workers" in by_size[-1]:
        load = by_size[-1]["workers"]
        full = load["full_speed"]
        lines += ["", f"{load['workers']} workers behind gunicorn at {large}, {load['clients']} clients pausing "
                      f"{load['think_s']} s on average, {load['seconds']:.0f} s (load {load['load_before'][0]} before): "
                      f"{load['requests']} requests ({load['requests_per_s']}/s), {load['errors']} errors; "
                      f"then {full['seconds']:.0f} s at full speed: {full['requests_per_s']}/s"]
        for group in ("reads", "writes", "after_change"):
            for name, figures in load[group].items():
                label = f"after a note, {name} worker" if group == "after_change" else name
                at_full = full[group].get(name)
                lines.append(f"  {label:<32}p50 {figures['p50_ms']:>7.1f}  p95 {figures['p95_ms']:>7.1f}  n {figures['n']:>4}"
                             + (f"   full speed p50 {at_full['p50_ms']:>7.1f}  p95 {at_full['p95_ms']:>7.1f}" if at_full else ""))
    lines += ["", *cgi.table(results), ""]
    for t in results["targets"]:
        lines.append(f"{'met    ' if t['met'] else 'NOT MET'}  {t['target']}: {t['value']} ({t['limit']})")
    return "\n".join(lines)
