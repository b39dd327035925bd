"""The unit of work every use case receives: its service's repository, the outbox, commit.

Handlers (each service's `handlers/`) see only this interface, never a database session: the
runtime's `coop_shared.runtime.database.UnitOfWork` implements it over SQLAlchemy, and the one
in-memory fake of `tests/unit/fake_uow.py` implements it for handler tests
(docs/architecture.md, "One shape for every service"). Framework-free on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

R = TypeVar("R", covariant=True)


class UnitOfWork(Protocol, Generic[R]):
    """One transaction of one service.

    Nothing is visible to anyone else until `commit`; an event recorded with `emit` is
    published only after the commit that stores it (transactional outbox, docs/architecture.md
    "Reliability rules"); a callback given to `after_commit` runs once the commit succeeded and
    never if the work rolls back.
    """

    @property
    def repo(self) -> R:
        """The service's repository (its `repository.py`), bound to this transaction."""

    def emit(
        self, event_type: str, cooperative_id: str | None, cooperative: str | None, payload: dict
    ) -> dict:
        """Record `event_type` in the outbox of this transaction; returns the event."""

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback()` once this unit of work has committed."""

    def commit(self) -> None:
        """Make the work durable, then wake the outbox relay and run the callbacks."""

    def rollback(self) -> None:
        """Forget the work, its events and its callbacks."""
