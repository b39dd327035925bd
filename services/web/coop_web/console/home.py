"""Console pages: the home page, what needs doing in the person's current cooperative
(docs/adr/025-console-and-portal.md).

Each block is one or two calls an integrator would make, and links to the page where it is
handled: invoices overdue (billing `list_invoices` with `overdue_on` today), Peppol deliveries
rejected or failed (`list_invoices` with `delivery_status`), payments not matched
(`list_unmatched_payments`), documents expiring within 30 days (members
`list_expiring_documents`), payroll problems (payroll `list_runs` of the draft runs, then
`get_run` of those with problems), and a chart of what was invoiced and received in each of the
last 12 months (billing `monthly_totals`). A block whose service refuses the person's role
(or does not answer) says so instead of hiding the others.
"""

from __future__ import annotations

from flask import current_app

from coop_shared.dates import brussels_today
from coop_shared.errors import CoopError
from coop_web import ui
from coop_web.console import console
from coop_web.console.members import DOCUMENT_KINDS

SHOWN = 5  # items listed per block; the count says how many there are in all
EXPIRY_DAYS = 30
MONTHS = 12


def _months_back(period: str, months: int) -> str:
    year, month = (int(p) for p in period.split("-"))
    index = year * 12 + (month - 1) - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _block(service: str, method: str, payload=None):
    """The answer, or None when the service refused or failed (the block then says so)."""
    try:
        return ui.call(service, method, payload)
    except CoopError as error:
        current_app.logger.info("console home: %s.%s refused: %s", service, method, error)
        return None


def _payroll_problems():
    """The draft runs that have problems, newest period first, each with its problems."""
    runs = _block("payroll", "list_runs", {"status": "draft", "limit": SHOWN})
    if runs is None:
        return None
    with_problems = [run for run in runs["items"] if run.get("problems")]
    for run in with_problems:
        detail = _block("payroll", "get_run", {"id": run["id"]})
        run["problem_list"] = (detail or {}).get("problems", [])[:SHOWN]
    return with_problems


@console.get("")
@ui.signed_in(*ui.STAFF_ROLES)
def home():
    today = brussels_today()
    this_month = today.isoformat()[:7]
    rejected = _block("billing", "list_invoices", {"delivery_status": "rejected", "limit": SHOWN})
    failed = _block("billing", "list_invoices", {"delivery_status": "failed", "limit": SHOWN})
    return ui.render(
        "console/home.html",
        today=today.isoformat(),
        overdue=_block("billing", "list_invoices", {"overdue_on": today.isoformat(), "limit": SHOWN}),
        rejected=rejected,
        failed=failed,
        unmatched=_block("billing", "list_unmatched_payments", {"limit": SHOWN}),
        expiring=_block("members", "list_expiring_documents", {"within_days": EXPIRY_DAYS, "limit": SHOWN}),
        payroll=_payroll_problems(),
        totals=_block(
            "billing",
            "monthly_totals",
            {"from_period": _months_back(this_month, MONTHS - 1), "to_period": this_month},
        ),
        expiry_days=EXPIRY_DAYS,
        DOCUMENT_KINDS=DOCUMENT_KINDS,
    )
