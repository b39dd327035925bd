"""The channel plugin contract: how a composed message leaves the suite.

Channels are found in the entry-point group `coop.notification_channels`, the built-in
`email` (SMTP) and `webhook` (signed HTTP POST) exactly as a third-party channel (SMS, a
messaging app) would register. A channel sends one message or raises `DeliveryError`; the
delivery log decides about retries, so a channel never retries by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from coop_shared.plugins import discover

ENTRY_POINT_GROUP = "coop.notification_channels"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Message:
    """One message to one address. E-mail uses subject/text/html/attachments; a webhook uses
    body and headers. `reference` is stable across retries (the delivery id), so receivers
    can recognise a message they already have."""

    address: str
    reference: str
    subject: str = ""
    text: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    sender_name: str = ""
    reply_to: str | None = None
    language: str | None = None
    body: bytes = b""
    headers: dict = field(default_factory=dict)


class DeliveryError(Exception):
    """The message did not leave. `permanent` failures are not retried (no address at all)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    key: str

    def configure(self, config: dict) -> None:
        """Read settings (nameko config first, then the environment) when the service starts."""

    def send(self, message: Message) -> str:
        """Send, or raise DeliveryError; returns what the far end answered (for the log)."""


def load_channels(config: dict) -> dict[str, Channel]:
    channels = {}
    for key, factory in discover(ENTRY_POINT_GROUP).items():
        channel = factory()
        channel.configure(config)
        channels[key] = channel
    return channels
