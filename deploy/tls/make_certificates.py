"""The compose stack's broker certificate, made once when none is there (the `tls` job of
deploy/compose.yaml; docs/adr/022-deployment-least-privilege.md).

    python make_certificates.py --server-dir /out/server --ca-dir /out/ca --name rabbitmq --name localhost

writes a CA certificate to `<ca-dir>/ca.pem` (what the services and an integrator trust:
COOP_AMQP_SSL_CA_FILE) and a server certificate and key signed by it to `<server-dir>/` as
`ca.pem`, `broker.pem`, `broker.key`, the names deploy/rabbitmq/tls.conf reads (only the broker
mounts that folder), for the DNS names given and 127.0.0.1. The CA's private key is
never written: a new certificate means a new CA, made by running the job on empty volumes. An
operator with certificates of their own puts them in the two volumes and the job leaves them.
Runs on the suite's image (the `cryptography` package is one of its dependencies).
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import os
from pathlib import Path

VALID_DAYS = 825  # the longest validity clients commonly accept for a server certificate


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make(server_dir: Path, ca_dir: Path, names: list[str]) -> bool:
    """Write the CA and server certificates unless both are there; True when written."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    if (
        (ca_dir / "ca.pem").exists()
        and (server_dir / "broker.pem").exists()
        and (server_dir / "broker.key").exists()
    ):
        return False
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("coop compose CA"))
        .issuer_name(_name("coop compose CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    alternative = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    server = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    server_dir.mkdir(parents=True, exist_ok=True)
    ca_dir.mkdir(parents=True, exist_ok=True)
    (ca_dir / "ca.pem").write_bytes(ca.public_bytes(pem))
    (server_dir / "ca.pem").write_bytes(ca.public_bytes(pem))
    (server_dir / "broker.pem").write_bytes(server.public_bytes(pem))
    key_path = server_dir / "broker.key"
    key_path.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    # Readable by the broker's own user, whatever its uid in the image: the folder is mounted
    # into the broker's container only.
    for path in (ca_dir / "ca.pem", server_dir / "ca.pem", server_dir / "broker.pem", key_path):
        os.chmod(path, 0o644)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-dir", type=Path, required=True)
    parser.add_argument("--ca-dir", type=Path, required=True)
    parser.add_argument(
        "--name", action="append", required=True, help="a DNS name of the server (repeatable)"
    )
    args = parser.parse_args()
    written = make(args.server_dir, args.ca_dir, args.name)
    print("broker certificate " + ("made for " + ", ".join(args.name) if written else "already there, kept"))


if __name__ == "__main__":
    main()
