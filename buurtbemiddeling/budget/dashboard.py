"""The budget's panel on Vandaag: lines at 90% or over, and claims waiting for a decision."""

from common.clock import today

from ..admin.dashboard import register
from . import ledger


@register("budget/_today.html", order=70)
def budget_panel(view) -> dict:
    year = today().year
    real = ledger.realisation_of(view, year)
    return {"year": year, "warnings": real.warnings, "has_budget": real.has_budget, "warn_percent": ledger.WARN_PERCENT,
            "waiting": len(ledger.claims_list(view, "ingediend"))}
