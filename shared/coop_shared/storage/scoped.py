"""The one way a service fetches a row by id for a cooperative: another cooperative's row
answers NotFound exactly like a missing one (docs/rpc-contract.md, 'Credentials and roles')."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coop_shared.errors import NotFound


def one_of_cooperative(session: Session, model, cooperative_id: str, row_id, what: str, for_update=False):
    """The `model` row `row_id` of `cooperative_id`, else NotFound("No <what> '<id>'.").

    `for_update` locks the row and refreshes it from the database, so a value read under
    the lock is the committed one, not a stale copy from this session.
    """
    query = sa.select(model).where(model.id == str(row_id), model.cooperative_id == cooperative_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = session.scalars(query).first()
    if found is None:
        raise NotFound(f"No {what} '{row_id}'.")
    return found
