"""Every PDF the system makes is laid out cleanly. WeasyPrint's layout boxes are walked on every page
of every kind of PDF, as the views make them from the demo programme:
- no line of text over another line, over a box with a border or background (a tile, a table, a
  chart) it does not belong to, and no such box over another;
- nothing wider than the page: every box stays within the page's margins;
- no heading or caption left alone at the foot of a page;
- every chart's numbers are in a table right after it, under the chart's own title (for screen
  readers, and for anyone printing in black and white);
- one typeface throughout, the running headers and footers included.
A new kind of PDF is one more entry in `KINDS`."""
from __future__ import annotations

import base64
import re
from typing import Callable, Iterator, NamedTuple

import pytest

from app import create_app
from buurtbemiddeling import demo, pdf
from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import repo
from common import clock

from .conftest import PASSWORD

weasyprint = pdf.load_weasyprint()  # as the app loads it
from weasyprint.formatting_structure import boxes  # noqa: E402

TOLERANCE = 0.5  # CSS px
BORDER_TOLERANCE = 1.5  # collapsed table borders and hairlines may touch their neighbours by a border's width
HEADINGS = ("h1", "h2", "h3", "h4", "caption", "figcaption", "dt")
CONTENT = HEADINGS + ("p", "li", "tr", "dd", "figure", "img", "pre", "blockquote")


class Box(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    label: str
    ancestors: frozenset  # ids of the boxes this one lies within (and its own)

    def overlaps(self, other: Box, tolerance: float) -> bool:
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > tolerance
                and min(self.y1, other.y1) - max(self.y0, other.y0) > tolerance)

    def related(self, other: Box) -> bool:
        """One lies within the other (a cell's text in its cell, a tile's figure in its tile)."""
        return bool(self.ancestors & other.ancestors) and (
            self.ancestors <= other.ancestors or other.ancestors <= self.ancestors)


# ---- walking the boxes --------------------------------------------------------------------------

def _hidden(box) -> bool:
    """Text for screen readers only (`visually-hidden`: absolutely placed, 1 px, clipped) is never seen."""
    style = getattr(box, "style", None)
    return bool(style) and style["position"] == "absolute" and getattr(box, "width", 2) <= 1


def _walk(box, ancestors: frozenset = frozenset()) -> Iterator[tuple[object, frozenset]]:
    """Every visible box with the ids of its ancestors and itself; the page's margin boxes (running
    headers and footers) are left out: they live outside the content area by design."""
    if _hidden(box) or isinstance(box, boxes.MarginBox):
        return
    ancestors = ancestors | {id(box)}
    yield box, ancestors
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child, ancestors)


def _text(box) -> str:
    """The box's text; WeasyPrint keeps words in separate text boxes without their spaces."""
    return " ".join(" ".join(b.text for b, _ in _walk(box) if isinstance(b, boxes.TextBox)).split())


def _painted(box) -> bool:
    """A box that draws something of its own: a border, a background, an image."""
    if isinstance(box, boxes.ReplacedBox):
        return True
    if isinstance(box, (boxes.PageBox, boxes.LineBox, boxes.TextBox)) or box.element_tag in ("html", "body"):
        return False
    if getattr(box, "background", None) is not None:
        return True
    style = box.style
    return any(style[f"border_{side}_width"] > 0 and style[f"border_{side}_style"] not in ("none", "hidden")
               for side in ("top", "right", "bottom", "left"))


def _label(box) -> str:
    return f"{box.element_tag}{'.' + box.element.get('class') if box.element is not None and box.element.get('class') else ''}" \
           f" ‘{_text(box)[:30]}’"


