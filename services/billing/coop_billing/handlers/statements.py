"""Bank statements (CODA, camt.053) imported in one call: every credit becomes a payment,
matched to an invoice when the suite can tell which (issue #6):

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

import sqlalchemy as sa

from coop_billing import repository as repo
from coop_billing.domain import camt053, coda
from coop_billing.domain.bank_statements import StatementError
from coop_billing.handlers.payments import record_payment
from coop_billing.orm import BankStatement, Invoice, Payment, PaymentAllocation
from coop_shared.credentials import OPERATORS, acting_cooperative, require_role
from coop_shared.money import Money

PARSERS = {"coda": coda.parse, "camt053": camt053.parse}
OPEN = ("issued", "partially_paid")


def import_bank_statement(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    try:
        return _import(uow, identity, cooperative_id, data)
    except StatementError as exc:
        uow.rollback()  # whatever was booked before the faulty movement goes too
        raise exc.as_validation_error() from None


def _import(uow, identity, cooperative_id: str, data: dict) -> dict:
    statement = PARSERS[data["format"]](data["content"])
    if statement.currency != "EUR":
        raise StatementError(f"only EUR accounts are booked, this statement is in {statement.currency}")
    row, warnings = _statement_row(uow, cooperative_id, data, statement)
    account = statement.account_iban or "account"
    lines, counts = [], {"matched": 0, "unmatched": 0, "duplicates": 0}
    for movement in statement.credits:
        amount = movement.amount.quantize(Decimal("0.01"))
        if amount != movement.amount:
            raise StatementError(f"amount {movement.amount} has fractions of a cent", movement.line)
        payload = {
            "amount": amount,
            "value_date": movement.value_date or movement.entry_date or statement.closing_date,
            "bank_reference": f"{account}/{movement.reference}"[:100],
            "structured_communication": movement.structured_communication,
            "communication": (movement.communication or None) and movement.communication[:140],
            "counterparty_name": movement.counterparty_name and movement.counterparty_name[:200],
            "counterparty_iban": _compact(movement.counterparty_iban),
            "invoice_id": None,
        }
        invoice = (
            repo.invoice_by_communication(uow.session, cooperative_id, movement.structured_communication)
            if movement.structured_communication
            else None
        )
        if invoice is None:
            invoice = _known_payer_invoice(uow, cooperative_id, payload["counterparty_iban"], amount)
        outcome = record_payment(uow, identity, payload, invoice=invoice)
        status = {"matched": "matched", "duplicate": "duplicates"}.get(outcome["status"], "unmatched")
        counts[status] += 1
        lines.append(
            {
                "line": movement.line,
                "reference": movement.reference,
                "amount": str(Money(amount)),
                "status": outcome["status"],
                "payment_id": outcome["payment_id"],
                "invoice_id": outcome["invoice_id"],
                "counterparty_name": movement.counterparty_name,
                "communication": outcome["structured_communication"] or movement.communication,
            }
        )
    return {
        "statement_id": row.id,
        "format": statement.format,
        "account_iban": statement.account_iban,
        "number": statement.number,
        "opening_balance": str(Money(statement.opening_balance)),
        "closing_balance": str(Money(statement.closing_balance)),
        "movements": len(statement.movements),
        "credits": len(statement.credits),
        "debits": len(statement.movements) - len(statement.credits),
        **counts,
        "warnings": warnings,
        "lines": lines,
    }


def _statement_row(uow, cooperative_id: str, data: dict, statement) -> tuple[BankStatement, list[str]]:
    digest = hashlib.sha256(data["content"]).hexdigest()
    row = uow.session.scalars(
        sa.select(BankStatement).where(
            BankStatement.cooperative_id == cooperative_id, BankStatement.content_sha256 == digest
        )
    ).first()
    warnings = []
    if row is not None:
        warnings.append("This file was imported before: its movements are duplicates.")
        return row, warnings
    previous = uow.session.scalars(
        sa.select(BankStatement)
        .where(
            BankStatement.cooperative_id == cooperative_id,
            BankStatement.account_iban == statement.account_iban,
        )
        .order_by(BankStatement.closing_date.desc(), BankStatement.imported_at.desc())
        .limit(1)
    ).first()
    if previous is not None and Money(Decimal(previous.closing_balance)) != Money(statement.opening_balance):
        warnings.append(
            f"The opening balance {Money(statement.opening_balance)} is not the closing balance "
            f"{Money(Decimal(previous.closing_balance))} of the previous statement {previous.number}: "
            f"a statement may be missing."
        )
    row = BankStatement(
        cooperative_id=cooperative_id,
        format=statement.format,
        content_sha256=digest,
        account_iban=statement.account_iban,
        number=statement.number,
        opening_balance=statement.opening_balance,
        opening_date=statement.opening_date,
        closing_balance=statement.closing_balance,
        closing_date=statement.closing_date,
        movements=len(statement.movements),
    )
    uow.session.add(row)
    uow.session.flush()
    return row, warnings


def _compact(iban: str | None) -> str | None:
    return iban.replace(" ", "").upper()[:34] if iban else None


def _known_payer_invoice(uow, cooperative_id: str, iban: str | None, amount: Decimal):
    """The one open invoice, of a customer who paid before from `iban`, whose amount due is
    exactly `amount`; None when there is none or more than one (staff decide then)."""
    if not iban:
        return None
    customers = uow.session.scalars(
        sa.select(Invoice.customer_id)
        .distinct()
        .join(PaymentAllocation, PaymentAllocation.invoice_id == Invoice.id)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.cooperative_id == cooperative_id, Payment.counterparty_iban == iban)
    ).all()
    if not customers:
        return None
    candidates = uow.session.scalars(
        sa.select(Invoice).where(
            Invoice.cooperative_id == cooperative_id,
            Invoice.kind == "invoice",
            Invoice.status.in_(OPEN),
            Invoice.customer_id.in_(customers),
        )
    ).all()
    exact = []
    for invoice in candidates:
        paid, _, _ = repo.paid_on(uow.session, invoice.id)
        due = Money(Decimal(invoice.total_incl_vat)) - paid - repo.credited_on(uow.session, invoice.id)
        if due == Money(amount):
            exact.append(invoice)
    return (
        repo.invoice(uow.session, cooperative_id, exact[0].id, for_update=True) if len(exact) == 1 else None
    )
