"""The broker and database settings the delivery table depends on, checked on the real ones."""

import time

import eventlet
import requests
import sqlalchemy as sa

from coop_cli import suite
from coop_shared.runtime.engine import create_engine
from tests import support


def test_topology_declares_consumer_queues_and_the_rpc_ttl_policy(amqp_uri):
    result = suite.declare_topology({"AMQP_URI": amqp_uri})
    assert "evt-members-member_registered--notifications.on_member_registered" in result["queues"]
    assert result["rpc_ttl_policy"] == "management-api"
    vhost = amqp_uri.rsplit("/", 1)[1]
    policy = requests.get(f"{support.MANAGEMENT}/api/policies/{vhost}/coop-rpc-ttl", timeout=10).json()
    assert policy["pattern"] == "^rpc-" and policy["definition"] == {"message-ttl": 120000}
    depths = support.queue_depths(amqp_uri)
    assert depths["evt-members-member_registered--notifications.on_member_registered"] == 0


def test_postgres_queries_do_not_block_the_eventlet_hub(databases):
    """Five 0.5 s queries in five greenthreads take ~0.5 s, not 2.5 s (psycopg2 is greened)."""
    engine = create_engine(databases["MEMBERS_DATABASE_URL"], pool_size=5)

    def sleep_in_database():
        with engine.connect() as conn:
            conn.execute(sa.text("select pg_sleep(0.5)"))

    started = time.monotonic()
    pool = eventlet.GreenPool()
    for _ in range(5):
        pool.spawn(sleep_in_database)
    pool.waitall()
    elapsed = time.monotonic() - started
    engine.dispose()
    assert elapsed < 1.5, f"5 concurrent 0.5 s queries took {elapsed:.2f}s: the driver blocks the hub"


def test_embedded_default_runs_on_sqlite_files(
    amqp_uri, tmp_path, rpc_client, start_services, suite_settings
):
    """No *_DATABASE_URL: each service gets a SQLite file in COOP_DATA_DIR."""
    sqlite = {f"{s.upper()}_DATABASE_URL": "" for s in support.SERVICES}
    start_services("members", "notifications", settings=sqlite)
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["members.db", "notifications.db"]
    from tests.fixtures_data import AMINA, DIES

    secret = support.admin_keys(rpc_client, DIES)["dies"]
    rpc_client(secret).members.register_member(AMINA)
    notifications = rpc_client(secret).notifications
    support.wait_for(
        lambda: notifications.list_received_events()["total"] == 1,
        message="member_registered recorded on SQLite",
    )
