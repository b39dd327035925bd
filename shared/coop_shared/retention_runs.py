"""What every service's retention run shares (coop_shared.retention gives the periods):
who may start one, and the purge of the messaging tables.

An admin runs the retention of their own cooperative; the platform operator (and each service's
daily timer) runs it for the whole installation, which alone purges the inbox and the stored
idempotent answers, rows that name no cooperative (docs/adr/018-access-retention-erasure.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from coop_shared.credentials import ADMIN, PLATFORM, Identity, acting_cooperative, require_role
from coop_shared.retention import Category, Report, latest_past_reference


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`: instants before it are dated before `day`."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def first_instant_kept(category: Category, today: date) -> datetime:
    """Rows of `category` stamped before this instant are past their period on `today`."""
    return start_of(latest_past_reference(category, today) + timedelta(days=1))


def purge_messaging(uow, report: Report, today: date, dry_run: bool) -> None:
    """Published outbox rows and inbox rows past OUTBOX_INBOX, stored answers past
    IDEMPOTENCY_ANSWERS (Repository.purge_messaging)."""
    events = first_instant_kept(Category.OUTBOX_INBOX, today)
    answers = first_instant_kept(Category.IDEMPOTENCY_ANSWERS, today)
    for table, n in uow.repo.purge_messaging(events, events, answers, dry_run).items():
        report.add(
            Category.IDEMPOTENCY_ANSWERS if table == "idempotency" else Category.OUTBOX_INBOX, table, n
        )


def run_on_demand(uow, identity: Identity, data: dict, today: date, apply: Callable) -> dict:
    """An admin's run over their cooperative, or the platform's over the installation:
    `apply(uow, today, dry_run, cooperative_id)` returns the report."""
    require_role(identity, ADMIN, PLATFORM)
    cooperative_id = None if identity.is_platform else acting_cooperative(identity)
    return apply(uow, today, bool(data.get("dry_run")), cooperative_id)


def run_daily(uow, today: date, apply: Callable) -> dict:
    """The timer's run over the installation, committed at once (a timer has no RPC to commit)."""
    done = apply(uow, today, False, None)
    uow.commit()
    return done


def handlers_for(apply: Callable) -> tuple[Callable, Callable]:
    """`(retention_timer, run_retention)` of a service whose rules are
    `apply(uow, today, dry_run, cooperative_id)`: the handlers that
    `coop_shared.runtime.person_data_rpc.PersonDataRpc` calls, written once here.

        retention_timer, run_retention = retention_runs.handlers_for(apply_retention)
    """

    def retention_timer(uow, today: date) -> dict:
        return run_daily(uow, today, apply)

    def run_retention(uow, identity: Identity, data: dict, today: date) -> dict:
        return run_on_demand(uow, identity, data, today, apply)

    return retention_timer, run_retention


class PersonDataCalls:
    """What members asks every other service about a person (their `export_person_data`,
    `erase_person_data` and `run_retention`); a service's client in members adds these by
    naming its proxy in `_person_rpc`."""

    def _person_rpc(self):
        raise NotImplementedError

    def export_person_data(self, reference: dict) -> dict:
        return self._person_rpc().export_person_data(reference)

    def erase_person_data(self, reference: dict) -> dict:
        return self._person_rpc().erase_person_data(reference)

    def run_retention(self, dry_run: bool) -> dict:
        return self._person_rpc().run_retention({"dry_run": dry_run})
