"""Webhooks without server-side request forgery (issue 16, point 4;
docs/adr/020-bounded-templates-webhooks-parsers.md).

The address rule is tested as a function: no test sends a packet to a private, link-local or
metadata address, and no name other than `localhost` is looked up (fake resolvers stand for
DNS). The channel is tested against receivers on 127.0.0.1, allowed as the operator would.
"""

from __future__ import annotations

import http.server
import ipaddress
import socket
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_notifications.channels import DeliveryError, Message
from coop_notifications.channels import webhook as channel_module
from coop_notifications.channels.webhook import WebhookChannel, checked_addresses, resolve
from coop_notifications.domain.webhook_urls import Reach, check_addresses, reach, refusal
from coop_notifications.handlers import webhooks
from coop_notifications.orm import Base
from coop_notifications.repository import NotificationsRepository
from coop_notifications.schemas import RegisterWebhookSchema
from coop_notifications.settings import DeliverySettings
from coop_shared.credentials import ADMIN, Identity
from coop_shared.errors import ValidationError
from tests.unit.fake_uow import FakeUnitOfWork

NOTHING_ALLOWED = Reach()
LOOPBACK_ALLOWED = reach("127.0.0.1/32", "")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "CGNAT"),
        ("100.127.255.254", "CGNAT"),
        ("192.0.2.1", "private"),  # documentation (TEST-NET-1)
        ("240.0.0.1", "private"),  # reserved
        ("255.255.255.255", "private"),  # broadcast
        ("::ffff:127.0.0.1", "IPv6 form of a loopback"),
        ("::ffff:169.254.169.254", "IPv6 form of the cloud metadata"),
        ("2002:a00:1::", "IPv6 form of a private"),  # 6to4 of 10.0.0.1
        ("64:ff9b::a9fe:a9fe", "IPv6 form of the cloud metadata"),  # NAT64 of 169.254.169.254
    ],
)
def test_the_address_rule_refuses_every_internal_kind_of_address(address, reason):
    found = refusal(ipaddress.ip_address(address), NOTHING_ALLOWED)
    assert found is not None and reason in found


INTERNAL_NETWORKS = [
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "224.0.0.0/4",
    "0.0.0.0/8",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
]


@given(st.sampled_from(INTERNAL_NETWORKS).flatmap(lambda network: st.ip_addresses(network=network)))
def test_no_address_of_an_internal_network_passes_nor_its_ipv4_mapped_form(address):
    assert refusal(address, NOTHING_ALLOWED) is not None
    if address.version == 4:
        assert refusal(ipaddress.ip_address(f"::ffff:{address}"), NOTHING_ALLOWED) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_unicast_addresses_pass(address):
    assert refusal(ipaddress.ip_address(address), NOTHING_ALLOWED) is None


def test_only_the_networks_the_operator_allows_are_exempt_and_the_clusters_own_are_refused():
    operator = reach("127.0.0.1/32, 10.8.0.0/16", "93.184.0.0/16")
    assert refusal(ipaddress.ip_address("127.0.0.1"), operator) is None
    assert refusal(ipaddress.ip_address("10.8.3.4"), operator) is None
    assert "loopback" in refusal(ipaddress.ip_address("127.0.0.2"), operator)
    assert "private" in refusal(ipaddress.ip_address("10.9.0.1"), operator)
    assert "cluster" in refusal(ipaddress.ip_address("93.184.215.14"), operator)
    with pytest.raises(ValueError, match="COOP_WEBHOOK_ALLOWED_NETWORKS"):
        reach("127.0.0.1/33", "")


@pytest.mark.parametrize(
    ("url", "addresses"),
    [
        ("http://127.0.0.1:8080/in", ["127.0.0.1"]),  # refused without COOP_WEBHOOK_ALLOWED_NETWORKS
        ("https://10.0.0.1/in", ["10.0.0.1"]),
        ("https://169.254.169.254/latest/meta-data/", ["169.254.169.254"]),
        ("https://[::1]:8443/in", ["::1"]),
        ("https://hooks.example/in", ["93.184.215.14", "10.0.0.7"]),  # one bad answer among good ones
        ("https://hooks.example/in", []),
        ("http://hooks.example/in", ["93.184.215.14"]),  # public, but not https
    ],
)
def test_a_url_is_refused_when_any_address_is_internal_or_http_leaves_the_allowed_networks(url, addresses):
    with pytest.raises(ValidationError) as refused:
        check_addresses(url, addresses, NOTHING_ALLOWED)
    assert "url" in refused.value.fields
    assert "10.0.0.7" not in refused.value.message  # what a name resolves to is not told


def test_http_is_accepted_inside_an_allowed_network_and_https_outside():
    assert check_addresses("http://127.0.0.1:8080/in", ["127.0.0.1"], LOOPBACK_ALLOWED) == [
        ipaddress.ip_address("127.0.0.1")
    ]
    assert check_addresses("https://hooks.example/in", ["93.184.215.14"], NOTHING_ALLOWED)


def test_a_name_resolving_to_loopback_is_refused_by_the_address_rule():
    # `localhost` is the one name resolved for real (from the hosts file).
    assert "127.0.0.1" in resolve("localhost", 443) or "::1" in resolve("localhost", 443)
    with pytest.raises(ValidationError, match="loopback"):
        checked_addresses("https://localhost:8443/in", NOTHING_ALLOWED)


def test_address_literals_are_not_looked_up(monkeypatch):
    def no_lookup(*args, **kwargs):
        raise AssertionError("an address literal was looked up")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    assert resolve("10.0.0.1", 80) == ["10.0.0.1"]
    assert resolve("[::1]", 80) == ["::1"]


