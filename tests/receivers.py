"""Real receivers on loopback for the notification tests, each in its own process (aiosmtpd's
asyncio loop and eventlet's monkey-patching do not share a process well):

    python -m tests.receivers smtp PORT FOLDER   # an SMTP server; each message -> FOLDER/<n>.eml
    python -m tests.receivers http PORT FOLDER   # an HTTP server; each POST -> FOLDER/<n>.json

Files are written under a temporary name then renamed, so a reader never sees half a message.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_counter = itertools.count(1)
_lock = threading.Lock()


def _store(folder: Path, suffix: str, content: bytes) -> None:
    with _lock:
        number = next(_counter)
    final = folder / f"{time.time_ns()}-{number:05d}{suffix}"
    temporary = final.with_suffix(".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, final)


def serve_smtp(port: int, folder: Path) -> None:
    from aiosmtpd.controller import Controller

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            # The client's address and port tell its connections apart (the SMTP pool's tests).
            record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "peer": session.peer}
            _store(
                folder,
                ".eml",
                b"X-Test-Envelope: " + json.dumps(record).encode() + b"\r\n" + envelope.content,
            )
            return "250 Message accepted for delivery"

    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"smtp listening on 127.0.0.1:{port}", flush=True)
    threading.Event().wait()


def serve_http(port: int, folder: Path) -> None:
    class Keep(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            _store(
                folder,
                ".json",
                json.dumps(
                    {
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": base64.b64encode(body).decode(),
                    }
                ).encode(),
            )
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Keep)
    print(f"http listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    kind, port, folder = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    folder.mkdir(parents=True, exist_ok=True)
    {"smtp": serve_smtp, "http": serve_http}[kind](port, folder)
