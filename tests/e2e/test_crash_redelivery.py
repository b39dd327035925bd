"""kill -9 of the notifications process while events are published, then a restart: every
event is handled, none twice (docs/nameko-delivery.md: a killed worker's message is requeued and
its handler runs again; the inbox absorbs it)."""

import os
import signal
import sys
import threading
from pathlib import Path

import sqlalchemy as sa

from coop_shared.events import make_event
from tests import support

EVENTS = 400
ROOT = support.ROOT


def nameko_run_notifications(settings, log_path):
    nameko = Path(sys.executable).parent / "nameko"
    return support.start_process(
        [
            str(nameko),
            "run",
            "--config",
            str(ROOT / "deploy/nameko.yaml"),
            "coop_notifications.service:NotificationsService",
        ],
        settings,
        log_path,
    )


def test_kill_9_during_a_stream_of_events_loses_nothing_and_doubles_nothing(suite_settings, tmp_path):
    settings = dict(suite_settings, COOP_MAX_WORKERS="10")
    for step in (["migrate", "notifications"], ["topology"]):
        support.subprocess.run(
            support.coop_command() + step,
            env=support.suite_env(settings),
            check=True,
            capture_output=True,
            timeout=120,
        )
    engine = sa.create_engine(settings["NOTIFICATIONS_DATABASE_URL"])

    def recorded():
        with engine.connect() as conn:
            return conn.execute(
                sa.text("select count(*), count(distinct event_id) from received_events")
            ).one()

    events = [
        make_event("member_registered", None, "dies", {"member_id": str(i), "email": f"m{i}@example.org"})
        for i in range(EVENTS)
    ]

    def publish_all():
        for event in events:
            support.publish_raw(settings["AMQP_URI"], "members", "member_registered", event)

    log = tmp_path / "notifications.log"
    process = nameko_run_notifications(settings, log)
    publisher = threading.Thread(target=publish_all)
    publisher.start()
    kills = 0
    for threshold in (EVENTS // 5, EVENTS // 2):
        support.wait_for(
            lambda threshold=threshold: recorded()[0] >= threshold, timeout=60, message=f"{threshold} events"
        )
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        kills += 1
        process = nameko_run_notifications(settings, log)
    publisher.join(timeout=120)
    try:
        total, distinct = support.wait_for(
            lambda: recorded()[1] == EVENTS and recorded(),
            timeout=90,
            message="every event handled after the restarts",
        )
        support.time.sleep(1)  # anything redelivered late would land now
        total, distinct = recorded()
        absorbed = log.read_text().count("acknowledged, no effect")
        print(
            f"\n{kills} kill -9 injected; {EVENTS} events published; {total} rows for {distinct} events; "
            f"{absorbed} redeliveries absorbed by the inbox"
        )
        assert (total, distinct) == (EVENTS, EVENTS)
        with engine.connect() as conn:
            ids = set(conn.execute(sa.text("select event_id from received_events")).scalars())
        assert ids == {e["event_id"] for e in events}
    finally:
        support.stop_process(process)
        engine.dispose()
