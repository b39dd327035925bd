"""Column types shared by every service's tables."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa

from coop_shared import personal_data
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


class EncryptedString(sa.types.TypeDecorator):
    """Text stored sealed with AES-256-GCM under the ring's current key, read back in clear
    (coop_shared.personal_data; docs/adr/017-personal-data-at-rest-and-rectification.md).
    `purpose` names the column in the authenticated data, so a value only opens where it was
    written. A value already sealed is stored as it is."""

    impl = sa.String(255)
    cache_ok = True

    def __init__(self, purpose: str, length: int = 255):
        super().__init__(length)
        self.purpose = purpose

    def process_bind_param(self, value, dialect):
        if value is None or personal_data.is_sealed(value):
            return value
        return personal_data.keyring().seal(str(value), self.purpose)

    def process_result_value(self, value, dialect):
        return personal_data.keyring().open(value, self.purpose)


class EncryptedText(EncryptedString):
    """`EncryptedString` without a length limit (the old and new values of a rectification)."""

    impl = sa.Text

    def __init__(self, purpose: str):
        sa.types.TypeDecorator.__init__(self)
        self.purpose = purpose


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)
