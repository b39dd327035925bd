"""E-mail over SMTP with the settings of docs/architecture.md: SMTP_HOST, SMTP_PORT, SMTP_USER,
SMTP_PASSWORD, SMTP_STARTTLS, SMTP_CA_FILE, COOP_MAIL_FROM."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr

from coop_notifications.channels import DeliveryError, Message
from coop_shared.settings import lookup

SMTP_TIMEOUT_SECONDS = 30


def _flag(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def build(message: Message, sender: str) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, then attachments."""
    mail = EmailMessage()
    mail["From"] = formataddr((message.sender_name, sender)) if message.sender_name else sender
    mail["To"] = message.address
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    mail["Subject"] = message.subject
    # The delivery id, the same on every attempt: a receiving server or client can drop a
    # second copy (ADR 008), and a test can count copies per delivery.
    mail["Message-ID"] = f"<{message.reference}@{sender.rpartition('@')[2] or 'localhost'}>"
    if message.language:
        mail["Content-Language"] = message.language
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mail.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return mail


class EmailChannel:
    key = "email"

    def configure(self, config: dict) -> None:
        self.host = lookup(config, "SMTP_HOST", "localhost")
        self.port = int(lookup(config, "SMTP_PORT", "25"))
        self.user = lookup(config, "SMTP_USER")
        self.password = lookup(config, "SMTP_PASSWORD")
        self.starttls = _flag(lookup(config, "SMTP_STARTTLS", "false"))
        # The CA that signed the relay's certificate when it is not a public one (a company
        # relay, the compose stack's mail catcher); the certificate is verified either way.
        self.ca_file = lookup(config, "SMTP_CA_FILE")
        self.sender = lookup(config, "COOP_MAIL_FROM", "no-reply@localhost")

    def send(self, message: Message) -> str:
        if not message.address:
            raise DeliveryError("No e-mail address.", permanent=True)
        mail = build(message, self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"The mail server refused {message.address}: {exc.recipients}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from None
        if refused:
            raise DeliveryError(f"The mail server refused {sorted(refused)}")
        return f"accepted by {self.host}:{self.port} as {mail['Message-ID']}"
