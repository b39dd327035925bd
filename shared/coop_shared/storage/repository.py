"""The base of every service's repository: the one place a service's queries live.

A repository is bound to one unit of work's session. Handlers add, find and page rows through
it and never see the session (docs/architecture.md, "One shape for every service").
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coop_shared.storage.paging import page
from coop_shared.storage.scoped import one_of_cooperative


class Repository:
    """Rows of one service. Subclasses add the service's named queries."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, row) -> None:
        self.session.add(row)

    def add_all(self, rows) -> None:
        self.session.add_all(rows)

    def delete(self, row) -> None:
        self.session.delete(row)

    def flush(self) -> None:
        """Send pending rows now, so their ids and defaults are known inside the transaction."""
        self.session.flush()

    def refresh(self, row) -> None:
        self.session.refresh(row)

    def one_of_cooperative(self, model, cooperative_id: str, row_id, what: str, for_update=False):
        """The `model` row `row_id` of `cooperative_id`, else NotFound (scoped.py)."""
        return one_of_cooperative(self.session, model, cooperative_id, row_id, what, for_update)

    def page(self, query: sa.Select, order_by, limit: int, offset: int, scalars: bool = True):
        """(rows of this page, total) of `query` (paging.py)."""
        return page(self.session, query, order_by, limit, offset, scalars)

    def ping(self) -> None:
        """One round trip to the database (health checks)."""
        self.session.execute(sa.text("SELECT 1"))
