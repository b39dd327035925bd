"""A row as the JSON a person's data export carries (GDPR art. 15): every column, in the wire's
types (docs/rpc-contract.md: amounts as decimal strings, dates ISO 8601). Files are left out:
the export's zip carries them rendered."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    if isinstance(value, int | float | bool | str | dict | list) or value is None:
        return value
    return str(value)  # Money and the StrEnums read as their strings


def row_out(row, exclude: tuple[str, ...] = ()) -> dict:
    """{column: value} of an ORM row, without the columns in `exclude` (secrets, hashes)."""
    columns = sa.inspect(row).mapper.column_attrs
    return {c.key: _value(getattr(row, c.key)) for c in columns if c.key not in exclude}
