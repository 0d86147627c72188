"""The budget's section on the case page: the expense claims made for this case. Apart from the
views (the budget pages, their spreadsheets and PDFs): a case page under CGI is a fresh process
that pays for every module it imports."""
from __future__ import annotations

from ..cases import sections
from . import ledger


@sections.register("budget/_case_claims.html", order=70)
def case_claims(view, case) -> dict | None:
    """The claims, when there are any."""
    claims = ledger.claims_of_case(view, case.doc_id)
    if not claims:
        return None
    return {"claims": claims, "volunteers": ledger.volunteer_names(view), "statuses": ledger.CLAIM_STATUSES,
            "approved": sum(c["amount_cents"] for c in claims if c.get("status") == "goedgekeurd")}
