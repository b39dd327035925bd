"""Issued invoices and credit notes delivered over Peppol (docs/adr/011-peppol-delivery.md).

The delivery row is written in the issuing transaction, like the outbox: once the issue
commits, the document will be sent, whatever crashes. It is sent right after that commit
(`uow.after_commit`) and by a timer for whatever is due; each worker leases the rows it sends
(`SELECT ... FOR UPDATE SKIP LOCKED`, then `lease_until`, committed), so replicas never send one
row together, and commits before calling the access point, so no database connection is held
while the network works. The access point receives the invoice id as its reference: a worker
killed between "sent" and "recorded" leaves the row to be sent again after the lease, with the
same reference, and the access point keeps one document.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from coop_billing.domain import delivery as rules
from coop_billing.domain.delivery import FINAL, Channel, DeliveryStatus
from coop_billing.domain.states import DocumentKind
from coop_billing.einvoicing import ubl
from coop_billing.handlers.invoices import present
from coop_billing.orm import InvoiceDelivery, PeppolSettings
from coop_billing.peppol import DELIVERED, REJECTED, AccessPointError, NotRegistered, Refused
from coop_billing.peppol.config import bounded
from coop_billing.render import pdf
from coop_billing.views import invoice_delivery_event, peppol_settings_out
from coop_shared import audit
from coop_shared.credentials import ADMIN, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import ValidationError
from coop_shared.storage.types import utcnow

log = logging.getLogger(__name__)
SKIPPED, RETRY = "skipped", "retry"


# Settings


def set_peppol_settings(uow, identity, members, peppol, data: dict) -> dict:
    """Choose and configure the cooperative's access point (admin). A secret left out keeps its
    stored value; an empty one clears it. Secrets are never returned."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    key = data.pop("access_point")
    plugin = peppol.plugin(key)
    if plugin is None:
        raise ValidationError(fields={"access_point": [f"No access point '{key}' is installed."]})
    allowed = set(plugin.settings_fields) | set(plugin.secret_fields)
    unknown = sorted(field for field in data if field not in allowed)
    if unknown:
        raise ValidationError(fields={field: [f"Not a setting of '{key}'."] for field in unknown})
    cooperative = members.cooperative()
    row = uow.repo.peppol_settings(cooperative_id)
    secrets = dict(row.secrets or {}) if row is not None and row.access_point == key else {}
    for field in plugin.secret_fields:
        if field in data:
            secrets[field] = data[field]
    settings = {field: data[field] for field in plugin.settings_fields if field in data}
    # The cooperative's own participant id: scheme 0208 and its enterprise number
    # (docs/domain/e-invoicing.md, "Participant identifiers").
    digits = "".join(ch for ch in str(cooperative["enterprise_number"]) if ch.isdigit())
    settings["participant_id"] = f"0208:{digits}"
    if row is None:
        row = PeppolSettings(cooperative_id=cooperative_id)
        uow.repo.add(row)
    row.access_point, row.settings, row.secrets, row.updated_at = key, settings, secrets, utcnow()
    uow.repo.flush()
    # The fields changed are named, never a secret's value (coop_shared.audit).
    audit.record(
        uow,
        identity,
        "billing.peppol_settings_changed",
        cooperative_id,
        {"access_point": key, "fields": sorted(data)},
    )
    return peppol_settings_out(row, plugin.secret_fields)


def get_peppol_settings(uow, identity, peppol) -> dict:
    require_role(identity, *OPERATORS)
    row = uow.repo.peppol_settings(acting_cooperative(identity))
    plugin = peppol.plugin(row.access_point) if row is not None else None
    return peppol_settings_out(row, plugin.secret_fields if plugin else ())


# At issue time


_READ = object()  # "read the cooperative's Peppol settings now"


