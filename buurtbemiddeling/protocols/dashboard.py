"""The protocols' panel on Vandaag: published protocols that volunteers have not all read."""
from ..admin.dashboard import register
from . import documents


@register("protocols/_today.html", order=70)
def unread_panel(view) -> dict:
    rows = []
    for protocol, version in documents.published(view):
        readers = documents.readers(view, protocol.doc_id)
        if readers and readers.pending:
            rows.append((protocol, version, readers))
    return {"unread": rows}
