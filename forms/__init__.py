"""The public forms, each defined once: the site builder renders them, the app
validates posts with them.

    from forms import FORMS, TEMPLATE_DIR
    form = FORMS["report"]
    result = form.validate(request.form, lang=form.lang_of(request.form))

Jinja macros live in TEMPLATE_DIR as "forms/macros.html" (render_form,
render_thanks); add TEMPLATE_DIR to any Jinja loader that renders a form.
"""
from pathlib import Path

from .fields import (
    CheckboxField,
    CheckboxesField,
    CheckboxGridField,
    DateField,
    EmailField,
    Field,
    PhoneField,
    PostcodeField,
    RadioField,
    SelectField,
    TextAreaField,
    TextField,
    ValidationError,
)
from .form import HONEYPOT_FIELD, LANG_FIELD, TOKEN_FIELD, TOKEN_URL, Form, Heading, Result
from .application import APPLICATION, make_application_form
from .choices import configured, list_choices
from .referral import REFERRAL, make_referral_form
from .report import DEFAULT_CONFLICT_TYPES, REPORT, make_report_form

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# Look a form up by the name used in page front matter (`form: report`) and by the app.
# Adding a form: define it in its own module and add it here.
FORMS: dict[str, Form] = {form.name: form for form in (REPORT, REFERRAL, APPLICATION)}

__all__ = [
    "CheckboxField", "CheckboxesField", "CheckboxGridField", "DateField", "EmailField", "Field", "PhoneField",
    "PostcodeField", "RadioField", "SelectField", "TextAreaField", "TextField",
    "ValidationError", "LANG_FIELD", "HONEYPOT_FIELD", "TOKEN_FIELD", "TOKEN_URL", "Form", "Heading", "Result",
    "DEFAULT_CONFLICT_TYPES", "REPORT", "make_report_form", "REFERRAL", "make_referral_form",
    "APPLICATION", "make_application_form", "list_choices", "configured", "TEMPLATE_DIR", "FORMS",
]
