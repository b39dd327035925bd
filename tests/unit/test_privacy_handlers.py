"""The retention and erasure of notifications and accounting on the fake unit of work
(docs/domain/retention.md): which rows go, on which day, and what an erasure keeps."""

from datetime import UTC, date, datetime

import pytest

from coop_accounting.handlers import privacy as accounting_privacy
from coop_accounting.orm import Base as AccountingBase
from coop_accounting.orm import EntryLine, JournalEntry
from coop_accounting.repository import AccountingRepository
from coop_notifications.handlers import privacy as notifications_privacy
from coop_notifications.orm import Base as NotificationsBase
from coop_notifications.orm import Delivery, ReceivedEvent
from coop_notifications.repository import NotificationsRepository
from coop_shared.credentials import ADMIN, SERVICE, STAFF, Identity
from coop_shared.errors import Forbidden
from coop_shared.money import Money
from coop_shared.retention import ERASED
from tests.unit.fake_uow import FakeUnitOfWork

DIES_ID, MEMBER, ACTIVITY = "c0000000-0000-4000-8000-000000000001", "m-1", "a-1"
ADMIN_OF_DIES = Identity(role=ADMIN, cooperative_id=DIES_ID, cooperative="dies", key_id="k-1")
REFERENCE = {
    "member_id": MEMBER,
    "activity_ids": [ACTIVITY],
    "activity_codes": ["A0001"],
    "emails": ["amina@example.org"],
}


@pytest.fixture
def notifications():
    return FakeUnitOfWork(NotificationsBase.metadata, repository=NotificationsRepository)


def delivery(recipient: str, created_at: datetime, address="amina@example.org") -> Delivery:
    return Delivery(
        cooperative_id=DIES_ID,
        cooperative="dies",
        event_id=f"e-{recipient}-{created_at:%j}",
        event_type="member_registered",
        event={"member_id": MEMBER},
        channel="email",
        recipient=recipient,
        address=address,
        status="sent",
        created_at=created_at,
    )


def test_deliveries_go_after_90_days_and_received_events_after_30(notifications):
    uow = notifications
    uow.repo.add_all(
        [
            delivery(f"member:{MEMBER}", datetime(2026, 9, 1, 10, tzinfo=UTC)),
            delivery("cooperative:x", datetime(2026, 11, 1, 10, tzinfo=UTC), address="office@dies.example"),
            ReceivedEvent(
                event_id="e1",
                event_type="member_registered",
                cooperative_id=DIES_ID,
                occurred_at="x",
                payload={"member_id": MEMBER},
                received_at=datetime(2026, 10, 31, 10, tzinfo=UTC),
            ),
        ]
    )
    uow.repo.flush()
    report = notifications_privacy.apply_retention(uow, date(2026, 12, 1), dry_run=False)
    # 1 September + 90 days = 30 November: past on 1 December; 1 November is not
    assert report["categories"] == {
        "notification_deliveries": {"deliveries": 1},
        "event_logs": {"received_events": 1},
    }
    assert [d.recipient for d in uow.repo.rows_with(Delivery, "cooperative_id", [DIES_ID])] == [
        "cooperative:x"
    ]


def test_an_erasure_takes_every_delivery_to_the_person_and_the_events_about_them(notifications):
    uow = notifications
    uow.repo.add_all(
        [
            delivery(f"member:{MEMBER}", datetime(2026, 11, 30, tzinfo=UTC)),
            delivery("customer:c", datetime(2026, 11, 30, tzinfo=UTC)),
        ]
    )
    uow.repo.flush()
    exported = notifications_privacy.export_person_data(uow, ADMIN_OF_DIES, REFERENCE)
    assert len(exported["deliveries"]) == 2  # the second went to her address as a customer
    answer = notifications_privacy.erase_person_data(
        uow, ADMIN_OF_DIES, dict(REFERENCE, dry_run=False), date(2026, 12, 1)
    )
    assert answer["erased"] == [
        {"service": "notifications", "category": "notification_deliveries", "count": 2}
    ]
    assert answer["kept"] == []
    with pytest.raises(Forbidden):  # the service credential reads, it never erases
        notifications_privacy.erase_person_data(
            uow,
            Identity(role=SERVICE, cooperative_id=DIES_ID, cooperative="dies"),
            REFERENCE,
            date(2026, 12, 1),
        )


@pytest.fixture
def accounting():
    return FakeUnitOfWork(AccountingBase.metadata, repository=AccountingRepository)


def entry(year: int) -> JournalEntry:
    day = date(year, 6, 1)
    row = JournalEntry(
        cooperative_id=DIES_ID,
        cooperative="dies",
        journal="VEN",
        year=year,
        number=1,
        period=f"{year}-06",
        entry_date=day,
        document_date=day,
        source="invoice",
        source_id=f"i-{year}",
        description="DIES-1 Claire Dubois",
        rules_version="t",
    )
    row.lines = [
        EntryLine(
            cooperative_id=DIES_ID,
            line_no=1,
            account="400000",
            debit=Money.of("121.00"),
            credit=Money.of("0.00"),
            activity_id=ACTIVITY,
            partner="Claire Dubois",
        ),
        EntryLine(
            cooperative_id=DIES_ID,
            line_no=2,
            account="700000",
            debit=Money.of("0.00"),
            credit=Money.of("121.00"),
            activity_id=ACTIVITY,
            partner="Claire Dubois",
        ),
    ]
    return row


def test_the_books_lose_their_names_after_ten_years_and_keep_their_amounts(accounting):
    uow = accounting
    old, recent = entry(2026), entry(2027)
    uow.repo.add_all([old, recent])
    uow.repo.flush()
    assert accounting_privacy.apply_retention(uow, date(2036, 12, 31), dry_run=False)["categories"] == {}
    report = accounting_privacy.apply_retention(uow, date(2037, 1, 1), dry_run=False)
    assert report["categories"] == {"accounting_records": {"journal_entries": 1}}
    assert (old.description, {line.partner for line in old.lines}) == (ERASED, {None})
    assert [str(line.debit) for line in old.lines] == ["121.00", "0.00"]
    assert recent.description == "DIES-1 Claire Dubois"


def test_an_erasure_keeps_the_books_until_their_period_ends(accounting):
    uow = accounting
    uow.repo.add(entry(2026))
    uow.repo.flush()
    answer = accounting_privacy.erase_person_data(uow, ADMIN_OF_DIES, REFERENCE, date(2026, 12, 1))
    assert answer["kept"] == [
        {
            "service": "accounting",
            "category": "accounting_records",
            "count": 1,
            "until": "2036-12-31",
            "reason": "accounting records must be kept 10 years: Code of economic law art. III.86",
        }
    ]
    staff = Identity(role=STAFF, cooperative_id=DIES_ID, cooperative="dies", key_id="k-2")
    with pytest.raises(Forbidden):
        accounting_privacy.export_person_data(uow, staff, REFERENCE)
