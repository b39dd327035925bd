"""notifications' part of a person's data: the deliveries addressed to them and the events
about them (GDPR art. 15), the retention of the delivery log (90 days) and of the received
events (30 days), and erasure on request (art. 17): no law keeps a notification, so all of it
goes (docs/domain/retention.md, docs/adr/018-access-retention-erasure.md)."""

from __future__ import annotations

from datetime import date, timedelta

from coop_notifications import contacts
from coop_notifications.orm import Delivery, ReceivedEvent
from coop_shared import retention, retention_runs
from coop_shared.credentials import ADMIN, SERVICE, acting_cooperative, require_role
from coop_shared.retention import Category
from coop_shared.storage.export import row_out


def _deliveries_to(uow, cooperative_id: str, data: dict) -> list[Delivery]:
    """Deliveries to the member as a party, or sent to one of their addresses."""
    to_member = uow.repo.rows_with(Delivery, "recipient", [f"member:{data['member_id']}"], cooperative_id)
    to_address = uow.repo.rows_with(Delivery, "address", data["emails"], cooperative_id)
    return list({d.id: d for d in to_member + to_address}.values())


def _mentions(payload, member_id: str, activity_ids: set[str]) -> bool:
    """Whether an event's payload names the member or one of their activities."""
    if isinstance(payload, dict):
        if payload.get("member_id") == member_id or payload.get("activity_id") in activity_ids:
            return True
        return any(_mentions(v, member_id, activity_ids) for v in payload.values())
    if isinstance(payload, list):
        return any(_mentions(v, member_id, activity_ids) for v in payload)
    return False


def _events_about(uow, cooperative_id: str, data: dict) -> list[ReceivedEvent]:
    member_id, activity_ids = str(data["member_id"]), {str(a) for a in data["activity_ids"]}
    events = uow.repo.rows_with(ReceivedEvent, "cooperative_id", [cooperative_id])
    return [e for e in events if _mentions(e.payload, member_id, activity_ids)]


def export_person_data(uow, identity, data: dict) -> dict:
    require_role(identity, ADMIN, SERVICE)
    cooperative_id = acting_cooperative(identity)
    deliveries = sorted(_deliveries_to(uow, cooperative_id, data), key=lambda d: d.created_at)
    return {
        "deliveries": [row_out(d) for d in deliveries],
        "received_events": [row_out(e) for e in _events_about(uow, cooperative_id, data)],
    }


def apply_retention(uow, today: date, dry_run: bool, cooperative_id: str | None = None) -> dict:
    """Deliveries past 90 days and received events past 30 go, whatever their state: a
    delivery still failing after 90 days is not going to succeed."""
    report = retention.report("notifications", today, dry_run)
    if cooperative_id is None:
        retention_runs.purge_messaging(uow, report, today, dry_run)
    for category, model, column in (
        (Category.NOTIFICATION_DELIVERIES, Delivery, "created_at"),
        (Category.EVENT_LOGS, ReceivedEvent, "received_at"),
    ):
        last = retention_runs.first_instant_kept(category, today) - timedelta(microseconds=1)
        rows = uow.repo.rows_dated_until(model, column, last, cooperative_id)
        report.add(category, model.__tablename__, len(rows))
        if not dry_run:
            for row in rows:
                uow.repo.delete(row)
    return report.as_dict()


retention_timer, run_retention = retention_runs.handlers_for(apply_retention)


def erase_person_data(uow, identity, data: dict, today: date) -> dict:
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    deliveries = _deliveries_to(uow, cooperative_id, data)
    events = _events_about(uow, cooperative_id, data)
    if not data.get("dry_run"):
        for row in deliveries + events:
            uow.repo.delete(row)
        # the address this instance keeps goes too (other instances keep it CONTACT_SECONDS at most)
        contacts.CONTACTS.forget(contacts.key(cooperative_id, contacts.MEMBER, data["member_id"]))
    erased = [
        {
            "service": "notifications",
            "category": str(Category.NOTIFICATION_DELIVERIES),
            "count": len(deliveries),
        },
        {"service": "notifications", "category": str(Category.EVENT_LOGS), "count": len(events)},
    ]
    return {"service": "notifications", "erased": [e for e in erased if e["count"]], "kept": []}
