"""E-mail over SMTP with the settings of docs/architecture.md: SMTP_HOST, SMTP_PORT, SMTP_USER,
SMTP_PASSWORD, SMTP_STARTTLS, SMTP_CA_FILE, COOP_MAIL_FROM, SMTP_POOL_SIZE, SMTP_POOL_IDLE_SECONDS.

Connections are pooled (issue 18; docs/adr/008-notifications-delivery.md): opening one costs a
TCP handshake, the greeting, EHLO, the STARTTLS handshake and the login — more than the message
itself at 100 payments/s — so a connection stays open for the next mail, up to `SMTP_POOL_SIZE`
of them, and is closed once it has been idle `SMTP_POOL_IDLE_SECONDS` (mail servers end idle
sessions themselves: RFC 5321 §4.5.3.2.7). A connection that failed in any way is dropped, never
lent again.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import formataddr

from coop_notifications.channels import DeliveryError, Message
from coop_shared.settings import lookup

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30
POOL_SIZE = 4  # concurrent sessions with the relay; many relays cap them per client
POOL_IDLE_SECONDS = 30.0


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


class _Session:
    """One open SMTP connection (STARTTLS and login done) and when it was last used."""

    def __init__(self, smtp: smtplib.SMTP):
        self.smtp, self.used_at = smtp, time.monotonic()

    def close(self) -> None:
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()


class SmtpPool:
    """At most `size` open connections, lent one at a time. `open_connection()` makes a fresh one; an idle
    connection older than `idle_seconds` is closed rather than lent. Green under eventlet
    (nameko monkey-patches `threading`), an ordinary lock without it."""

    def __init__(self, open_connection, size: int, idle_seconds: float):
        self._open, self.size, self.idle_seconds = open_connection, max(1, size), idle_seconds
        self._slots = threading.BoundedSemaphore(self.size)
        self._lock = threading.Lock()
        self._idle: list[_Session] = []  # last used at the end
        self.opened = 0  # connections opened (a metric for tests and logs)

    def borrow(self) -> tuple[_Session, bool]:
        """A connection and whether it was reused; the caller gives it back (`give_back`) or
        drops it (`drop`). Waits for a free slot at most SMTP_TIMEOUT_SECONDS."""
        if not self._slots.acquire(timeout=SMTP_TIMEOUT_SECONDS):
            raise DeliveryError(f"No SMTP connection free within {SMTP_TIMEOUT_SECONDS} s.")
        try:
            session = self._idle_session()
            if session is not None:
                return session, True
            session = _Session(self._open())
            self.opened += 1
            return session, False
        except BaseException:
            self._slots.release()
            raise

    def give_back(self, session: _Session) -> None:
        session.used_at = time.monotonic()
        with self._lock:
            self._idle.append(session)
        self._slots.release()

    def drop(self, session: _Session) -> None:
        try:
            session.smtp.close()
        finally:
            self._slots.release()

    def close(self) -> None:
        """Close the idle connections (the service stops)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for session in idle:
            session.close()

    def _idle_session(self) -> _Session | None:
        """The most recently used idle connection (the likeliest to be alive); the idle list is
        in the order connections came back, so when that one is too old, they all are."""
        with self._lock:
            if self._idle and time.monotonic() - self._idle[-1].used_at < self.idle_seconds:
                return self._idle.pop()
            stale, self._idle = self._idle, []
        for session in stale:
            session.close()
        return None


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
        self._tls = ssl.create_default_context(cafile=self.ca_file) if self.starttls else None
        self.pool = SmtpPool(
            self._connect,
            int(lookup(config, "SMTP_POOL_SIZE", str(POOL_SIZE))),
            float(lookup(config, "SMTP_POOL_IDLE_SECONDS", str(POOL_IDLE_SECONDS))),
        )

    def close(self) -> None:
        self.pool.close()

    def _connect(self) -> smtplib.SMTP:
        """A fresh connection, STARTTLS (certificate verified) and login done as configured."""
        smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        try:
            if self._tls is not None:
                smtp.starttls(context=self._tls)
            if self.user:
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: Message) -> str:
        if not message.address:
            raise DeliveryError("No e-mail address.", permanent=True)
        mail = build(message, self.sender)
        try:
            refused = self._send(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"The mail server refused {message.address}: {exc.recipients}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from None
        if refused:
            raise DeliveryError(f"The mail server refused {sorted(refused)}")
        return f"accepted by {self.host}:{self.port} as {mail['Message-ID']}"

    def _send(self, mail: EmailMessage) -> dict:
        """Send on a pooled connection. A reused one the server has closed meanwhile (its idle
        timeout, a restart) fails before the message is accepted: that mail goes once more on a
        fresh connection. Any other failure is the delivery's, for its retries (dispatch.py)."""
        session, reused = self.pool.borrow()
        try:
            refused = session.smtp.send_message(mail)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
            self.pool.drop(session)
            closing = isinstance(exc, smtplib.SMTPServerDisconnected) or exc.smtp_code == 421
            if not (reused and closing):  # 421: the server closes the session (RFC 5321 §3.8)
                raise
            log.info(
                "SMTP %s:%s: a pooled connection was closed (%s); a fresh one", self.host, self.port, exc
            )
            session, reused = self.pool.borrow()
            try:
                refused = session.smtp.send_message(mail)
            except BaseException:
                self.pool.drop(session)
                raise
        except BaseException:
            self.pool.drop(session)
            raise
        self.pool.give_back(session)
        return refused
