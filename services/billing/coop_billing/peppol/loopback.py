"""`loopback`: a Peppol network on this machine, for the demo and the tests.

It behaves like an access point and the receivers behind it: it checks each document with the
offline validator (UBL XSD, CEN EN 16931, Peppol BIS 3.0), refuses one that fails, keeps what
it accepted in files under the data folder (so every billing process of the installation sees
the same network), and answers delivered, receiver not registered, or rejected by the receiver
with an Invoice Response (UBL ApplicationResponse, response code RE and the receiver's reason).
Settings: `registered` (the Peppol ids on the network), `rejects` ({id: reason} of receivers
that reject what they get), `latency_seconds` (how long the network takes to answer once it
has the document: a crash in that window is one between "sent" and "recorded"); the files live
in `<COOP_DATA_DIR>/peppol-loopback`.

A second send with the same reference stores nothing new: the document file is created with a
hard link, which the file system refuses when the name exists, whatever the process.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from pathlib import Path
from xml.sax.saxutils import escape

from coop_billing.peppol import (
    DELIVERED,
    REJECTED,
    Environment,
    Inbound,
    NotRegistered,
    Refused,
    Sent,
    Status,
    StatusUpdate,
)
from coop_shared import xml_input

FOLDER = "peppol-loopback"

# Invoice Response 3.0 (Peppol BIS Invoice Response), docs/domain/e-invoicing.md.
RESPONSE_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:invoice_response:3"
RESPONSE_PROFILE = "urn:fdc:peppol.eu:poacc:bis:invoice_response:3"
APPLICATION_RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


def safe(identifier: str) -> str:
    """A Peppol id or a reference as a file name ('0208:0403170701' -> '0208_0403170701')."""
    return re.sub(r"[^A-Za-z0-9.\-]", "_", identifier)


def _create(path: Path, content: bytes) -> bool:
    """Write `path` whole or not at all; False when it existed (another send got there first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_bytes(content)
    try:
        os.link(temporary, path)
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)


def invoice_response(document_number: str, reason: str, sender: str, receiver: str) -> bytes:
    """The receiver's rejection: an ApplicationResponse with response code RE (UNCL 4343)."""
    scheme_s, _, id_s = sender.partition(":")
    scheme_r, _, id_r = receiver.partition(":")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ApplicationResponse xmlns="{APPLICATION_RESPONSE_NS}" xmlns:cbc="{CBC}" xmlns:cac="{CAC}">'
        f"<cbc:CustomizationID>{RESPONSE_CUSTOMIZATION}</cbc:CustomizationID>"
        f"<cbc:ProfileID>{RESPONSE_PROFILE}</cbc:ProfileID>"
        f"<cbc:ID>{uuid.uuid4()}</cbc:ID>"
        f'<cac:SenderParty><cbc:EndpointID schemeID="{escape(scheme_r)}">{escape(id_r)}</cbc:EndpointID>'
        f"</cac:SenderParty>"
        f'<cac:ReceiverParty><cbc:EndpointID schemeID="{escape(scheme_s)}">{escape(id_s)}</cbc:EndpointID>'
        f"</cac:ReceiverParty>"
        f"<cac:DocumentResponse><cac:Response><cbc:ResponseCode>RE</cbc:ResponseCode>"
        f"<cac:Status><cbc:StatusReasonCode>OTH</cbc:StatusReasonCode>"
        f"<cbc:StatusReason>{escape(reason)}</cbc:StatusReason></cac:Status></cac:Response>"
        f"<cac:DocumentReference><cbc:ID>{escape(document_number)}</cbc:ID></cac:DocumentReference>"
        f"</cac:DocumentResponse></ApplicationResponse>"
    ).encode()


def response_reason(content: bytes) -> tuple[str, str | None]:
    """(response code, reason) of an Invoice Response."""
    root = xml_input.parse(content)  # an answer from outside: defusedxml first
    code = root.findtext(f".//{{{CAC}}}Response/{{{CBC}}}ResponseCode")
    reason = root.findtext(f".//{{{CAC}}}Status/{{{CBC}}}StatusReason")
    return code or "", reason