def admin() -> Identity:
    return Identity(role=ADMIN, cooperative_id="c0000000-0000-4000-8000-000000000001", cooperative="dies")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/in", "https://10.0.0.1/in", "https://169.254.169.254/", "https://[::1]/in"]
)
def test_registration_refuses_internal_addresses_and_stores_nothing(url):
    uow = FakeUnitOfWork(Base.metadata, repository=NotificationsRepository)
    settings = DeliverySettings((60.0,), 5, 50, frozenset())
    data = RegisterWebhookSchema().load({"url": url, "events": ["invoice_issued"], "secret": "s" * 20})
    with pytest.raises(ValidationError) as refused:
        webhooks.register_webhook(uow, admin(), data, settings)
    assert "url" in refused.value.fields
    assert uow.repo.webhooks(admin().cooperative_id, 10, 0)[1] == 0


def test_registration_resolves_the_name_and_refuses_one_that_points_inside():
    uow = FakeUnitOfWork(Base.metadata, repository=NotificationsRepository)
    settings = DeliverySettings((60.0,), 5, 50, frozenset())
    data = RegisterWebhookSchema().load(
        {"url": "https://hooks.example/in", "events": ["invoice_issued"], "secret": "s" * 20}
    )
    with pytest.raises(ValidationError, match="private"):
        webhooks.register_webhook(uow, admin(), data, settings, resolver=lambda host, port: ["10.1.2.3"])
    with pytest.raises(ValidationError, match="does not resolve"):
        webhooks.register_webhook(uow, admin(), data, settings, resolver=_unresolved)
    hook = webhooks.register_webhook(
        uow, admin(), data, settings, resolver=lambda host, port: ["93.184.215.14"]
    )
    assert hook["url"] == "https://hooks.example/in"


def _unresolved(host, port):
    raise channel_module.Unresolved(host)


# The channel, against receivers on loopback (allowed as an operator would).


class _Receiver(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _Receiver.seen.append((self.path, self.headers.get("Host")))
        if self.path.startswith("/moved"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        elif self.path.startswith("/broken"):
            self.send_response(500)
        else:
            self.send_response(204)
        self.send_header("Content-Length", "32")
        self.end_headers()
        self.wfile.write(b"internal-admin-panel secret body")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def banner():
    """A TCP server that answers like an SSH daemon: what answered must not reach the log."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                conn.recv(65536)  # the request, then the banner instead of an HTTP answer
            except OSError:
                pass
            conn.sendall(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3\r\n")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def channel(allowed="127.0.0.1/32", resolver=None) -> WebhookChannel:
    found = WebhookChannel()
    found.configure({"COOP_WEBHOOK_ALLOWED_NETWORKS": allowed, "COOP_WEBHOOK_TIMEOUT_SECONDS": "2"})
    if resolver is not None:
        found.resolver = resolver
    return found


def message(url: str) -> Message:
    return Message(address=url, reference="d-1", body=b'{"a":1}', headers={"X-Coop-Event-Id": "e-1"})


def test_a_call_goes_to_the_address_checked_with_the_name_as_host_and_resolves_once(receiver):
    asked = []

    def resolver(host, port):
        asked.append(host)
        return ["127.0.0.1"]

    answer = channel(resolver=resolver).send(message(f"http://hooks.test:{receiver}/in?x=1"))
    assert answer == "HTTP 204"
    assert asked == ["hooks.test"]
    assert _Receiver.seen == [("/in?x=1", f"hooks.test:{receiver}")]


def test_a_name_that_now_resolves_inside_is_refused_before_any_connection(monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    for address in ("10.0.0.1", "169.254.169.254", "127.0.0.1"):
        with pytest.raises(DeliveryError) as refused:
            channel(allowed="", resolver=lambda host, port, a=address: [a]).send(
                message("https://hooks.example/in")
            )
        assert refused.value.permanent and address not in str(refused.value)


def test_redirects_are_not_followed(receiver):
    with pytest.raises(DeliveryError, match="HTTP 302 .*redirects are not followed"):
        channel().send(message(f"http://127.0.0.1:{receiver}/moved"))
    assert [path for path, _ in _Receiver.seen] == ["/moved"]


def test_errors_name_what_failed_never_what_answered(receiver, banner):
    with pytest.raises(DeliveryError) as failed:
        channel().send(message(f"http://127.0.0.1:{receiver}/broken"))
    assert str(failed.value) == f"HTTP 500 from http://127.0.0.1:{receiver}/broken"

    with pytest.raises(DeliveryError) as failed:
        channel().send(message(f"http://127.0.0.1:{banner}/in"))
    assert str(failed.value).endswith("the receiver's answer is not HTTP")
    assert "SSH" not in str(failed.value) and "Ubuntu" not in str(failed.value)

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    with pytest.raises(DeliveryError) as failed:
        channel().send(message(f"http://127.0.0.1:{port}/in"))
    assert str(failed.value) == f"http://127.0.0.1:{port}/in: connection refused"


def test_each_checked_address_is_tried_in_turn_and_none_other(receiver):
    # 127.0.0.2 answers nothing (the receiver listens on 127.0.0.1 only); both are checked.
    tried = channel(allowed="127.0.0.0/8", resolver=lambda host, port: ["127.0.0.2", "127.0.0.1"])
    assert tried.send(message(f"http://hooks.test:{receiver}/in")) == "HTTP 204"
    assert _Receiver.seen == [("/in", f"hooks.test:{receiver}")]
