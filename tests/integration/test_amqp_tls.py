"""amqps://: every broker connection of the suite speaks TLS with the options of the settings
(COOP_AMQP_SSL_CA_FILE, COOP_AMQP_SSL_CERT_FILE, COOP_AMQP_SSL_KEY_FILE), verifies the broker's
certificate and its name, and presents the client certificate.

The machine's RabbitMQ has no TLS listener and cannot be given one without a restart that
every other test would feel, so the broker here is a TLS listener on loopback with a CA made in
the test: it records what arrives once the handshake is done, which for an AMQP client is the
protocol header `AMQP\\x00\\x00\\x09\\x01` (AMQP 0-9-1, section 4.2.2). The compose stack runs the
real RabbitMQ on amqps (deploy/rabbitmq/tls.conf)."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading

import amqp.exceptions
import kombu.exceptions
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from kombu import Connection

from coop_shared.runtime.outbox_relay import OutboxPublisher
from coop_shared.settings import Settings

AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
# What a client sees when the test broker hangs up after the header (it speaks no AMQP).
HUNG_UP = (OSError, amqp.exceptions.AMQPError, kombu.exceptions.OperationalError)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer_name, issuer_key, key, *, ca=False, names=(), client=False):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
    if client:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(folder, stem, certificate, key):
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@pytest.fixture
def pki(tmp_path):
    """A CA, the broker's certificate for 127.0.0.1 and 'localhost', a client certificate, and
    a second CA that signed nothing of this broker."""
    ca_key, other_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("coop test CA", _name("coop test CA"), ca_key, ca_key, ca=True)
    other = _certificate("another CA", _name("another CA"), other_key, other_key, ca=True)
    server_key, client_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    server = _certificate(
        "rabbitmq",
        ca.subject,
        ca_key,
        server_key,
        names=(x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))),
    )
    client = _certificate("coop-billing", ca.subject, ca_key, client_key, client=True)
    paths = {
        "ca": _write(tmp_path, "ca", ca, ca_key)[0],
        "other_ca": _write(tmp_path, "other", other, other_key)[0],
    }
    paths["server"], paths["server_key"] = _write(tmp_path, "server", server, server_key)
    paths["client"], paths["client_key"] = _write(tmp_path, "client", client, client_key)
    return paths


class TlsBroker:
    """Accepts TLS connections on loopback (client certificate required) and records, per
    connection, the first bytes received after the handshake, or the handshake's error."""

    def __init__(self, pki, host="127.0.0.1"):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki["ca"]))
        self.context.load_cert_chain(pki["server"], pki["server_key"])
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.listener = socket.socket()
        self.listener.bind((host, 0))
        self.listener.listen(5)
        self.port = self.listener.getsockname()[1]
        self.received, self.peers = [], []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            raw.settimeout(5)
            try:
                with self.context.wrap_socket(raw, server_side=True) as tls:
                    self.peers.append(tls.getpeercert()["subject"])
                    self.received.append(tls.recv(8))
            except (ssl.SSLError, OSError) as exc:
                self.received.append(exc)
                raw.close()

    def close(self):
        self.listener.close()


@pytest.fixture
def broker(pki):
    server = TlsBroker(pki)
    yield server
    server.close()


def tls_settings(pki, port, host="127.0.0.1", ca="ca"):
    return Settings.load(
        "billing",
        {
            "AMQP_URI": f"amqps://coop-billing:pw@{host}:{port}/coop",
            "COOP_AMQP_SSL_CA_FILE": str(pki[ca]),
            "COOP_AMQP_SSL_CERT_FILE": str(pki["client"]),
            "COOP_AMQP_SSL_KEY_FILE": str(pki["client_key"]),
        },
    )


def connect_once(settings):
    """What every connection of the suite does: kombu with the settings' TLS options."""
    with Connection(settings.amqp_uri, ssl=settings.amqp_ssl, connect_timeout=5) as connection:
        connection.connect()


def test_the_suite_speaks_amqp_over_tls_with_its_client_certificate(pki, broker):
    settings = tls_settings(pki, broker.port)
    with pytest.raises(HUNG_UP):  # the test broker hangs up after the header: no AMQP here
        connect_once(settings)
    assert broker.received and set(broker.received) == {AMQP_HEADER}  # the AMQP header, inside TLS
    assert broker.peers[0] == ((("commonName", "coop-billing"),),)  # the client known by its certificate


def test_the_outbox_relay_and_the_integrator_client_use_the_same_tls_options(pki, broker):
    from coop_shared.client import connect

    settings = tls_settings(pki, broker.port)
    publisher = OutboxPublisher(settings.amqp_uri, "billing", {}, ssl=settings.amqp_ssl)
    with pytest.raises(HUNG_UP):
        publisher.publish({"event_id": "e1"}, "invoice_issued", mandatory=True)
    publisher.close()
    with pytest.raises(HUNG_UP):
        connect(settings.amqp_uri, "coop_secret", timeout=5, ssl=settings.amqp_ssl).start()
    assert len(broker.received) >= 2 and set(broker.received) == {AMQP_HEADER}


def test_a_broker_whose_certificate_another_ca_signed_is_refused(pki, broker):
    with pytest.raises(ssl.SSLCertVerificationError):
        connect_once(tls_settings(pki, broker.port, ca="other_ca"))
    assert AMQP_HEADER not in broker.received  # nothing, not even the header, left the client


def test_a_certificate_for_another_name_is_refused(pki):
    # The broker's certificate names 127.0.0.1 and localhost; a broker presenting it at
    # 127.0.0.2 (loopback too) is refused: the host name is checked, not only the CA.
    elsewhere = TlsBroker(pki, host="127.0.0.2")
    try:
        with pytest.raises(ssl.SSLCertVerificationError, match="match|mismatch"):
            connect_once(tls_settings(pki, elsewhere.port, host="127.0.0.2"))
        assert AMQP_HEADER not in elsewhere.received
    finally:
        elsewhere.close()
