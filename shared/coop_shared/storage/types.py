"""Column types shared by every service's tables."""

import uuid
from datetime import datetime, timezone

import sqlalchemy as sa

# Money is NUMERIC(14,2): cent-exact, up to a trillion euros (docs/adr/002-money.md).
MoneyColumn = sa.Numeric(14, 2, asdecimal=True)
RateColumn = sa.Numeric(7, 6, asdecimal=True)
IdColumn = sa.String(36)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
