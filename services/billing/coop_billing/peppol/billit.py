"""`billit`: an adapter for Billit's published Peppol API (docs.billit.be).

What the published API says: base URL `https://api.billit.be` (sandbox
`https://api.sandbox.billit.be`); headers `ApiKey` and `PartyID`; `POST /v1/peppol/sendxml`
with `{"XML": "<UBL>"}`, refused with a 4xx and a message when the Peppol rules fail;
`GET /v1/peppol/participantInformation/{VAT or enterprise number}` answering `Registered`,
`Identifier` and `DocumentTypes`; the status of a sent document through its order
(`GET /v1/orders/{OrderID}`) or a webhook; the Peppol inbox, each document confirmed with
`POST /v1/peppol/inbox/{id}/confirm`; 429 when called too often.

Where it does not say, the most plausible reading is taken (docs/adr/011-peppol-delivery.md):
the send answer carries the order id (`OrderID`, other spellings accepted); an order's
`Messages` tell Peppol transport outcomes; the inbox lists items by id. Billit is not known to
honour an idempotency header, so before sending, the adapter asks for an order already made
from this invoice number (`GET /v1/orders?$filter=OrderNumber eq '<number>'`) and returns it
instead of sending twice; the reference also travels as `Idempotency-Key` in case it is
honoured.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from coop_billing.peppol import (
    DELIVERED,
    REJECTED,
    SENT,
    Environment,
    Inbound,
    NotRegistered,
    Refused,
    Sent,
    Status,
    StatusUpdate,
    Unavailable,
)
from coop_billing.peppol.loopback import document_number

PRODUCTION = "https://api.billit.be"
SANDBOX = "https://api.sandbox.billit.be"
INVOICE_DOCUMENT_TYPE = "BISv3Invoice"
MAX_TRIES_ON_429 = 4
MAX_WAIT_SECONDS = 5.0


def _first(mapping: dict, *names, default=None):
    for name in names:
        if isinstance(mapping, dict) and mapping.get(name) is not None:
            return mapping[name]
    return default


class BillitAccessPoint:
    key = "billit"
    settings_fields = ("base_url", "party_id", "timeout_seconds")
    secret_fields = ("api_key",)

    def __init__(self, settings: dict, secrets: dict, environment: Environment):
        self.base_url = str(settings.get("base_url") or PRODUCTION).rstrip("/")
        self.party_id = str(settings.get("party_id") or "")
        self.timeout = float(settings.get("timeout_seconds") or 10)
        self.api_key = secrets.get("api_key") or ""

    # HTTP

    def _call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        """(status, decoded JSON or None) of one call; 429 waited out and retried; 401/403
        Refused, 5xx and network errors Unavailable. Other 4xx are returned to the caller."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        all_headers = {
            "ApiKey": self.api_key,
            "PartyID": self.party_id,
            "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {}),
            **(headers or {}),
        }
        for attempt in range(1, MAX_TRIES_ON_429 + 1):
            request = urllib.request.Request(
                self.base_url + path, data=data, method=method, headers=all_headers
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.status, _json(response.read())
            except urllib.error.HTTPError as exc:
                payload = _json(exc.read())
                if exc.code == 429 and attempt < MAX_TRIES_ON_429:
                    time.sleep(_retry_after(exc.headers.get("Retry-After"), attempt))
                    continue
                if exc.code == 429:
                    raise Unavailable("Billit: too many requests (429), still after retries.") from None
                if exc.code in (401, 403):
                    raise Refused(
                        f"Billit refused the credentials ({exc.code}): {_message(payload)}"
                    ) from None
                if exc.code >= 500:
                    raise Unavailable(f"Billit answered {exc.code}: {_message(payload)}") from None
                return exc.code, payload
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                raise Unavailable(f"Billit cannot be reached: {exc}") from None
        raise Unavailable("Billit: no answer")  # pragma: no cover (the loop returns or raises)

    # The contract

    def lookup(self, identifiers: list[str]) -> str | None:
        """The first registered id; Billit is asked with the number itself (enterprise number
        or VAT number), without the scheme."""
        for identifier in identifiers:
            value = identifier.partition(":")[2] or identifier
            status, answer = self._call(
                "GET", f"/v1/peppol/participantInformation/{urllib.parse.quote(value)}"
            )
            if status == 404 or not isinstance(answer, dict):
                continue
            if status >= 400:
                raise Refused(f"Billit refused the lookup of {identifier} ({status}): {_message(answer)}")
            types = answer.get("DocumentTypes") or []
            if answer.get("Registered") and (not types or INVOICE_DOCUMENT_TYPE in types):
                return str(answer.get("Identifier") or identifier)
        return None

    def send(self, ubl: bytes, reference: str, receiver: str) -> Sent:
        number = document_number(ubl)
        existing = self._order_of(number)
        if existing is not None:  # sent before (a crash between sending and recording it)
            return Sent(message_id=existing, status=SENT)
        status, answer = self._call(
            "POST",
            "/v1/peppol/sendxml",
            {"XML": ubl.decode("utf-8")},
            headers={"Idempotency-Key": reference},
        )
        if status == 404:
            raise NotRegistered(f"Billit: {receiver} cannot receive over Peppol: {_message(answer)}")
        if status >= 400:
            raise Refused(f"Billit refused the document ({status}): {_message(answer)}", _errors(answer))
        order = _first(answer or {}, "OrderID", "OrderId", "orderID", "ID", "Id", "MessageID")
        if order is None:
            raise Unavailable(f"Billit's answer names no order: {answer!r}"[:500])
        return Sent(message_id=str(order), status=SENT)

    def _order_of(self, number: str) -> str | None:
        if not number:
            return None
        query = urllib.parse.quote(f"OrderNumber eq '{number}'")
        status, answer = self._call("GET", f"/v1/orders?$filter={query}")
        if status >= 400 or not answer:
            return None
        items = answer.get("Items") if isinstance(answer, dict) else answer
        for item in items or []:
            if str(_first(item, "OrderNumber", default="")) == number:
                return str(_first(item, "OrderID", "OrderId", "ID"))
        return None

    def status(self, message_id: str) -> Status:
        status, answer = self._call("GET", f"/v1/orders/{urllib.parse.quote(message_id)}")
        if status >= 400 or not isinstance(answer, dict):
            return Status(SENT)
        return order_status(answer)

    def inbox(self) -> list[Inbound]:
        status, answer = self._call("GET", "/v1/peppol/inbox")
        if status >= 400 or not answer:
            return []
        items = answer.get("Items") if isinstance(answer, dict) else answer
        found = []
        for item in items or []:
            inbound_id = str(_first(item, "InboxItemID", "ID", "Id"))
            xml = _first(item, "XML", "Xml")
            if xml is None:
                _, detail = self._call("GET", f"/v1/peppol/inbox/{urllib.parse.quote(inbound_id)}")
                xml = _first(detail or {}, "XML", "Xml", default="")
            content = (
                xml.encode("utf-8") if isinstance(xml, str) and xml.lstrip().startswith("<") else _b64(xml)
            )
            found.append(Inbound(inbound_id, content, _first(item, "SenderPeppolID", "Sender")))
        return found

    def confirm(self, inbound_id: str) -> None:
        status, answer = self._call("POST", f"/v1/peppol/inbox/{urllib.parse.quote(inbound_id)}/confirm", {})
        if status >= 400 and status != 404:
            raise Refused(f"Billit refused to confirm {inbound_id} ({status}): {_message(answer)}")

    def ingest(self, headers: dict, body: bytes) -> list[StatusUpdate]:
        """A pushed order update: the order's status read the same way as `status`."""
        answer = _json(body)
        if not isinstance(answer, dict):
            return []
        order = _first(answer, "OrderID", "UpdatedEntityID", "EntityID")
        if order is None:
            return []
        found = order_status(answer)
        return [StatusUpdate(str(order), found.status, found.reason)]


def order_status(order: dict) -> Status:
    """delivered / rejected (with the receiver's reason) / sent, from an order's Peppol messages."""
    messages = [
        m
        for m in order.get("Messages") or []
        if str(_first(m, "TransportType", default="Peppol")).lower() == "peppol"
    ]
    for message in reversed(messages):
        state = str(_first(message, "Status", "MessageStatus", default="")).lower()
        reason = _first(message, "Description", "Reason", "StatusReason")
        if state in ("rejected", "refused", "re") or message.get("Success") is False:
            return Status(REJECTED, reason or "Rejected by the receiver.")
        if state in ("delivered", "accepted", "ap", "ab", "received") or message.get("Success") is True:
            return Status(DELIVERED)
    return Status(SENT)


def _json(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (ValueError, UnicodeDecodeError):
        return {"Message": raw[:500].decode("utf-8", "replace")}


def _message(answer) -> str:
    if isinstance(answer, dict):
        text = _first(answer, "Message", "message", "error", "Errors", "errors")
        return text if isinstance(text, str) else json.dumps(text)[:500]
    return str(answer)[:500]


def _errors(answer) -> list[dict]:
    errors = _first(answer or {}, "Errors", "errors", default=[])
    return [
        {"rule": "billit", "flag": "fatal", "location": "", "text": str(e), "rule_set": "billit"}
        for e in errors
    ]


def _retry_after(header, attempt: int) -> float:
    try:
        return min(float(header), MAX_WAIT_SECONDS)
    except (TypeError, ValueError):
        return min(0.5 * attempt, MAX_WAIT_SECONDS)


def _b64(value) -> bytes:
    try:
        return base64.b64decode(value or b"")
    except (ValueError, TypeError):
        return b""
