"""Column types shared by every service's tables."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa

from coop_shared.money import Money

RateColumn = sa.Numeric(7, 6, asdecimal=True)
IdColumn = sa.String(36)


class MoneyType(sa.types.TypeDecorator):
    """NUMERIC(14,2) read back as `Money`: cent-exact, up to a trillion euros
    (docs/adr/002-money.md). Writes accept `Money` or `Decimal`, never a float."""

    impl = sa.Numeric(14, 2, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, Money):
            return value.amount
        if isinstance(value, float):
            raise TypeError("Money columns take Money or Decimal, never a float.")
        return Money(Decimal(value)).amount

    def process_result_value(self, value, dialect):
        return None if value is None else Money(Decimal(value))


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)