def decide(uow, peppol, cooperative_id: str, buyer: dict, settings=_READ) -> rules.Decision:
    """The channel of a document about to be numbered. The participant is looked up now,
    bounded in time, so that the `invoice_issued` e-mail can say whether it is a copy; when the
    lookup cannot be done now, the delivery worker looks up again before sending. `settings`:
    the cooperative's Peppol settings when the caller already read them (None: never set)."""
    candidates = rules.participant_candidates(buyer)
    if not candidates:
        return rules.email_only(rules.NOT_A_BUSINESS)
    if settings is _READ:
        settings = uow.repo.peppol_settings(cooperative_id) if peppol is not None else None
    row = settings if peppol is not None else None
    if row is None:
        return rules.email_only(rules.NO_ACCESS_POINT)
    try:
        found = bounded(peppol.lookup_timeout, peppol.access_point(row).lookup, candidates)
    except (AccessPointError, TimeoutError, OSError) as exc:
        log.warning("Peppol lookup of %s deferred: %s", candidates, exc)
        return rules.over_peppol(None)
    if found is None:
        return rules.email_only(rules.not_registered(candidates))
    return rules.over_peppol(found)


def record(uow, peppol, document, decision: rules.Decision, settings=_READ) -> InvoiceDelivery:
    """The document's delivery, in the issuing transaction; queued ones are sent right after
    the commit (and by the timer if that is interrupted). `settings` as in `decide`."""
    now = utcnow()
    row = InvoiceDelivery(
        invoice_id=document.id,
        cooperative_id=document.cooperative_id,
        cooperative_slug=document.cooperative_slug,
        channel=decision.channel,
        status=decision.status,
        reason=decision.reason,
        receiver=decision.receiver,
        access_point=None,
        attempts=0,
        failures_in_row=0,
        next_attempt_at=now if decision.status == DeliveryStatus.QUEUED else None,
        queued_at=now,
        updated_at=now,
    )
    if decision.channel == Channel.PEPPOL:
        if settings is _READ:
            settings = uow.repo.peppol_settings(document.cooperative_id)
        row.access_point = settings.access_point if settings else None
        uow.after_commit(lambda: _send_now(uow, peppol, document.id))
    uow.repo.add(row)
    return row


def _send_now(uow, peppol, invoice_id: str) -> None:
    """After the issue committed: a failure here must not turn the caller's success into an
    error (the row is safe; the timer sends it)."""
    try:
        send_due(uow, peppol, only=[invoice_id])
    except Exception:  # the timer will try again
        log.exception("immediate Peppol send of %s failed; left to the timer", invoice_id)
        uow.rollback()


# The worker


def send_due(uow, peppol, only=None) -> Counter:
    """Send what is due, or ask the status of what was sent; returns the outcomes."""
    limit = peppol.batch if only is None else len(only)
    ids = uow.repo.lease_due_deliveries(utcnow(), peppol.lease_seconds, limit, only)
    uow.commit()
    outcomes = Counter()
    for invoice_id in ids:
        outcomes[attempt(uow, peppol, invoice_id)] += 1
    return outcomes


def attempt(uow, peppol, invoice_id: str) -> str:
    row = uow.repo.leased_delivery(invoice_id)
    if row is None or row.status not in (DeliveryStatus.QUEUED, DeliveryStatus.SENT):
        uow.commit()
        return SKIPPED
    invoice = uow.repo.invoice_by_id(invoice_id)
    settings = uow.repo.peppol_settings(row.cooperative_id)
    if settings is None:
        return _failed(
            uow, row, invoice, "The cooperative's Peppol access point was removed.", permanent=True
        )
    try:
        access_point = peppol.access_point(settings)
        row.access_point = settings.access_point
        if row.status == DeliveryStatus.SENT:
            uow.commit()
            return _answer(uow, row, invoice, access_point.status(row.message_id), peppol)
        if row.receiver is None:
            uow.commit()
            candidates = rules.participant_candidates(invoice.buyer or {})
            row.receiver = access_point.lookup(candidates)
            if row.receiver is None:
                return _to_email(uow, row, rules.not_registered(candidates))
        content = ubl_of(uow, invoice)
        uow.commit()  # the lease is ours: no connection held while the access point works
        sent = access_point.send(content, invoice.id, row.receiver)
    except NotRegistered as exc:
        return _failed(uow, row, invoice, str(exc), permanent=True)
    except Refused as exc:
        detail = "; ".join(f"{f.get('rule')}: {f.get('text')}" for f in exc.findings[:5])
        return _failed(uow, row, invoice, f"{exc} {detail}".strip(), permanent=True)
    except Exception as exc:  # down, overloaded, a timeout: worth another try
        log.warning("Peppol send of %s: %s: %s", invoice_id, type(exc).__name__, exc)
        return _failed(uow, row, invoice, f"{type(exc).__name__}: {exc}", permanent=False, peppol=peppol)
    row.attempts += 1
    row.message_id, row.sent_at, row.failures_in_row, row.last_error = sent.message_id, utcnow(), 0, None
    return _answer(uow, row, invoice, sent, peppol)