def page_boxes(page) -> tuple[list[Box], list[Box]]:
    """The page's lines of text, and its painted boxes. A table counts as one painted box: its cells
    are placed by the table's own layout and share their borders."""
    lines, painted = [], []
    in_table: set[int] = set()
    for box, ancestors in _walk(page._page_box):
        if isinstance(box, boxes.LineBox) and box.height > 0:
            text = _text(box)
            if text:
                lines.append(Box(box.position_x, box.position_y, box.position_x + box.width,
                                 box.position_y + box.height, f"‘{text[:40]}’", ancestors))
        elif isinstance(box, boxes.TableBox):
            in_table |= {id(box)}
            painted.append(Box(box.border_box_x(), box.border_box_y(), box.border_box_x() + box.border_width(),
                               box.border_box_y() + box.border_height(), _label(box), ancestors))
        elif not (ancestors & in_table) and not isinstance(box, boxes.InlineBox) and _painted(box) and box.width:
            painted.append(Box(box.border_box_x(), box.border_box_y(), box.border_box_x() + box.border_width(),
                               box.border_box_y() + box.border_height(), _label(box), ancestors))
    return lines, painted


# ---- the checks ---------------------------------------------------------------------------------

def _clashes(first: list[Box], second: list[Box], tolerance: float, same: bool) -> Iterator[tuple[Box, Box]]:
    """Pairs that overlap and do not lie one within the other; swept top to bottom."""
    second = sorted(second, key=lambda b: b.y0)
    for i, a in enumerate(sorted(first, key=lambda b: b.y0) if not same else second):
        for b in (second[i + 1:] if same else second):
            if not same and b.y0 >= a.y1 - tolerance:
                break
            if same and b.y0 >= a.y1 - tolerance:
                break
            if a.overlaps(b, tolerance) and not a.related(b):
                yield a, b


def overlaps(document) -> list[str]:
    """Text over text, text over a box it is not part of, and box over box."""
    found = []
    for number, page in enumerate(document.pages, 1):
        lines, painted = page_boxes(page)
        found += [f"page {number}: {a.label} overlaps {b.label}" for a, b in _clashes(lines, lines, TOLERANCE, True)]
        found += [f"page {number}: {a.label} is drawn over {b.label}" for a, b in _clashes(lines, painted, TOLERANCE, False)]
        found += [f"page {number}: {a.label} overlaps {b.label}"
                  for a, b in _clashes(painted, painted, BORDER_TOLERANCE, True)]
    return found


def outside(document) -> list[str]:
    """Boxes that run past the page's margins (a table too wide for the page is cut off in print)."""
    found = []
    for number, page in enumerate(document.pages, 1):
        frame = page._page_box
        left, top = frame.content_box_x(), frame.content_box_y()
        right, bottom = left + frame.width, top + frame.height
        lines, painted = page_boxes(page)
        for box in lines + painted:
            if box.x0 < left - BORDER_TOLERANCE or box.x1 > right + BORDER_TOLERANCE or box.y1 > bottom + BORDER_TOLERANCE:
                found.append(f"page {number}: {box.label} runs past the margin "
                             f"({box.x0:.0f}–{box.x1:.0f} of {left:.0f}–{right:.0f}, bottom {box.y1:.0f} of {bottom:.0f})")
    return found


def stranded(document) -> list[str]:
    """A heading, caption or term that is the last thing on a page (its content on the next)."""
    found = []
    for number, page in enumerate(document.pages[:-1], 1):
        blocks = [b for b, _ in _walk(page._page_box)
                  if isinstance(b, (boxes.BlockBox, boxes.TableRowBox)) and getattr(b, "element_tag", "") in CONTENT]
        if blocks:
            last = max(blocks, key=lambda b: (b.position_y + b.height, b.element_tag in HEADINGS))
            if last.element_tag in HEADINGS:
                found.append(f"page {number} ends with a {last.element_tag} {_text(last)[:50]!r}")
    return found


def typefaces(document) -> list[str]:
    """One typeface throughout, running headers and footers included (a margin box does not inherit
    the body's font: left alone it prints in the default serif)."""
    found: dict[tuple, str] = {}
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.TextBox) and box.text.strip():
                found.setdefault(box.style["font_family"][:1], box.text.strip()[:30])  # the first one named is the one used
            stack.extend(getattr(box, "children", ()) or ())
    return [] if len(found) <= 1 else [f"{len(found)} typefaces: " + "; ".join(f"{', '.join(f)} (‘{t}’)" for f, t in found.items())]


class Chart(NamedTuple):
    title: str
    values: list[str]
    labels: list[str]


