#!/usr/bin/env python3
"""CGI entry for hosts without Passenger: Apache starts this script for each request that
public/.htaccess hands to the app (form posts, /beheer/, addresses that are no file).

deploy/publish.py installs a copy in public/ with the first line set to the project's
virtualenv Python, PROJECT set to the project folder and INSTANCE to the instance folder
(suexec drops SetEnv variables, so the script carries the folder itself).
"""
import gc
import os
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import unquote_to_bytes

PROJECT = Path(__file__).resolve().parent.parent
INSTANCE = None

# Shown when the app cannot start; the cause goes to <instance>/logs/fouten.log, which the
# customer can read (the server-wide error log usually is not theirs).
FAILURE_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Fout: het beheer kan niet starten</title></head>
<body><h1>Het beheer kan nu niet starten</h1>
<p>{cause}</p>
<p>Meldingen via de website gaan niet verloren zodra dit is opgelost; bel ons in de tussentijd
als het dringend is. Beheerder: zie <code>logs/fouten.log</code> in de instancemap, of draai
<code>.venv/bin/flask --app app doctor</code>.</p>
</body></html>
"""


def mounted_at_root(app):
    """Give the app the address the visitor asked for, not the script's.

    .htaccess rewrites /beheer/... to /app.cgi, so Apache reports SCRIPT_NAME=/app.cgi and no
    PATH_INFO; without this the app would see every request as "/" and build /app.cgi/... links.
    A visitor who addresses the script itself (/app.cgi/.htaccess) gets a 404: everything
    Apache serves stays Apache's to refuse.
    """
    def wsgi(environ, start_response):
        uri = environ.get("REQUEST_URI", "")
        script = environ.get("SCRIPT_NAME", "")
        path = uri.split("?", 1)[0]
        if script and (path == script or path.startswith(script + "/")):
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return ["Niet gevonden.\n".encode()]
        if uri:
            # WSGI strings carry the raw bytes as latin-1; REQUEST_URI is still %-encoded.
            environ["PATH_INFO"] = unquote_to_bytes(path).decode("latin-1")
            environ["SCRIPT_NAME"] = ""
        return app(environ, start_response)

    return wsgi


def cause_of(exc: BaseException) -> str:
    """A Dutch line that names the cause without showing anything secret from the configuration."""
    if isinstance(exc, PermissionError):
        return (f"Geen toegang tot {exc.filename}: het account waaronder de webserver dit script draait "
                f"mag dit bestand niet lezen of schrijven.")
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}."
    if type(exc).__name__ == "TOMLDecodeError":
        return f"config.toml in de instancemap is geen geldige TOML ({exc})."
    if type(exc).__name__ == "NoAppException":  # ours: the instance folder is missing
        return str(exc)
    return f"Een onverwachte fout ({type(exc).__name__}); de oorzaak staat in logs/fouten.log."


def log_failure(instance) -> str:
    """Write the traceback where the customer can read it; return the cause to show."""
    folder = instance or os.environ.get("BUURTBEMIDDELING_INSTANCE")
    if folder and Path(folder).is_dir():
        try:
            logs = Path(folder) / "logs"
            logs.mkdir(mode=0o700, exist_ok=True)
            with open(logs / "fouten.log", "a", encoding="utf-8") as fh:
                fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} app.cgi kon niet starten\n{traceback.format_exc()}\n")
        except OSError:
            pass  # the server's log below still has it
    traceback.print_exc()  # and the server's log, for hosts that show it
    return cause_of(sys.exc_info()[1])


def fail(cause: str) -> None:
    from html import escape

    body = FAILURE_PAGE.format(cause=escape(cause)).encode()
    sys.stdout.buffer.write(b"Status: 500 Internal Server Error\r\nContent-Type: text/html; charset=utf-8\r\n"
                            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def main() -> None:
    os.chdir(PROJECT)  # never depend on a working directory a publish may just have replaced
    sys.path.insert(0, str(PROJECT))
    from wsgiref.handlers import CGIHandler

    try:
        from buurtbemiddeling import dataclass_code
        from common import process_cache
        from common.instance import InstanceMissing, locate

        try:  # before the app's modules make their dataclasses
            process_cache.FOLDER = locate(INSTANCE).path / "cache"
            dataclass_code.keep(process_cache.FOLDER)
        except InstanceMissing:
            pass  # create_app says so
        from app import create_app

        # One request per process: each area's views are imported only when asked for.
        app = create_app({"ON_DEMAND": True, **({"INSTANCE_PATH": INSTANCE} if INSTANCE else {})})
    except Exception:
        fail(log_failure(INSTANCE))
        return
    # What start-up made (modules, the URL map) lives until the process ends: out of the garbage
    # collector's sight, its full collections during the request (parsing a table makes many
    # objects) walk only what the request made. 20 to 30 ms of a case page at M.
    gc.freeze()
    CGIHandler().run(mounted_at_root(app))


if __name__ == "__main__":
    main()
