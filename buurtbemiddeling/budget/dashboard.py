"""The budget's panel on Vandaag: lines at 90% or over, and claims waiting for a decision."""

from common.clock import today

from ..admin.dashboard import register
from . import ledger


@register("budget/_today.html", order=70)
def budget_panel(view) -> dict:
    # Kept per year and version of the tables it reads: another worker's note or step change keeps it.
    year = today().year
    return view.derived(f"budget.today.{year}", lambda v: _panel(v, year))


def _panel(view, year: int) -> dict:
    real = ledger.realisation_of(view, year)
    return {"year": year, "warnings": real.warnings, "has_budget": real.has_budget, "warn_percent": ledger.WARN_PERCENT,
            "waiting": len(ledger.claims_list(view, "ingediend"))}
