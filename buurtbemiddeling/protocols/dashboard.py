"""The protocols' panel on Vandaag: published protocols that volunteers have not all read."""
from ..admin.dashboard import register
from . import documents


@register("protocols/_today.html", order=70)
def unread_panel(view) -> dict:
    # Kept per version of the tables it reads: another worker's note or step change keeps it.
    return view.derived("protocols.unread", _unread)


def _unread(view) -> dict:
    rows = []
    for protocol, version in documents.published(view):
        readers = documents.readers(view, protocol.doc_id)
        if readers and readers.pending:
            rows.append((protocol, version, readers))
    return {"unread": rows}
