"""Markdown from the admin is sanitised wherever it is shown."""
import pytest

from common.markdown import render_markdown


def test_markdown_becomes_html():
    html = render_markdown("**Afspraak:** de heg gaat *voor 1 mei* terug naar 1,80 m.\n\n- eerste\n- tweede")
    assert "<strong>Afspraak:</strong>" in html and "<li>eerste</li>" in html


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    '<a href="#" onclick="alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    '<svg onload=alert(1)>',
])
def test_script_in_markdown_never_reaches_the_page(payload):
    html = str(render_markdown(payload))
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "onclick" not in html and "<iframe" not in html and "onload" not in html