def document_number(ubl: bytes) -> str:
    root = xml_input.parse(ubl)
    return root.findtext(f"{{{CBC}}}ID") or ""


class LoopbackAccessPoint:
    key = "loopback"
    settings_fields = ("registered", "rejects", "latency_seconds")
    secret_fields = ()

    def __init__(self, settings: dict, secrets: dict, environment: Environment):
        self.registered = [str(i) for i in settings.get("registered") or ()]
        self.rejects = {str(k): str(v) for k, v in (settings.get("rejects") or {}).items()}
        self.folder = Path(environment.data_dir) / FOLDER
        self.own_id = environment.own_id or "unknown"
        self.latency = min(max(float(settings.get("latency_seconds") or 0), 0.0), 30.0)
        self._validate = environment.validate

    # Where things are

    def sent_folder(self, sender: str | None = None) -> Path:
        return self.folder / "sent" / safe(sender or self.own_id)

    def inbox_folder(self, receiver: str | None = None) -> Path:
        return self.folder / "inbox" / safe(receiver or self.own_id)

    # The contract

    def lookup(self, identifiers: list[str]) -> str | None:
        known = set(self.registered) | set(self.rejects)
        return next((i for i in identifiers if i in known), None)

    def send(self, ubl: bytes, reference: str, receiver: str) -> Sent:
        base = self.sent_folder() / safe(reference)
        status_file = base.with_suffix(".json")
        if status_file.exists():  # sent before under this reference: the same answer, nothing stored
            return self._sent(reference, json.loads(status_file.read_text()))
        if self.lookup([receiver]) is None:
            raise NotRegistered(f"{receiver} is not registered on the loopback network.")
        report = self._validate(ubl)
        if not report.acceptable:
            from coop_billing.peppol.validation import findings_out

            findings = findings_out(report)
            raise Refused(f"The document fails {len(findings)} Peppol rule(s).", findings)
        _create(base.with_suffix(".xml"), ubl)
        outcome = {"receiver": receiver, "status": DELIVERED, "reason": None}
        if receiver in self.rejects:
            reason = self.rejects[receiver]
            number = document_number(ubl)
            _create(
                base.with_suffix(".response.xml"), invoice_response(number, reason, self.own_id, receiver)
            )
            outcome.update(status=REJECTED, reason=reason)
        else:
            _create(self.inbox_folder(receiver) / f"{safe(self.own_id)}--{safe(reference)}.xml", ubl)
        _create(status_file, json.dumps(outcome).encode())
        if self.latency:
            time.sleep(self.latency)  # the answer is on its way back; the document is kept
        return self._sent(reference, json.loads(status_file.read_text()))

    def _sent(self, reference: str, outcome: dict) -> Sent:
        return Sent(message_id=reference, status=outcome["status"], reason=outcome.get("reason"))

    def status(self, message_id: str) -> Status:
        base = self.sent_folder() / safe(message_id)
        response = base.with_suffix(".response.xml")
        if response.exists():
            code, reason = response_reason(response.read_bytes())
            if code == "RE":
                return Status(REJECTED, reason)
        if base.with_suffix(".json").exists():
            return Status(DELIVERED)
        return Status("sent")

    def inbox(self) -> list[Inbound]:
        folder = self.inbox_folder()
        if not folder.exists():
            return []
        return [
            Inbound(id=path.stem, content=path.read_bytes(), sender=path.stem.split("--")[0])
            for path in sorted(folder.glob("*.xml"))
        ]

    def confirm(self, inbound_id: str) -> None:
        path = self.inbox_folder() / f"{safe(inbound_id)}.xml"
        if path.exists():
            target = self.inbox_folder() / "confirmed" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)

    def ingest(self, headers: dict, body: bytes) -> list[StatusUpdate]:
        return []  # answers at once: nothing is pushed


def hand_in(folder: Path, receiver: str, content: bytes, name: str) -> Path:
    """Put a document in a participant's loopback inbox, as a supplier's access point would
    (the demo and the tests)."""
    path = Path(folder) / "inbox" / safe(receiver) / f"{safe(name)}.xml"
    _create(path, content)
    return path
