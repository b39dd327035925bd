"""One page of a query and the total it pages through: every `list_*` method returns
`{"items": [...], "total": n}` and accepts `limit`/`offset` (docs/rpc-contract.md)."""

import sqlalchemy as sa
from sqlalchemy.orm import Session


def page(session: Session, query: sa.Select, order_by, limit: int, offset: int, scalars: bool = True):
    """(rows of this page, total number of rows the query matches)."""
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    ordered = query.order_by(*order_by).limit(limit).offset(offset)
    rows = session.scalars(ordered).all() if scalars else session.execute(ordered).all()
    return rows, total
