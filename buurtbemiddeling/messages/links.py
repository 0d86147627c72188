"""Absolute links for mails: from the configured BASE_URL (or the site's `url`), never from
the Host header of the request that happened to queue the mail."""
from __future__ import annotations

from flask import current_app, url_for

import sitebuilder

from .. import mail


def external_url(endpoint: str, **values) -> str:
    return mail.base_url(current_app.config, sitebuilder.site_config()["url"]) + url_for(endpoint, **values)
