"""The compose stack's mail catcher (deploy/compose.offline.yaml): an SMTP server that requires
STARTTLS, with a certificate it makes for itself at start, and keeps each message as a .eml file
instead of sending it.

    python starttls_catcher.py --port 8025 --name mail --tls-dir /tls --out /var/mail-out

The certificate (self-signed, for DNS name `--name`) is written to `<tls-dir>/cert.pem`, which
notifications trusts through SMTP_CA_FILE: its STARTTLS verifies the server as it would a real
relay (docs/adr/022-deployment-least-privilege.md). Runs on the suite's image (aiosmtpd and
cryptography are among its packages).
"""

from __future__ import annotations

import argparse
import datetime
import os
import ssl
import threading
import time
from pathlib import Path


def make_certificate(name: str, folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    os.chmod(key_path, 0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    os.chmod(cert_path, 0o644)
    return cert_path, key_path


def main() -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--name", default="mail")
    parser.add_argument("--tls-dir", type=Path, default=Path("/tls"))
    parser.add_argument("--out", type=Path, default=Path("/var/mail-out"))
    args = parser.parse_args()

    cert, key = make_certificate(args.name, args.tls_dir)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    args.out.mkdir(parents=True, exist_ok=True)

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            path = args.out / f"{time.time_ns()}.eml"
            path.write_bytes(envelope.content)
            print(
                f"kept {path.name} for {', '.join(envelope.rcpt_tos)} (tls: {bool(session.ssl)})", flush=True
            )
            return "250 Message kept"

    # require_starttls: a client that skips STARTTLS is answered 530 and its mail refused.
    controller = Controller(
        Keep(), hostname="0.0.0.0", port=args.port, tls_context=context, require_starttls=True
    )
    controller.start()
    print(f"mail catcher on port {args.port}, STARTTLS required, certificate for {args.name}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
