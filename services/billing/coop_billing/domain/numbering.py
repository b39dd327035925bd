"""Invoice and credit-note numbers: one gapless series per cooperative, kind and year
(docs/domain/vat-and-invoices.md: continuous, never reused, dates chronological in a series)."""

from datetime import date

from coop_billing.domain.states import DocumentKind
from coop_shared.errors import BusinessRuleViolation

INVOICE, CREDIT_NOTE = DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE  # one series per kind
PREFIX = {INVOICE: "", CREDIT_NOTE: "CN-"}


def format_number(cooperative_slug: str, kind: str, year: int, sequence: int) -> str:
    """'DIES-2026-00001' for invoices, 'DIES-CN-2026-00001' for credit notes."""
    return f"{cooperative_slug.upper()}-{PREFIX[kind]}{year}-{sequence:05d}"


def check_chronology(issue_date: date, last_issue_date: date | None) -> None:
    """A later number may not carry an earlier date than the one before it."""
    if last_issue_date is not None and issue_date < last_issue_date:
        raise BusinessRuleViolation(
            f"Issue date {issue_date} is before {last_issue_date}, the date of the previous "
            "number in this series: dates must be chronological.",
            {"issue_date": issue_date.isoformat(), "last_issue_date": last_issue_date.isoformat()},
        )