def _answer(uow, row, invoice, answer, peppol) -> str:
    """Record what the access point says of a sent document (`Sent` or `Status`), unless
    another replica recorded an outcome meanwhile: a send that outlasts its lease lets another
    worker lease the row and send it too (the access point keeps one document per id), and
    only the first to record it announces it, so `invoice_delivered` is emitted once."""
    if uow.repo.delivery_status_locked(row.invoice_id) in FINAL:
        uow.rollback()  # the other worker's record stands: its message id, its attempt
        log.info("delivery of %s: another worker recorded its outcome first", row.invoice_id)
        return SKIPPED
    now = utcnow()
    row.lease_until, row.updated_at = None, now
    if answer.status == DELIVERED:
        row.status, row.delivered_at, row.next_attempt_at = DeliveryStatus.DELIVERED, now, None
        uow.emit(
            "invoice_delivered",
            row.cooperative_id,
            row.cooperative_slug,
            invoice_delivery_event(invoice, row),
        )
    elif answer.status == REJECTED:
        # The receiver's Invoice Response (code RE): the document stands; a credit note or a
        # new invoice answers it, never an edit (docs/domain/e-invoicing.md).
        row.status, row.reason, row.next_attempt_at = DeliveryStatus.REJECTED, answer.reason, None
        uow.emit(
            "invoice_delivery_failed",
            row.cooperative_id,
            row.cooperative_slug,
            invoice_delivery_event(invoice, row),
        )
    else:
        row.status = DeliveryStatus.SENT
        row.next_attempt_at = now + timedelta(seconds=peppol.status_poll_seconds)
    uow.commit()
    return str(row.status)


def _to_email(uow, row, reason: str) -> str:
    row.channel, row.status, row.reason = Channel.EMAIL, DeliveryStatus.EMAILED, reason
    row.lease_until, row.next_attempt_at, row.updated_at = None, None, utcnow()
    uow.commit()
    return str(row.status)


def _failed(uow, row, invoice, error: str, permanent: bool, peppol=None) -> str:
    row.attempts += 1
    row.failures_in_row += 1
    row.last_error, row.lease_until, row.updated_at = error[:2000], None, utcnow()
    delay = None if permanent else rules.next_delay(row.failures_in_row, peppol.retry_delays)
    if delay is not None:
        row.next_attempt_at = utcnow() + timedelta(seconds=delay)
        uow.commit()
        return RETRY
    row.status, row.reason, row.next_attempt_at = DeliveryStatus.FAILED, error[:2000], None
    uow.emit(
        "invoice_delivery_failed",
        row.cooperative_id,
        row.cooperative_slug,
        invoice_delivery_event(invoice, row),
    )
    uow.commit()
    log.error(
        "Peppol delivery of %s failed for good after %d attempts: %s", row.invoice_id, row.attempts, error
    )
    return str(row.status)


def ubl_of(uow, invoice) -> bytes:
    """The Peppol BIS 3.0 UBL of an issued document with its PDF inside, the same document
    `render_invoice` with format `ubl` answers (handlers/rendering.py)."""
    document = dict(
        present(uow, invoice), seller=invoice.seller, buyer=invoice.buyer, activity=invoice.activity
    )
    credited = None
    if invoice.kind == DocumentKind.CREDIT_NOTE:
        original = uow.repo.invoice(invoice.cooperative_id, invoice.credited_invoice_id)
        credited = {"number": original.number, "issue_date": original.issue_date.isoformat()}
    content, _ = pdf.render(document, credited)
    return ubl.render(document, content, credited)
