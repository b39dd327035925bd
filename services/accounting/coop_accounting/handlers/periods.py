"""Closing and reopening months (admins), logged (docs/domain/accounting.md "Periods")."""

from __future__ import annotations

from coop_accounting import views
from coop_accounting.orm import ClosedPeriod, PeriodChange
from coop_shared import audit
from coop_shared.credentials import ADMIN, AUDITOR, OPERATORS, acting_cooperative, require_role


def _out(uow, identity, cooperative_id: str, period: str) -> dict:
    return views.period_out(
        identity.cooperative,
        period,
        uow.repo.closed_period(cooperative_id, period),
        uow.repo.period_changes(cooperative_id),
    )


def close_period(uow, identity, data: dict) -> dict:
    """Refuse new entries in a month; closing a closed month changes nothing."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    if uow.repo.closed_period(cooperative_id, data["period"]) is None:
        by = identity.key_id or str(identity.role)
        uow.repo.add(ClosedPeriod(cooperative_id=cooperative_id, period=data["period"], closed_by=by))
        uow.repo.add(
            PeriodChange(cooperative_id=cooperative_id, period=data["period"], action="close", by=by)
        )
        uow.repo.flush()
        audit.record(uow, identity, "accounting.period_closed", data["period"], {"period": data["period"]})
    return _out(uow, identity, cooperative_id, data["period"])


def reopen_period(uow, identity, data: dict) -> dict:
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    row = uow.repo.closed_period(cooperative_id, data["period"])
    if row is not None:
        uow.repo.delete(row)
        by = identity.key_id or str(identity.role)
        uow.repo.add(
            PeriodChange(cooperative_id=cooperative_id, period=data["period"], action="reopen", by=by)
        )
        uow.repo.flush()
        audit.record(uow, identity, "accounting.period_reopened", data["period"], {"period": data["period"]})
    return _out(uow, identity, cooperative_id, data["period"])


def get_period(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    return _out(uow, identity, acting_cooperative(identity), data["period"])
