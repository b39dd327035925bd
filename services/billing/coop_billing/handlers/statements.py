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

import base64
import hashlib
from datetime import date, timedelta
from decimal import Decimal

from coop_billing.domain import camt053, coda
from coop_billing.domain.bank_statements import StatementError
from coop_billing.handlers.statement_booking import CHUNK, StatementBooking
from coop_billing.orm import BankStatement, BankStatementFile
from coop_billing.views import statement_file_out, statement_out
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.money import CENT, Money

PARSERS = {"coda": coda.parse, "camt053": camt053.parse}


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
    digest = hashlib.sha256(data["content"]).hexdigest()
    fresh = uow.repo.statement_by_digest(cooperative_id, digest) is None
    row, warnings = _statement_row(uow, cooperative_id, digest, statement)
    if fresh:
        _keep_file_and_announce_debits(uow, identity, row, data, statement, digest)
    lines, counts = [], {"matched": 0, "unmatched": 0, "duplicates": 0}
    credits = statement.credits
    for movement in credits:  # a fraction of a cent anywhere refuses the file before any booking
        _cents(movement)
    booking = StatementBooking(
        uow,
        identity,
        cooperative_id,
        members,
        uow.repo.invoices_by_communications(
            cooperative_id, {m.structured_communication for m in credits if m.structured_communication}
        ),
        _Payers(uow.repo.known_payers_of(cooperative_id, {_compact(m.counterparty_iban) for m in credits})),
    )
    for start in range(0, len(credits), CHUNK):
        chunk = credits[start : start + CHUNK]
        booking.book([(movement, _payment_of(movement, statement)) for movement in chunk], lines, counts)
    booking.finish()
    uow.repo.remember_payers(cooperative_id, booking.payers.pairs)
    return statement_out(row, statement, counts, warnings, lines)


class _Payers:
    """The known payers an import learns (IBAN, customer), recorded in one statement at its end
    and seen at once by the later movements of the same file."""

    def __init__(self, known: dict[str, list[str]]):
        self.customers = {iban: set(customers) for iban, customers in known.items()}
        self.pairs: set[tuple[str, str]] = set()

    def add(self, pair: tuple[str, str]) -> None:
        self.pairs.add(pair)
        self.customers.setdefault(pair[0], set()).add(pair[1])


def _payment_of(movement, statement) -> dict:
    """The `record_payment` payload of one credit; its bank reference is unique per account."""
    amount = _cents(movement)
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


def _cents(movement) -> Decimal:
    amount = movement.amount.quantize(CENT)
    if amount != movement.amount:
        raise StatementError(f"amount {movement.amount} has fractions of a cent", movement.line)
    return amount


def _statement_row(uow, cooperative_id: str, digest: str, statement) -> tuple[BankStatement, list[str]]:
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


def _keep_file_and_announce_debits(uow, identity, row, data: dict, statement, digest: str) -> None:
    """A statement imported for the first time: its file kept as received (for the accountant's
    period pack), and each movement out announced to the books (`bank_debit_recorded`, in the
    import's transaction), which clear the transfers and suppliers it pays
    (docs/adr/015-accounting-from-events.md). Its bank reference, unique per account, lets the
    books take a movement found again in an overlapping file once."""
    extension = "xml" if data["format"] == "camt053" else "cod"
    uow.repo.keep_statement_file(
        BankStatementFile(
            cooperative_id=row.cooperative_id,
            statement_id=row.id,
            filename=(data.get("filename") or f"statement-{statement.number or row.id}.{extension}")[:200],
            content_sha256=digest,
            size=len(data["content"]),
        ),
        data["content"],
    )
    account = statement.account_iban or "account"
    for movement in statement.movements:
        if movement.is_credit:
            continue
        uow.emit(
            "bank_debit_recorded",
            row.cooperative_id,
            identity.cooperative,
            {
                "statement_id": row.id,
                "bank_reference": f"{account}/{movement.reference}"[:100],
                "amount": str(Money(-movement.amount)),
                "value_date": _iso(movement.value_date or movement.entry_date or statement.closing_date),
                "counterparty_name": movement.counterparty_name and movement.counterparty_name[:200],
                "communication": (movement.communication or "")[:140],
            },
        )


def list_statement_files(uow, identity, data: dict) -> dict:
    """The month's statement files as received (by closing date), without their bytes."""
    require_role(identity, *OPERATORS, AUDITOR)
    first = date.fromisoformat(f"{data['period']}-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    rows = uow.repo.statement_files(acting_cooperative(identity), first, last)
    return {"items": [statement_file_out(r) for r in rows], "total": len(rows)}


def render_statement_file(uow, identity, data: dict) -> dict:
    """One statement's file, byte for byte as received (base64)."""
    require_role(identity, *OPERATORS, AUDITOR)
    row = uow.repo.statement_file(acting_cooperative(identity), str(data["statement_id"]))
    content = uow.repo.statement_file_content(row)
    return dict(statement_file_out(row), content=base64.b64encode(content).decode("ascii"))


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _compact(iban: str | None) -> str | None:
    return iban.replace(" ", "").upper()[:34] if iban else None