def _chart(svg: str) -> Chart:
    texts = re.findall(r'<text[^>]*class="([^"]*)"[^>]*>([^<]*)</text>', svg)
    title = next(t for c, t in texts if "plot_title" in c)
    values = [t for c, t in texts if c.split() == ["value"]]
    labels = [t for c, t in texts if not c.strip() or c.strip() == "major"]
    return Chart(title, values, [t for t in labels if not re.fullmatch(r"[0-9.,]+", t)])


def charts_without_table(document) -> list[str]:
    """Each chart is followed by a table with the chart's title as caption, its every category and value."""
    order: list[tuple[str, object]] = []  # ("chart", Chart) and ("table", key) in reading order
    tables: dict[int, dict] = {}  # by the <table> element: a table split over pages is one table
    wrappers: dict[int, object] = {}
    footers: set[int] = set()  # a total row is not one of the chart's bars
    for page in document.pages:
        for box, ancestors in _walk(page._page_box):
            if getattr(box, "is_table_wrapper", False):
                wrappers[id(box)] = box.element
            if isinstance(box, boxes.TableRowGroupBox) and box.element_tag == "tfoot":
                footers.add(id(box))
            source = box.element.get("src", "") if isinstance(box, boxes.ReplacedBox) and box.element is not None else ""
            if source.startswith("data:image/svg+xml;base64,") and "chart" in (box.element.get("class") or ""):
                order.append(("chart", _chart(base64.b64decode(source.split(",", 1)[1]).decode())))
            elif isinstance(box, (boxes.TableCaptionBox, boxes.TableRowBox)):
                key = id(next(wrappers[a] for a in ancestors if a in wrappers))
                if key not in tables:
                    tables[key] = {"caption": "", "rows": []}
                    order.append(("table", key))
                if isinstance(box, boxes.TableCaptionBox):
                    tables[key]["caption"] = _text(box)
                elif not ancestors & footers:
                    tables[key]["rows"].append([_text(cell) for cell in box.children])
    found = []
    for i, (kind, chart) in enumerate(order):
        if kind != "chart":
            continue
        following = next((tables[key] for k, key in order[i + 1:] if k == "table"), None)
        if following is None or following["caption"] != chart.title:
            found.append(f"chart ‘{chart.title}’ has no table with its numbers after it")
            continue
        rows = [row for row in following["rows"] if len(row) >= 2 and row[1].isdigit()]
        if sorted(chart.values) != sorted(row[1] for row in rows):
            found.append(f"chart ‘{chart.title}’: values {chart.values} are not the table's {rows}")
        # A month's bar says "jan" where the table says "jan 2026".
        missing = [label for label in chart.labels if not any(row[0] == label or row[0].startswith(label + " ") for row in rows)]
        if missing:
            found.append(f"chart ‘{chart.title}’: {missing} not in its table")
    return found


# ---- the checks checked: each finds what it is for -----------------------------------------------

def _render(html: str):
    return weasyprint.HTML(string=f"<!doctype html><html lang=nl><head><meta charset=utf-8><title>t</title>"
                                  f"<style>@page {{ size: A4; margin: 20mm }} body {{ font: 10pt sans-serif }}</style>"
                                  f"</head><body>{html}</body></html>").render()


def test_floats_never_cleared_are_found_under_the_text_drawn_over_them():
    # The annual report's old bug: key-figure tiles as floats, the narrative's box drawn over them.
    tiles = "".join(f'<div style="float:left;width:40mm;height:20mm;border:1pt solid #000">{n}</div>' for n in range(3))
    document = _render(f'{tiles}<section style="background:#eee;padding:2mm"><h2>Toelichting</h2><p>Tekst</p></section>')
    assert any("is drawn over" in f or "overlaps" in f for f in overlaps(document))
    assert overlaps(_render(f'{tiles}<section style="clear:both;background:#eee"><h2>Toelichting</h2></section>')) == []


def test_text_placed_over_text_and_boxes_over_boxes_are_found():
    document = _render('<p>Eerste regel</p><p style="margin-top:-8mm">Tweede regel</p>'
                       '<div style="border:1pt solid;height:10mm"></div><div style="border:1pt solid;height:10mm;margin-top:-8mm"></div>')
    found = overlaps(document)
    assert any("‘Eerste regel’" in f and "‘Tweede regel’" in f for f in found)
    assert any(f.count("div") == 2 for f in found)


