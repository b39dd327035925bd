"""The e-mail channel's pool of SMTP connections (channels/email.py, issue 18) against the real
aiosmtpd servers the notification tests use (tests/receivers.py, deploy/mail/starttls_catcher.py):
mails share connections, counted on the server's side by the client port of each message; a
server that closes its connections still gets the next mail; a server that is down fails the
send with the DeliveryError the delivery log retries."""

from __future__ import annotations

import email
import json
import sys
import threading

import pytest

from coop_notifications.channels import DeliveryError, Message
from coop_notifications.channels.email import EmailChannel
from tests import support


def _channel(port: int, **settings) -> EmailChannel:
    channel = EmailChannel()
    channel.configure(
        {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "COOP_MAIL_FROM": "no-reply@coop.test", **settings}
    )
    return channel


def _message(n: int) -> Message:
    return Message(
        address=f"member{n}@example.test", reference=f"delivery-{n}", subject=f"Mail {n}", text="Hello"
    )


def _received(folder) -> list[tuple[str, tuple]]:
    """(To, client peer) of each message the server kept."""
    kept = []
    for path in support.received(folder, ".eml"):
        envelope_line, _, content = path.read_bytes().partition(b"\r\n")
        envelope = json.loads(envelope_line.split(b": ", 1)[1])
        kept.append((email.message_from_bytes(content)["To"], tuple(envelope["peer"])))
    return kept


@pytest.fixture
def smtp_server(tmp_path):
    port = support.free_port()
    started = []

    def start():
        started.append(
            support.start_receiver("smtp", port, tmp_path / "mail", tmp_path / f"smtp-{len(started)}.log")
        )
        return started[-1]

    start()
    yield port, tmp_path / "mail", start, started
    for process in started:
        support.stop_process(process, grace=5)


def test_twelve_mails_from_four_senders_share_two_connections(smtp_server):
    port, folder, _, _ = smtp_server
    channel = _channel(port, SMTP_POOL_SIZE="2")
    answers = []

    def sender(first: int):
        for n in range(first, 12, 4):
            answers.append(channel.send(_message(n)))

    threads = [threading.Thread(target=sender, args=(first,)) for first in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    channel.close()

    support.wait_for(lambda: len(_received(folder)) == 12, timeout=10, message="12 mails")
    kept = _received(folder)
    assert sorted(to for to, _ in kept) == sorted(f"member{n}@example.test" for n in range(12))
    peers = {peer for _, peer in kept}
    assert 1 <= len(peers) <= 2  # never more connections than the pool's size
    assert channel.pool.opened == len(peers)
    assert all(answer.startswith(f"accepted by 127.0.0.1:{port} as <delivery-") for answer in answers)


def test_one_sender_sends_every_mail_over_one_connection(smtp_server):
    port, folder, _, _ = smtp_server
    channel = _channel(port)
    for n in range(5):
        channel.send(_message(n))

    support.wait_for(lambda: len(_received(folder)) == 5, timeout=10, message="5 mails")
    assert len({peer for _, peer in _received(folder)}) == 1
    assert channel.pool.opened == 1


def test_a_connection_idle_too_long_is_replaced_by_a_fresh_one(smtp_server):
    port, folder, _, _ = smtp_server
    channel = _channel(port, SMTP_POOL_IDLE_SECONDS="0")  # every idle connection is too old
    for n in range(3):
        channel.send(_message(n))

    support.wait_for(lambda: len(_received(folder)) == 3, timeout=10, message="3 mails")
    assert len({peer for _, peer in _received(folder)}) == 3
    assert channel.pool.opened == 3


def test_a_server_that_dropped_its_connections_still_gets_the_next_mail(smtp_server):
    port, folder, start, started = smtp_server
    channel = _channel(port)
    channel.send(_message(1))
    support.wait_for(lambda: len(_received(folder)) == 1, timeout=10, message="the first mail")

    support.stop_process(started[-1], grace=5)  # the server goes away with the pooled connection
    start()
    channel.send(_message(2))

    support.wait_for(lambda: len(_received(folder)) == 2, timeout=10, message="the second mail")
    kept = dict(_received(folder))
    assert set(kept) == {"member1@example.test", "member2@example.test"}
    assert kept["member1@example.test"] != kept["member2@example.test"]  # a fresh connection
    assert channel.pool.opened == 2


def test_a_server_that_is_down_fails_the_send_for_the_delivery_log_to_retry(smtp_server):
    port, folder, start, started = smtp_server
    channel = _channel(port)
    channel.send(_message(1))
    support.stop_process(started[-1], grace=5)

    with pytest.raises(DeliveryError) as failure:
        channel.send(_message(2))  # the pooled connection is dead, and so is a fresh one
    assert str(failure.value).startswith(f"SMTP 127.0.0.1:{port}: ")
    assert not failure.value.permanent  # retried with COOP_DELIVERY_RETRY_DELAYS (dispatch.py)

    start()
    channel.send(_message(3))  # the pool holds nothing broken: the next mail leaves
    support.wait_for(lambda: len(_received(folder)) == 2, timeout=10, message="mails 1 and 3")
    assert sorted(to for to, _ in _received(folder)) == ["member1@example.test", "member3@example.test"]


def test_starttls_is_kept_on_every_pooled_mail(tmp_path):
    """The compose stack's catcher refuses any mail not sent after STARTTLS (530), and verifies
    nothing itself: the channel verifies the catcher's certificate through SMTP_CA_FILE."""
    port = support.free_port()
    catcher = support.start_process(
        [
            sys.executable,
            str(support.ROOT / "deploy/mail/starttls_catcher.py"),
            "--port",
            str(port),
            "--name",
            "localhost",
            "--tls-dir",
            str(tmp_path / "tls"),
            "--out",
            str(tmp_path / "out"),
        ],
        {},
        tmp_path / "catcher.log",
    )
    try:
        support.wait_for(lambda: (tmp_path / "tls/cert.pem").exists() and _listening(port), timeout=30)
        channel = EmailChannel()
        channel.configure(
            {
                "SMTP_HOST": "localhost",
                "SMTP_PORT": str(port),
                "SMTP_STARTTLS": "true",
                "SMTP_CA_FILE": str(tmp_path / "tls/cert.pem"),
                "COOP_MAIL_FROM": "no-reply@coop.test",
            }
        )
        for n in range(3):
            channel.send(_message(n))
        channel.close()
        support.wait_for(lambda: len(support.received(tmp_path / "out", ".eml")) == 3, timeout=10)
        assert channel.pool.opened == 1
        assert (tmp_path / "catcher.log").read_text().count("(tls: True)") == 3
    finally:
        support.stop_process(catcher, grace=5)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
