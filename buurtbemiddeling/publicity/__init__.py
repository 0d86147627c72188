"""Publiciteit: news items and anonymised success stories written in the admin, which the
site builder publishes on the public site (`common/published.py`, read by `sitebuilder`)."""


def init_app(app) -> None:
    # Imported here: the site builder imports `items` and must not pull in Flask views.
    from ..answers import register_filters
    from .. import on_demand

    register_filters(app)
    on_demand.add(app, "buurtbemiddeling.publicity.views:bp")
