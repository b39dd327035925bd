"""Bank statements (CODA, camt.053) imported in one call: every credit becomes a payment,
matched to an invoice when the suite can tell which (automatic payment matching,
docs/domain/payments-and-bank-statements.md):

1. the structured communication of an issued invoice;
2. else the exact amount due on one open invoice of a customer who paid before from the same
   IBAN;
3. else unmatched, for staff (`list_unmatched_payments`, `match_payment`).

The whole statement is one transaction: a file is booked entirely or not at all. Payment bank
references are the account and the bank's movement reference, unique per cooperative, so the
same movement imported twice (the same file, or an overlapping one) is a duplicate.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from coop_billing.domain import camt053, coda
from coop_billing.domain.bank_statements import StatementError
from coop_billing.domain.states import MatchOutcome
from coop_billing.handlers.payments import record_payment
from coop_billing.orm import BankStatement
from coop_billing.views import statement_line_out, statement_out
from coop_shared.credentials import OPERATORS, acting_cooperative, require_role
from coop_shared.money import Money

PARSERS = {"coda": coda.parse, "camt053": camt053.parse}
# The counter of the answer each payment outcome adds to.
COUNTERS = {MatchOutcome.MATCHED: "matched", MatchOutcome.DUPLICATE: "duplicates"}


def import_bank_statement(uow, identity, data: dict, members=None) -> dict:
    """What became of every credit of the statement, with its balances and warnings; `members`
    gives each activity's dated contribution rate (handlers/payments.py)."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    try:
        return _import(uow, identity, cooperative_id, data, members)
    except StatementError as exc:
        uow.rollback()  # whatever was booked before the faulty movement goes too
        raise exc.as_validation_error() from None


def _import(uow, identity, cooperative_id: str, data: dict, members=None) -> dict:
    statement = PARSERS[data["format"]](data["content"])
    if statement.currency != "EUR":
        raise StatementError(f"only EUR accounts are booked, this statement is in {statement.currency}")
    row, warnings = _statement_row(uow, cooperative_id, data, statement)
    lines, counts = [], {"matched": 0, "unmatched": 0, "duplicates": 0}
    for movement in statement.credits:
        payload = _payment_of(movement, statement)
        invoice = _matching_invoice(uow, cooperative_id, movement, payload)
        outcome = record_payment(uow, identity, payload, invoice=invoice, members=members)
        counts[COUNTERS.get(outcome["status"], "unmatched")] += 1
        lines.append(statement_line_out(movement, Money(payload["amount"]), outcome))
    return statement_out(row, statement, counts, warnings, lines)


def _payment_of(movement, statement) -> dict:
    """The `record_payment` payload of one credit; its bank reference is unique per account."""
    amount = movement.amount.quantize(Decimal("0.01"))
    if amount != movement.amount:
        raise StatementError(f"amount {movement.amount} has fractions of a cent", movement.line)
    account = statement.account_iban or "account"
    return {
        "amount": amount,
        "value_date": movement.value_date or movement.entry_date or statement.closing_date,
        "bank_reference": f"{account}/{movement.reference}"[:100],
        "structured_communication": movement.structured_communication,
        "communication": (movement.communication or None) and movement.communication[:140],
        "counterparty_name": movement.counterparty_name and movement.counterparty_name[:200],
        "counterparty_iban": _compact(movement.counterparty_iban),
        "invoice_id": None,
    }


def _matching_invoice(uow, cooperative_id: str, movement, payload: dict):
    """Rule 1, else rule 2 of the module's docstring; None leaves the payment to staff."""
    if movement.structured_communication:
        invoice = uow.repo.invoice_by_communication(cooperative_id, movement.structured_communication)
        if invoice is not None:
            return invoice
    return _known_payer_invoice(uow, cooperative_id, payload["counterparty_iban"], payload["amount"])


def _statement_row(uow, cooperative_id: str, data: dict, statement) -> tuple[BankStatement, list[str]]:
    digest = hashlib.sha256(data["content"]).hexdigest()
    row = uow.repo.statement_by_digest(cooperative_id, digest)
    if row is not None:
        return row, ["This file was imported before: its movements are duplicates."]
    warnings = []
    previous = uow.repo.latest_statement(cooperative_id, statement.account_iban)
    if previous is not None and previous.closing_balance != Money(statement.opening_balance):
        warnings.append(
            f"The opening balance {Money(statement.opening_balance)} is not the closing balance "
            f"{previous.closing_balance} of the previous statement {previous.number}: "
            f"a statement may be missing."
        )
    row = BankStatement(
        cooperative_id=cooperative_id,
        format=statement.format,
        content_sha256=digest,
        account_iban=statement.account_iban,
        number=statement.number,
        opening_balance=Money(statement.opening_balance),
        opening_date=statement.opening_date,
        closing_balance=Money(statement.closing_balance),
        closing_date=statement.closing_date,
        movements=len(statement.movements),
    )
    uow.repo.add(row)
    uow.repo.flush()
    return row, warnings


def _compact(iban: str | None) -> str | None:
    return iban.replace(" ", "").upper()[:34] if iban else None


def _known_payer_invoice(uow, cooperative_id: str, iban: str | None, amount: Decimal):
    """The one open invoice, of a customer who paid before from `iban`, whose amount due is
    exactly `amount`; None when there is none or more than one (staff decide then)."""
    if not iban:
        return None
    customers = uow.repo.customers_paying_from(cooperative_id, iban)
    if not customers:
        return None
    candidates = uow.repo.open_invoices_of_customers(cooperative_id, customers)
    receivables = uow.repo.receivables(invoice.id for invoice in candidates)
    exact = [invoice for invoice in candidates if receivables[invoice.id].amount_due == Money(amount)]
    return uow.repo.invoice(cooperative_id, exact[0].id, for_update=True) if len(exact) == 1 else None
