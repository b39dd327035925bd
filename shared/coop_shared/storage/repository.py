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

    # Retention of the messaging tables every service has (coop_shared.retention, OUTBOX_INBOX
    # and IDEMPOTENCY_ANSWERS; docs/domain/retention.md): an event body or a stored answer
    # carries names and addresses, so neither outlives its purpose.

    def purge_messaging(self, published_before, handled_before, answered_before, dry_run: bool) -> dict:
        """Delete published outbox rows, inbox rows and stored idempotent answers older than
        the given instants (an unpublished event is never removed); {"outbox", "inbox",
        "idempotency"}: how many rows went (or would go, in a dry run)."""
        outbox = sa.table("outbox", sa.column("published_at"))
        inbox = sa.table("inbox", sa.column("handled_at"))
        targets = {
            "outbox": (
                outbox,
                outbox.c.published_at.is_not(None) & (outbox.c.published_at < published_before),
            ),
            "inbox": (inbox, inbox.c.handled_at < handled_before),
        }
        if sa.inspect(self.session.connection()).has_table("idempotency"):
            answers = sa.table("idempotency", sa.column("created_at"))
            targets["idempotency"] = (answers, answers.c.created_at < answered_before)
        counts = {}
        for name, (table, condition) in targets.items():
            if dry_run:
                counts[name] = self.session.execute(
                    sa.select(sa.func.count()).select_from(table).where(condition)
                ).scalar()
            else:
                counts[name] = self.session.execute(sa.delete(table).where(condition)).rowcount
        return counts

    # Rows by person and by age, for exports and retention (handlers/privacy.py of each service)

    def rows_with(self, model, column: str, values, cooperative_id: str | None = None) -> list:
        """Rows of `model` whose `column` is one of `values` (of one cooperative if given)."""
        values = list(values)
        if not values:
            return []
        query = sa.select(model).where(getattr(model, column).in_(values))
        if cooperative_id is not None:
            query = query.where(model.cooperative_id == cooperative_id)
        return list(self.session.scalars(query))

    def rows_dated_until(self, model, column: str, last, cooperative_id: str | None = None) -> list:
        """Rows of `model` whose `column` (a date or an instant) is `last` or earlier."""
        query = sa.select(model).where(getattr(model, column) <= last)
        if cooperative_id is not None:
            query = query.where(model.cooperative_id == cooperative_id)
        return list(self.session.scalars(query))

    def delete_rows_with(self, model, column: str, values) -> int:
        """Delete the rows of `model` whose `column` is one of `values`; how many went."""
        values = list(values)
        if not values:
            return 0
        return self.session.execute(sa.delete(model).where(getattr(model, column).in_(values))).rowcount
