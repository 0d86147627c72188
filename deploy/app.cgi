#!/usr/bin/env python3
"""CGI entry for hosts without Passenger: Apache starts this script for each request that
public/.htaccess hands to the app (form posts, /beheer/, addresses that are no file).

deploy/publish.py installs a copy in public/ with the first line set to the project's
virtualenv Python and PROJECT set to the project folder.
"""
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes

PROJECT = Path(__file__).resolve().parent.parent


def mounted_at_root(app):
    """Give the app the address the visitor asked for, not the script's.

    .htaccess rewrites /beheer/... to /app.cgi, so Apache reports SCRIPT_NAME=/app.cgi and no
    PATH_INFO; without this the app would see every request as "/" and build /app.cgi/... links.
    """
    def wsgi(environ, start_response):
        uri = environ.get("REQUEST_URI", "")
        script = environ.get("SCRIPT_NAME", "")
        if uri and not uri.startswith(script + "/") and uri.split("?", 1)[0] != script:
            # WSGI strings carry the raw bytes as latin-1; REQUEST_URI is still %-encoded.
            environ["PATH_INFO"] = unquote_to_bytes(uri.split("?", 1)[0]).decode("latin-1")
            environ["SCRIPT_NAME"] = ""
        return app(environ, start_response)

    return wsgi


def main() -> None:
    sys.path.insert(0, str(PROJECT))
    from wsgiref.handlers import CGIHandler

    from app import create_app  # reads BUURTBEMIDDELING_INSTANCE for the instance folder

    CGIHandler().run(mounted_at_root(create_app()))


if __name__ == "__main__":
    main()
