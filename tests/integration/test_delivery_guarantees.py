"""The delivery table of docs/nameko-delivery.md, row by row, against the real broker:
a failing handler is retried then parked (never dropped after one try), and an event that no
queue takes stays in the outbox instead of vanishing."""

import itertools

import sqlalchemy as sa
from kombu import Connection, Queue
from nameko.runners import ServiceRunner
from nameko.standalone.events import get_event_exchange

from coop_shared.events import make_event
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import event_handler
from coop_shared.runtime.outbox_relay import OutboxPublisher, publish_pending
from coop_shared.storage.messaging_tables import inbox_table, outbox_table
from tests import support

metadata = sa.MetaData()
outbox = outbox_table(metadata)
inbox_table(metadata)
handled = sa.Table("handled", metadata, sa.Column("event_id", sa.String(36)))
ATTEMPTS = itertools.count()
FAILURES_BEFORE_SUCCESS = 2


class FlakyService:
    """Fails twice on `flaky_happened`, always on `broken_happened`."""

    name = "flaky"
    uow = Database(metadata)

    @event_handler("source", "flaky_happened")
    def on_flaky(self, event):
        if next(ATTEMPTS) < FAILURES_BEFORE_SUCCESS:
            raise RuntimeError("database hiccup")
        self.uow.session.execute(handled.insert().values(event_id=event["event_id"]))

    @event_handler("source", "broken_happened")
    def on_broken(self, event):
        raise RuntimeError("a bug")


def message_count(amqp_uri, queue_name):
    with Connection(amqp_uri) as connection:
        return (
            Queue(queue_name, durable=True)(connection.default_channel)
            .queue_declare(passive=True)
            .message_count
        )


def test_failing_handler_is_retried_then_handled_once_or_parked(amqp_uri, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'flaky.db'}"
    engine = sa.create_engine(database_url)
    metadata.create_all(engine)
    config = {
        "AMQP_URI": amqp_uri,
        "FLAKY_DATABASE_URL": database_url,
        "COOP_EVENT_RETRY_DELAYS": "0.1,0.2,0.3",
    }
    runner = ServiceRunner(config)
    runner.add_service(FlakyService)
    runner.start()
    try:
        flaky = make_event("flaky_happened", None, None, {})
        support.publish_raw(amqp_uri, "source", "flaky_happened", flaky)
        support.publish_raw(
            amqp_uri, "source", "broken_happened", make_event("broken_happened", None, None, {})
        )

        def handled_ids():
            with engine.connect() as conn:
                return conn.execute(sa.select(handled.c.event_id)).scalars().all()

        assert support.wait_for(handled_ids, timeout=10, message="flaky event handled") == [flaky["event_id"]]
        parked = "evt-source-broken_happened--flaky.on_broken.parked"
        support.wait_for(
            lambda: _exists(amqp_uri, parked) and message_count(amqp_uri, parked) == 1,
            timeout=10,
            message="broken event parked",
        )
    finally:
        runner.kill()
        engine.dispose()
    assert next(ATTEMPTS) == FAILURES_BEFORE_SUCCESS + 1  # two failures, one success, no more


def _exists(amqp_uri, queue_name):
    try:
        message_count(amqp_uri, queue_name)
        return True
    except Exception:
        return False


def test_unroutable_mandatory_event_stays_in_the_outbox_until_a_queue_takes_it(amqp_uri, databases):
    engine = sa.create_engine(databases["MEMBERS_DATABASE_URL"])
    metadata.create_all(engine)
    event = make_event("money_moved", None, None, {"amount": "12.30"})
    with engine.begin() as conn:
        conn.execute(
            outbox.insert().values(
                event_id=event["event_id"], event_type="money_moved", body=event, mandatory=True, attempts=0
            )
        )
    publisher = OutboxPublisher(amqp_uri, "ledger", {})
    try:
        assert publish_pending(engine, outbox, publisher, (1, 5)) == 0
        with engine.connect() as conn:
            row = conn.execute(sa.select(outbox)).mappings().one()
        assert row["published_at"] is None and row["attempts"] == 1
        assert "No queue is bound" in row["last_error"]

        with Connection(amqp_uri) as connection:
            queue = Queue(
                "evt-ledger-money_moved--test.catch",
                exchange=get_event_exchange("ledger", {}),
                routing_key="money_moved",
                durable=True,
            )
            queue(connection.default_channel).declare()
        with engine.begin() as conn:  # the backoff would wait 1 s; the test does not
            conn.execute(outbox.update().values(next_attempt_at=None))
        assert publish_pending(engine, outbox, publisher, (1, 5)) == 1
        assert message_count(amqp_uri, queue.name) == 1
        assert publish_pending(engine, outbox, publisher, (1, 5)) == 0  # published once, not again
    finally:
        publisher.close()
        engine.dispose()
