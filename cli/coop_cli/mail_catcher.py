"""A mail catcher for the demo: an SMTP server on loopback that keeps each message as a .eml
file instead of sending it (`python -m coop_cli.mail_catcher PORT FOLDER`)."""

import sys
import threading
import time
from pathlib import Path


def main(port: int, folder: Path) -> None:
    from aiosmtpd.controller import Controller

    folder.mkdir(parents=True, exist_ok=True)

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            (folder / f"{time.time_ns()}.eml").write_bytes(envelope.content)
            return "250 Message kept"

    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    threading.Event().wait()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
