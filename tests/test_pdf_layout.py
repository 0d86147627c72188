"""Every PDF the admin makes is laid out cleanly: on no page does a line of text overlap another
(WeasyPrint's layout boxes, walked page by page), no heading or caption is left alone at the foot
of a page, and every chart's numbers are in a table as well."""
from __future__ import annotations

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes

from buurtbemiddeling import demo
from buurtbemiddeling.cases import repo

TOLERANCE = 0.5  # CSS px


@pytest.fixture
def rendered(monkeypatch):
    """The documents WeasyPrint laid out, as the views asked for them."""
    documents = []
    write_pdf = weasyprint.HTML.write_pdf

    def keep(self, *args, **kwargs):
        documents.append(self.render())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", keep)
    return documents


def _hidden(box) -> bool:
    """Text for screen readers only (`visually-hidden`: absolutely placed, 1 px, clipped) is never seen."""
    style = getattr(box, "style", None)
    return bool(style) and style["position"] == "absolute" and getattr(box, "width", 2) <= 1


def _descendants(box):
    if _hidden(box):
        return
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _descendants(child)


def _lines(page) -> list[tuple[float, float, float, float, str]]:
    found = []
    for box in _descendants(page._page_box):
        if isinstance(box, boxes.LineBox) and box.height > 0:
            text = "".join(b.text for b in _descendants(box) if isinstance(b, boxes.TextBox)).strip()
            if text:
                found.append((box.position_x, box.position_y, box.position_x + box.width,
                              box.position_y + box.height, text))
    return found


def overlaps(document) -> list[str]:
    """Lines of text drawn over each other (checked line against line; borders and backgrounds are not)."""
    found = []
    for number, page in enumerate(document.pages, 1):
        lines = sorted(_lines(page), key=lambda line: line[1])
        for i, a in enumerate(lines):
            for b in lines[i + 1:]:
                if b[1] >= a[3] - TOLERANCE:
                    break
                if min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE:
                    found.append(f"page {number}: ‘{a[4][:40]}’ overlaps ‘{b[4][:40]}’")
    return found


def stranded(document) -> list[str]:
    """A heading or table caption that is the last thing on a page (its content on the next)."""
    found = []
    for number, page in enumerate(document.pages[:-1], 1):
        blocks = [b for b in _descendants(page._page_box)
                  if isinstance(b, (boxes.BlockBox, boxes.TableRowBox)) and getattr(b, "element_tag", "") in ("h1", "h2", "h3", "caption", "p", "li",
                                                                                          "tr", "dt", "dd", "figure", "img")]
        if blocks:
            last = max(blocks, key=lambda b: b.position_y + b.height)
            if last.element_tag in ("h1", "h2", "h3", "caption"):
                found.append(f"page {number} ends with a {last.element_tag}")
    return found


@pytest.fixture
def programme(app, store, as_user):
    as_user.coordinator()
    demo.fill(store)
    return store.read()


def _urls(view) -> list[str]:
    year = max(int(c["reported_at"][:4]) for c in repo.all_cases(view))
    case = next(c for c in repo.all_cases(view) if len(c.get("duo") or []) == 2)
    partner = view.table("partners").all()[0]
    protocol = view.table("protocols").all()[0]
    return [f"/beheer/rapportages/pdf?jaar={year}", f"/beheer/rapportages/pdf?jaar={year}&kwartaal=2",
            f"/beheer/rapportages/partners/{partner.doc_id}/pdf?jaar={year}",
            f"/beheer/zaken/{case.doc_id}/overdracht.pdf", f"/beheer/protocollen/{protocol.doc_id}/pdf"]


def test_every_pdf_has_no_overlapping_text_and_no_heading_alone_at_a_page_foot(client, programme, rendered):
    for url in _urls(programme):
        response = client.get(url)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), url
        document = rendered[-1]
        assert overlaps(document) == [], url
        assert stranded(document) == [], url


def test_each_chart_of_the_annual_report_has_its_numbers_in_a_table(client, programme):
    year = max(int(c["reported_at"][:4]) for c in repo.all_cases(programme))
    page = client.get(f"/beheer/rapportages/?jaar={year}").get_data(as_text=True)
    charts = page.count('class="chart-figure"')
    assert charts >= 4
    for caption in ("Meldingen per maand", "Zaken per soort conflict", "Zaken per verwijzer", "Afgeronde zaken per uitkomst"):
        assert f"<caption>{caption}</caption>" in page, caption


def test_the_subject_export_pdf_has_no_overlapping_text_and_no_heading_alone_at_a_page_foot(client, programme, rendered):
    """The inzage-export (POSTed: a person is chosen, never named in a URL) of a party with a long
    timeline: its nested tables break across pages cleanly."""
    case = max((c for c in repo.all_cases(programme) if len(c.get("parties") or []) >= 2),
               key=lambda c: len(repo.timeline(programme, c.doc_id)))
    response = client.post("/beheer/privacy/personen/export.pdf", data={"sleutel": [f"case:{case.doc_id}:0"]})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    document = rendered[-1]
    assert len(document.pages) >= 1
    assert overlaps(document) == []
    assert stranded(document) == []
