"""Choice lists a programme configures (table `lists`), applied to the public forms.

Pure: takes the stored docs ({"list", "value", "label", "label_en", "retired", "order"}),
so the site builder (reading the data folder) and the app (reading its store) agree.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .fields import Text
from .form import Form

# Which field of the public forms each configurable list fills.
LIST_FIELDS = {"conflict_types": "conflict_type"}


def list_choices(docs: Iterable[Mapping[str, Any]], list_name: str,
                 include_retired: bool = False) -> list[tuple[str, Text]]:
    """[(value, {"nl", "en"})] of one list, in the coordinator's order; [] when none is stored."""
    chosen = [d for d in docs if d.get("list") == list_name and (include_retired or not d.get("retired"))]
    chosen.sort(key=lambda d: (d.get("order", 0), getattr(d, "doc_id", 0)))
    return [(str(d["value"]), {"nl": str(d["label"]), "en": str(d.get("label_en") or d["label"])})
            for d in chosen]


def configured(form: Form, docs: Iterable[Mapping[str, Any]], include_retired: bool = False) -> Form:
    """`form` with its configurable choice lists taken from `docs`; defaults where none is stored.

    include_retired: for validating posts from a page built before a value was retired.
    """
    docs = list(docs)
    names = {f.name for f in form.fields}
    for list_name, field_name in LIST_FIELDS.items():
        choices = list_choices(docs, list_name, include_retired)
        if field_name in names and choices:
            form = form.with_choices(field_name, choices)
    return form
