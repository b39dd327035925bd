"""A bank statement as billing needs it, whatever the file it came in (CODA, camt.053)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from coop_shared.errors import ValidationError


class StatementError(Exception):
    """A statement file that cannot be trusted: nothing of it is booked. `line` is 1-based."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)

    def as_validation_error(self) -> ValidationError:
        """The contract's typed error: the message in `content`, the line number in `line`."""
        fields = {"content": [str(self)]}
        if self.line:
            fields["line"] = [str(self.line)]
        return ValidationError(str(self), fields)


@dataclass(frozen=True, slots=True)
class Movement:
    """One booked movement. `amount` is signed: positive money in, negative money out. Slotted:
    a statement holds tens of thousands of them."""

    reference: str  # the bank's reference of the movement, unique at that bank
    amount: Decimal
    value_date: date | None
    entry_date: date | None
    structured_communication: str | None = None  # the 12 digits of an OGM, checked
    communication: str = ""
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    line: int | None = None

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True)
class Statement:
    format: str
    account_iban: str | None
    currency: str
    number: str  # the bank's statement number (CODA: paper sequence; camt: Id)
    opening_balance: Decimal
    opening_date: date | None
    closing_balance: Decimal
    closing_date: date | None
    holder_name: str | None = None
    movements: list[Movement] = field(default_factory=list)

    @property
    def credits(self) -> list[Movement]:
        return [m for m in self.movements if m.is_credit]
