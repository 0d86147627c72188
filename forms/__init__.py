"""The public forms, each defined once: the site builder renders them, the app
validates posts with them.

    from forms import FORMS, TEMPLATE_DIR
    form = FORMS["report"]
    result = form.validate(request.form, lang=form.lang_of(request.form))

Jinja macros live in TEMPLATE_DIR as "forms/macros.html" (render_form,
render_thanks); add TEMPLATE_DIR to any Jinja loader that renders a form.
"""
from __future__ import annotations

import importlib
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# Each public name and the module that holds it. They load on first use: admin pages that
# only check an e-mail address (`forms.fields`) never build the three forms, and under CGI
# every page is a fresh process that pays for each import.
_HOMES = {
    **dict.fromkeys(("CheckboxField", "CheckboxesField", "CheckboxGridField", "DateField", "EmailField", "Field",
                     "PhoneField", "PostcodeField", "RadioField", "SelectField", "TextAreaField", "TextField",
                     "ValidationError"), "fields"),
    **dict.fromkeys(("HONEYPOT_FIELD", "LANG_FIELD", "TOKEN_FIELD", "TOKEN_URL", "Form", "Heading", "Result"), "form"),
    **dict.fromkeys(("APPLICATION", "make_application_form"), "application"),
    **dict.fromkeys(("configured", "list_choices"), "choices"),
    **dict.fromkeys(("REFERRAL", "make_referral_form"), "referral"),
    "DEFAULT_CONFLICT_TYPES": "conflict_types",
    **dict.fromkeys(("REPORT", "make_report_form"), "report"),
}

_MODULES = {*_HOMES.values(), "common", "translations"}


def __getattr__(name: str):
    if name == "FORMS":
        # Look a form up by the name used in page front matter (`form: report`) and by the app.
        # Adding a form: define it in its own module and add it here.
        value = {form.name: form for form in (__getattr__("REPORT"), __getattr__("REFERRAL"),
                                               __getattr__("APPLICATION"))}
    elif name in _HOMES:
        value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    elif name in _MODULES:  # `import forms` then `forms.fields.pick`, as when __init__ imported them all
        return importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # once: later look-ups find it without this function
    return value


__all__ = [
    "CheckboxField", "CheckboxesField", "CheckboxGridField", "DateField", "EmailField", "Field", "PhoneField",
    "PostcodeField", "RadioField", "SelectField", "TextAreaField", "TextField",
    "ValidationError", "LANG_FIELD", "HONEYPOT_FIELD", "TOKEN_FIELD", "TOKEN_URL", "Form", "Heading", "Result",
    "DEFAULT_CONFLICT_TYPES", "REPORT", "make_report_form", "REFERRAL", "make_referral_form",
    "APPLICATION", "make_application_form", "list_choices", "configured", "TEMPLATE_DIR", "FORMS",
]
