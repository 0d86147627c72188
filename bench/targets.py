"""The issue's targets, checked against one run's results, and the printed table."""
from __future__ import annotations

DETAIL_PAGES = ("case_detail", "matching")  # within 2x of S
LIST_PAGES = ("dashboard", "case_list_filtered", "search", "volunteer_list")  # within 3x of S
PAGE_P95_MS = 50
WRITE_P95_MS = 150
PDF_S = 5
RSS_MB = 250


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
    if "concurrent" in big:
        c = big["concurrent"]
        out.append(_target("concurrent public submissions stored", f"{c['stored']}/{c['submissions']}", "all",
                           c["stored"] == c["submissions"]))
    if "annual_pdf" in big:
        pdf = big["annual_pdf"]
        if pdf.get("available"):
            out.append(_target(f"annual report PDF at {large} (s, first run)", pdf["first_s"], f"< {PDF_S}", pdf["first_s"] < PDF_S))
        else:
            out.append(_target(f"annual report PDF at {large}", "not yet available", f"< {PDF_S}", False))
    if "rss" in big:
        peak = max(big["rss"].values())
        out.append(_target(f"peak RSS of a worker at {large} (MB)", peak, f"< {RSS_MB}", peak < RSS_MB))
    return out


def table(results: dict, small: str, large: str) -> str:
    floor = results["floor"]
    lines = [f"floor (one-line Flask route): p50 {floor['p50_ms']} ms, p95 {floor['p95_ms']} ms", "",
             f"{'page':<22}{small + ' p50':>9}{small + ' p95':>9}{large + ' p50':>9}{large + ' p95':>9}{'L/S':>7}{'x floor':>9}"]
    for page in results["sizes"][large]["reads"]:
        s, l = (results["sizes"][size]["reads"][page] for size in (small, large))
        lines.append(f"{page:<22}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{l['p50_ms']:>9.1f}{l['p95_ms']:>9.1f}"
                     f"{ratio(results, small, large, page):>7.2f}{l['p50_ms'] / floor['p50_ms']:>9.0f}")
    for write in results["sizes"][large]["writes"]:
        s, l = (results["sizes"][size]["writes"][write] for size in (small, large))
        lines.append(f"{write + ' (write)':<22}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{l['p50_ms']:>9.1f}{l['p95_ms']:>9.1f}")
    big = results["sizes"][large]
    for key in ("concurrent", "annual_pdf", "build", "rss", "cold_start"):
        if key in big:
            shown = {k: v for k, v in big[key].items() if k not in ("output",)}
            lines.append(f"{key}: {shown}")
    lines.append("")
    for t in results["targets"]:
        lines.append(f"{'met    ' if t['met'] else 'NOT MET'}  {t['target']}: {t['value']} ({t['limit']})")
    return "\n".join(lines)