def test_a_table_wider_than_the_page_is_found():
    wide = "<table><tr>" + "".join(f"<td style='white-space:nowrap'>€&nbsp;{n}.000.000,00</td>" for n in range(9)) + "</tr></table>"
    assert outside(_render(wide))
    assert outside(_render("<table><tr><td>smal</td></tr></table>")) == []


def test_a_heading_and_caption_at_a_page_foot_are_found():
    filler = "<p style='height:215mm;margin:0'>vol</p>"
    table = "<table style='break-inside:avoid'><caption>Per maand</caption>" + "<tr><td>x</td></tr>" * 12 + "</table>"
    assert any("caption" in f or "h2" in f for f in stranded(_render(f"{filler}<h2>Per maand</h2>{table}")))
    assert stranded(_render(f"<h2>Per maand</h2>{table}")) == []


def test_a_footer_in_another_typeface_is_found():
    footer = "<style>@page { @bottom-right { content: 'Pagina ' counter(page) } }</style><p>Tekst</p>"
    assert typefaces(_render(footer))
    assert typefaces(_render(footer.replace("@page {", "@page { font-family: sans-serif;"))) == []


def test_a_chart_without_its_numbers_in_a_table_is_found():
    from buurtbemiddeling.reporting import charts

    chart = charts.as_img(charts.ranking_chart([("Geluid", 12), ("Parkeren", 3)], title="Per soort"), "grafiek")
    table = "<table><caption>Per soort</caption><tr><th>Geluid</th><td>12</td></tr><tr><th>Parkeren</th><td>3</td></tr></table>"
    assert charts_without_table(_render(f"<figure>{chart}</figure>{table}")) == []
    assert charts_without_table(_render(f"<figure>{chart}</figure>"))
    assert charts_without_table(_render(f"<figure>{chart}</figure>{table.replace('>3<', '>4<')}"))


# ---- every PDF of the demo programme --------------------------------------------------------------

Fetch = Callable[..., object]


def _pdf_year(view) -> int:
    return max(int(c["reported_at"][:4]) for c in repo.all_cases(view))


def _case_with(view, test) -> int:
    return next(c.doc_id for c in repo.all_cases(view) if test(c))


def _two_named_parties(case) -> bool:
    return len([p for p in case.get("parties") or [] if (p.get("name") or "").strip()]) >= 2


KINDS: dict[str, Fetch] = {
    "jaarverslag": lambda get, post, view: get(f"/beheer/rapportages/pdf?jaar={_pdf_year(view)}"),
    "kwartaalrapportage": lambda get, post, view: get(f"/beheer/rapportages/pdf?jaar={_pdf_year(view)}&kwartaal=2"),
    "terugkoppeling-partner": lambda get, post, view: get(
        f"/beheer/rapportages/partners/{view.table('partners').all()[0].doc_id}/pdf?jaar={_pdf_year(view)}"),
    "terugkoppeling-partner-alle-jaren": lambda get, post, view: get(
        f"/beheer/rapportages/partners/{view.table('partners').all()[0].doc_id}/pdf"),
    "overdracht": lambda get, post, view: get(
        f"/beheer/zaken/{_case_with(view, lambda c: len(c.get('duo') or []) == 2)}/overdracht.pdf"),
    "protocol": lambda get, post, view: get(f"/beheer/protocollen/{view.table('protocols').all()[0].doc_id}/pdf"),
    "budget-vorig-jaar": lambda get, post, view: get(f"/beheer/budget/{clock.today().year - 1}/jaaroverzicht.pdf"),
    "budget-dit-jaar": lambda get, post, view: get(f"/beheer/budget/{clock.today().year}/jaaroverzicht.pdf"),
    "brief-kennismaking": lambda get, post, view: post(
        f"/beheer/zaken/{_case_with(view, _two_named_parties)}/brief", {"letter": "kennismaking-b:1", "action": "pdf"}),
    "brief-afsluiting": lambda get, post, view: post(
        f"/beheer/zaken/{_case_with(view, lambda c: c.get('step') == 'afgesloten' and _two_named_parties(c))}/brief",
        {"letter": "afsluitbrief:0", "action": "pdf"}),
    # The data subject's export (inzage), POSTed: a person is chosen, never named in a URL. Party A of the
    # case with the longest timeline (its nested tables break across pages), and a volunteer with trainings.
    "inzage-bewoner": lambda get, post, view: post("/beheer/privacy/personen/export.pdf", {"sleutel": [
        f"case:{max((c for c in repo.all_cases(view) if len(c.get('parties') or []) >= 2), key=lambda c: len(repo.timeline(view, c.doc_id))).doc_id}:0"]}),
    "inzage-vrijwilliger": lambda get, post, view: post("/beheer/privacy/personen/export.pdf", {"sleutel": [
        f"volunteer:{view.table('volunteers').all()[0].doc_id}"]}),
}


