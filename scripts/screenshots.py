"""`make screenshots`: the README's pictures of the public home page and of Vandaag, taken in
Debian's Chromium from a throwaway instance filled with the demo data.

Nothing of instance/ or public/ is touched. The PNGs are reduced to 256 colours to stay small.
"""
from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

import sitebuilder
from app import create_app
from buurtbemiddeling import demo

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
# The flags of tests/browser/conftest.py: no sandbox as root, no calls home from a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def serve(folder: Path):
    app = create_app({
        "INSTANCE_PATH": folder / "instance",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "PUBLIC_DIR": str(folder / "public"),
    })
    with app.app_context():
        demo.fill(app.extensions["store"])
    # Built after the demo data, as `flask build-site` does: the results page has its figures.
    sitebuilder.build(sitebuilder.Site(sitebuilder.DEFAULT_ROOT, data_dir=app.config["DATA_DIR"]), folder / "public")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def save(page, name: str) -> Path:
    path = OUT / f"{name}.png"
    page.screenshot(path=path)
    Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
    return path


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Chromium ontbreekt: make screenshots installeert het als dat mag.", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bb-screenshots-") as folder, sync_playwright() as playwright:
        server, url = serve(Path(folder))
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL", viewport=VIEWPORT)
        try:
            page.goto(url + "/")
            written = [save(page, "publieke-site")]
            page.goto(url + "/beheer/inloggen")
            page.get_by_label("E-mailadres").fill(demo.DEMO_EMAIL)
            page.get_by_label("Wachtwoord").fill(demo.DEMO_PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            page.get_by_role("heading", name="Vandaag", exact=True).wait_for()
            written.append(save(page, "vandaag"))
        finally:
            browser.close()
            server.shutdown()
    for path in written:
        print(f"{path.relative_to(OUT.parent.parent)}: {path.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
