"""Retention for real (GDPR art. 5(1)(e), docs/domain/retention.md): with the retention clock
set to 2060 every period has run out for data made today; a run on demand erases or
pseudonymises it in every service, and every table of every database, read afterwards with
SQL, holds no trace of the person: names, e-mail, national number, IBAN, note text. Amounts
and numbers stay, for the books. A dry run before it changed nothing."""

import pytest
import sqlalchemy as sa

from tests import support
from tests.integration import privacy_setup
from tests.support import wait_for

CLOCK = "2060-01-01"
TRACES = (
    "Diallo",
    "amina@example.org",
    "90031400036",
    "BE46735123456736",
    "Amina Cargo",
    "Claire Dubois",
    "claire@example.org",
    "claire.dubois@example.org",
    "Rue Haute 100",
    "Pular",
    "Amina's phone",
    privacy_setup.NOTE,
)


def database_text(url: str) -> dict[str, str]:
    """{table: every row of it as text} of one database, read the way an auditor would."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
            return {
                table: "\n".join(row[0] for row in conn.execute(sa.text(f'SELECT t::text FROM "{table}" t')))
                for table in tables
            }
    finally:
        engine.dispose()


def traces(databases: dict) -> dict:
    """{(database, table): the traces found in it}."""
    found = {}
    for name, url in databases.items():
        for table, text in database_text(url).items():
            hits = [t for t in TRACES if t.lower() in text.lower()]
            if hits:
                found[(name, table)] = hits
    return found


def quiet(databases: dict) -> bool:
    """Every event published and every e-mail settled: nothing left in flight to bring data back."""
    for url in databases.values():
        if support.count(url, "select count(*) from outbox where published_at is null"):
            return False
    deliveries = databases["NOTIFICATIONS_DATABASE_URL"]
    return (
        support.count(deliveries, "select count(*) from deliveries where status not in ('sent', 'failed')")
        == 0
    )


@pytest.fixture
def person(start_services, rpc_client, tmp_path):
    settings, smtp = privacy_setup.smtp_settings(tmp_path)
    start_services(*privacy_setup.SERVICES, settings=dict(settings, COOP_RETENTION_TODAY=CLOCK))
    try:
        yield privacy_setup.build(rpc_client)
    finally:
        support.stop_process(smtp)


def test_a_retention_run_leaves_no_trace_in_any_database(person, rpc_client, suite_settings):
    databases = {k: v for k, v in suite_settings.items() if k.endswith("_DATABASE_URL")}
    members = person.admin.members
    # rectified first: the histories hold the old values (sealed), and must go too
    members.update_member_identity({"member_id": person.member["id"], "last_name": "Diallo-Barry"})
    person.admin.billing.update_customer(
        {"customer_id": person.customer["id"], "email": "claire.dubois@example.org"}
    )
    members.change_lifecycle({"member_id": person.member["id"], "to": "exited", "effective_on": "2026-11-30"})
    books = lambda: rpc_client(person.keys["dies"]).accounting.trial_balance({})  # noqa: E731
    wait_for(lambda: books()["accounts"], timeout=30, message="the books written")
    wait_for(lambda: quiet(databases), timeout=60, interval=0.5, message="every event and e-mail settled")
    before = traces(databases)
    assert ("MEMBERS_DATABASE_URL", "members") in before and ("BILLING_DATABASE_URL", "customers") in before
    balance_before = books()

    platform = rpc_client(support.PLATFORM_KEY, timeout=60).members
    dry = platform.run_retention({"dry_run": True})
    assert dry["dry_run"] is True and dry["as_of"] == CLOCK
    assert dry["services"]["members"]["categories"]["member_identity"] == {"members": 1}
    assert traces(databases) == before  # a dry run reports, it changes nothing

    done = platform.run_retention({})
    reports = done["services"]
    assert reports["members"]["categories"]["member_identity"] == {"members": 1}
    assert reports["members"]["categories"]["coaching_notes"]["notes"] == 1
    assert reports["billing"]["categories"]["invoices"]["customers"] >= 1
    assert reports["payroll"]["categories"]["payroll_social"]["payslips"] == 1
    assert reports["notifications"]["categories"]["notification_deliveries"]["deliveries"] >= 1
    assert reports["accounting"]["categories"]["accounting_records"]["journal_entries"] >= 1
    assert traces(databases) == {}
    assert support.count(databases["MEMBERS_DATABASE_URL"], "select count(*) from member_changes") == 0
    assert support.count(databases["BILLING_DATABASE_URL"], "select count(*) from customer_changes") == 0

    # What the books need stays: the invoice's number and amounts, the balances.
    invoice = person.admin.billing.get_invoice(person.invoice["id"])
    assert (invoice["number"], invoice["total_incl_vat"]) == (person.invoice["number"], "5377.77")
    assert books()["accounts"] == balance_before["accounts"]
    assert support.count(databases["PAYROLL_DATABASE_URL"], "select count(*) from payslips") == 1
    # A second run finds nothing left to do.
    again = platform.run_retention({})
    assert all(not r["categories"] for r in again["services"].values())
