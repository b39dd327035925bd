"""Money on `Decimal`, cent-exact, never a float.

Policy (docs/adr/002-money.md): amounts are `Decimal` rounded half-up to the cent once per
line, never on totals; strings on the wire ("1234.50"); a float is refused at the door because
0.1 + 0.2 is not 0.3 and nobody should be paid by approximation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from coop_shared.errors import ValidationError

CENT = Decimal("0.01")


def to_decimal(value, field="amount") -> Decimal:
    """Read an amount given as a string, int or Decimal; refuse floats and garbage."""
    if isinstance(value, (bool, float)):
        raise ValidationError(fields={field: ["Amounts must be decimal strings, not floats."]})
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError(fields={field: [f"Not a decimal amount: {value!r}."]}) from None
    else:
        raise ValidationError(fields={field: [f"Not a decimal amount: {value!r}."]})
    if not result.is_finite():
        raise ValidationError(fields={field: ["Amounts must be finite."]})
    return result


def round_cent(value: Decimal) -> Decimal:
    """Round half-up to the cent (the Belgian VAT rounding, Royal Decree no. 1 art. 2)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, order=True)
class Money:
    """An immutable euro amount, always held to the cent."""

    amount: Decimal
    currency: str = "EUR"

    def __post_init__(self):
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money takes a Decimal; use Money.of() to parse other values.")
        object.__setattr__(self, "amount", round_cent(self.amount))

    @classmethod
    def of(cls, value, currency="EUR", field="amount") -> Money:
        """Parse a wire amount; more than two decimals is an error, not a silent rounding."""
        amount = to_decimal(value, field)
        if amount != round_cent(amount):
            raise ValidationError(fields={field: ["At most two decimals (cents)."]})
        return cls(amount, currency)

    @classmethod
    def zero(cls, currency="EUR") -> Money:
        return cls(Decimal("0"), currency)

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}.")
        if other.currency != self.currency:
            raise ValueError(f"Currency mismatch: {self.currency} and {other.currency}.")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, factor) -> Money:
        """Multiply by a quantity or a rate (Decimal or int), rounding the result half-up."""
        if isinstance(factor, float):
            raise TypeError("Multiply Money by a Decimal, not a float.")
        return Money(self.amount * Decimal(factor), self.currency)

    def allocate(self, weights) -> list[Money]:
        """Split into parts proportional to `weights`, largest remainder first: no cent lost."""
        weights = [Decimal(w) for w in weights]
        total_weight = sum(weights)
        if total_weight <= 0:
            raise ValueError("Weights must add up to more than zero.")
        if self.is_negative():
            return [-part for part in (-self).allocate(weights)]
        cents = int(self.amount / CENT)
        raw = [Decimal(cents) * w / total_weight for w in weights]
        parts = [int(r) for r in raw]
        by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
        for i in by_remainder[: cents - sum(parts)]:
            parts[i] += 1
        return [Money(Decimal(p) * CENT, self.currency) for p in parts]

    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.amount:.2f}"
