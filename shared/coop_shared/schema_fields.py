"""marshmallow fields for the wire conventions: decimal-string amounts and rates, Belgian
identifiers. Each field refuses floats and reports errors under the field's own name."""

from decimal import Decimal

from marshmallow import ValidationError as SchemaError
from marshmallow import fields

from coop_shared import identifiers
from coop_shared.errors import ValidationError
from coop_shared.money import Money, to_decimal


def _field_messages(error: ValidationError) -> list[str]:
    return [message for messages in error.fields.values() for message in messages]


class Amount(fields.Field):
    """A euro amount: decimal string (or int) with at most two decimals; never a float.
    `positive=True` refuses zero and negative amounts, `non_negative=True` negative ones."""

    def __init__(self, *args, positive=False, non_negative=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.positive, self.non_negative = positive, non_negative

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            amount = Money.of(value).amount
        except ValidationError as exc:
            raise SchemaError(_field_messages(exc)) from None
        if self.positive and amount <= 0:
            raise SchemaError("The amount must be greater than zero.")
        if self.non_negative and amount < 0:
            raise SchemaError("The amount may not be negative.")
        return amount

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value):.2f}"


class Quantity(fields.Field):
    """A strictly positive decimal quantity (string or int), at most 4 decimals; never a float."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            quantity = to_decimal(value)
        except ValidationError as exc:
            raise SchemaError(_field_messages(exc)) from None
        if quantity <= 0:
            raise SchemaError("A quantity is greater than zero.")
        if quantity != quantity.quantize(Decimal("0.0001")):
            raise SchemaError("At most four decimals.")
        return quantity

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format(Decimal(value).normalize(), "f")


class Rate(fields.Field):
    """A fraction as a decimal string, e.g. "0.21"; between 0 and 1 inclusive."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            rate = to_decimal(value)
        except ValidationError as exc:
            raise SchemaError(_field_messages(exc)) from None
        if not Decimal(0) <= rate <= Decimal(1):
            raise SchemaError('A rate is a fraction between 0 and 1, e.g. "0.21".')
        return rate

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(Decimal(value).normalize())


class _Identifier(fields.String):
    check = None

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return type(self).check(text)
        except ValidationError as exc:
            raise SchemaError(_field_messages(exc)) from None


class Iban(_Identifier):
    check = staticmethod(identifiers.iban)


class Bic(_Identifier):
    check = staticmethod(identifiers.bic)


class EnterpriseNumber(_Identifier):
    check = staticmethod(identifiers.enterprise_number)


class VatNumber(_Identifier):
    check = staticmethod(identifiers.vat_number)


class BelgianVatNumber(_Identifier):
    check = staticmethod(identifiers.belgian_vat_number)


class NationalNumber(_Identifier):
    check = staticmethod(identifiers.national_number)