@pytest.fixture(scope="module")
def demo_programme(tmp_path_factory):
    """One demo programme for every kind (filling it is the slow part), at a fixed moment."""
    fixed = clock.FixedClock("2026-12-06T10:16:00+01:00")
    app = create_app({"INSTANCE_PATH": tmp_path_factory.mktemp("pdf-layout") / "instance", "TESTING": True,
                      "SECRET_KEY": "test", "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False,
                      "RETENTION_AUTO_RUN": False, "CLOCK": fixed,
                      "PDF_SEPARATE_PROCESS": False})  # the layout boxes are read in this process
    store = app.extensions["store"]
    with clock.using(fixed):
        demo.fill(store)
    users.create_user(store, "opmaak@lindenhoven.example", PASSWORD, "coordinator", "Olga Opmaak")
    client = app.test_client()
    assert client.post("/beheer/inloggen", data={"email": "opmaak@lindenhoven.example", "password": PASSWORD}).status_code == 302
    return app, client, fixed


@pytest.fixture(scope="module")
def made(demo_programme):
    """A kind's PDF as the views make it: the response and the documents WeasyPrint laid out for it.
    The last one made is kept (a laid-out document is large): the annual report's two tests run
    one after the other and share one rendering."""
    app, client, fixed = demo_programme
    kept: dict[str, tuple] = {}

    def make(kind: str):
        if kind not in kept:
            kept.clear()
            documents = []
            render = weasyprint.HTML.render

            def keep(self, *args, **kwargs):
                documents.append(render(self, *args, **kwargs))
                return documents[-1]

            with pytest.MonkeyPatch.context() as patch, clock.using(fixed):
                patch.setattr(weasyprint.HTML, "render", keep)
                view = app.extensions["store"].read()
                kept[kind] = KINDS[kind](client.get, lambda url, data: client.post(url, data=data), view), documents
        return kept[kind]

    return make


def test_the_annual_report_has_its_charts_each_with_a_table_on_the_page_and_in_the_pdf(demo_programme, made):
    app, client, fixed = demo_programme
    with clock.using(fixed):
        view = app.extensions["store"].read()
        page = client.get(f"/beheer/rapportages/?jaar={_pdf_year(view)}").get_data(as_text=True)
    response, rendered = made("jaarverslag")
    titles = ("Meldingen per maand", "Zaken per soort conflict", "Zaken per verwijzer", "Afgeronde zaken per uitkomst")
    assert page.count('class="chart-figure"') >= 4 and all(f"<caption>{t}</caption>" in page for t in titles)
    [document] = rendered
    charts = [box for page in document.pages for box, _ in _walk(page._page_box)
              if isinstance(box, boxes.ReplacedBox) and "chart" in (box.element.get("class") or "")]
    assert len(charts) >= 4 and response.status_code == 200
    assert charts_without_table(document) == []


@pytest.mark.parametrize("kind", list(KINDS))  # the annual report first: the test above made it
def test_every_pdf_is_laid_out_cleanly(kind, made):
    response, rendered = made(kind)
    assert response.status_code == 200 and response.data.startswith(b"%PDF"), kind
    [document] = rendered
    problems = overlaps(document) + outside(document) + stranded(document) + charts_without_table(document) + typefaces(document)
    assert problems == [], f"{kind}: " + "\n".join(problems)
