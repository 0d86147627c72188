"""The reports' panel on Vandaag: new reports waiting to be read."""
from ..admin.dashboard import register
from . import intake


@register("reports/_today.html", order=10)
def new_reports_panel(view) -> dict:
    return {"new_reports": intake.new_reports(view)}
