"""notifications: nameko entrypoints only. Resolve the caller, validate, call one handler, return."""

from coop_notifications import contacts
from coop_notifications.clients import clients_for
from coop_notifications.dependencies import Channels, DeliveryConfig, TemplateWorkers
from coop_notifications.handlers import deliveries, dispatch, privacy, reactions, templates, webhooks
from coop_notifications.orm import Base
from coop_notifications.repository import NotificationsRepository
from coop_notifications.schemas import (
    ListDeliveriesSchema,
    ListReceivedEventsSchema,
    PreviewSchema,
    RegisterWebhookSchema,
    SetTemplateSchema,
    TemplateRefSchema,
)
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.cooperative_rpc import CooperativeRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import (
    CredentialRevocationListener,
    DurableBroadcastHandler,
    event_handler,
    rpc,
)
from coop_shared.runtime.person_data_rpc import PersonDataRpc
from coop_shared.runtime.timers import settings_timer
from coop_shared.wire_schemas import PageSchema, RefSchema


def _reaction(source: str, event_type: str):
    """The handler of one event type: plan its e-mails and webhook calls with the inbox claim,
    then send them as soon as that commits rather than at the next timer tick
    (handlers/reactions.py)."""

    def handle(self, event):
        return reactions.react(self.uow, event, self.channels, self.clients_for, self.delivery_settings)

    handle.__name__ = handle.__qualname__ = f"on_{event_type}"
    return event_handler(source, event_type)(handle)


class NotificationsService(CommonRpc, PersonDataRpc, CredentialRevocationListener):
    name = "notifications"

    uow = Database(Base.metadata, repository=NotificationsRepository)
    caller = Caller()
    privacy_handlers = privacy  # PersonDataRpc: export, erasure, retention (handlers/privacy.py)
    cooperative_rpc = CooperativeRpc()
    channels = Channels()
    delivery_settings = DeliveryConfig()
    template_workers = TemplateWorkers()  # every template renders in a bounded worker process

    @property
    def clients_for(self):
        """`(cooperative_id, slug) -> clients` of one cooperative, for this worker (clients.py)."""
        return clients_for(self.cooperative_rpc)

    # Every business event a cooperative can receive by e-mail or subscribe a webhook to
    # (domain/reactions.py WEBHOOK_EVENTS; a unit test keeps the two lists equal).
    on_member_registered = _reaction("members", "member_registered")
    on_activity_created = _reaction("members", "activity_created")
    on_member_status_model_changed = _reaction("members", "member_status_model_changed")
    on_member_lifecycle_changed = _reaction("members", "member_lifecycle_changed")
    on_document_expiring = _reaction("members", "document_expiring")
    on_member_enrolled = _reaction("members", "member_enrolled")
    on_enrolment_phase_changed = _reaction("members", "enrolment_phase_changed")
    on_appointment_due = _reaction("members", "appointment_due")
    on_member_details_changed = _reaction("members", "member_details_changed")
    on_customer_details_changed = _reaction("billing", "customer_details_changed")
    on_invoice_issued = _reaction("billing", "invoice_issued")
    on_credit_note_issued = _reaction("billing", "credit_note_issued")
    on_payment_received = _reaction("billing", "payment_received")
    on_payment_unmatched = _reaction("billing", "payment_unmatched")
    on_invoice_overdue = _reaction("billing", "invoice_overdue")
    on_activity_account_changed = _reaction("billing", "activity_account_changed")
    on_expense_recorded = _reaction("billing", "expense_recorded")
    on_invoice_delivered = _reaction("billing", "invoice_delivered")
    on_invoice_delivery_failed = _reaction("billing", "invoice_delivery_failed")
    on_payslip_issued = _reaction("payroll", "payslip_issued")
    on_payroll_closed = _reaction("payroll", "payroll_closed")
    on_payroll_payments_instructed = _reaction("payroll", "payroll_payments_instructed")
    on_bank_debit_recorded = _reaction("billing", "bank_debit_recorded")
    # E-mail only (domain/reactions.py EMAIL_ONLY_EVENTS): a person's invitation and reset link.
    on_person_invited = _reaction("members", "person_invited")
    on_password_reset_requested = _reaction("members", "password_reset_requested")

    # Every instance forgets the contact it keeps once its owner announces a change (contacts.py).
    @DurableBroadcastHandler.decorator("members", "member_details_changed")
    def forget_changed_member(self, event):
        """Read a rectified member's name, e-mail and language again at their next message."""
        contacts.CONTACTS.forget(
            contacts.key(event["cooperative_id"], contacts.MEMBER, event["payload"]["member_id"])
        )

    @DurableBroadcastHandler.decorator("billing", "customer_details_changed")
    def forget_changed_customer(self, event):
        """Read a rectified customer's name, e-mail and language again at their next message."""
        contacts.CONTACTS.forget(
            contacts.key(event["cooperative_id"], contacts.CUSTOMER, event["payload"]["customer_id"])
        )

    @settings_timer(setting="COOP_DELIVERY_POLL_SECONDS", default=5)
    def deliver_due(self):
        """Send the deliveries that are due (new ones, and retries whose delay has passed)."""
        return dict(dispatch.deliver_due(self.uow, self.channels, self.clients_for, self.delivery_settings))

    @rpc(SetTemplateSchema)
    def set_template(self, identity, data):
        """Save the cooperative's own wording of one e-mail (refused unless it renders); returns it."""
        return templates.set_template(self.uow, identity, data)

    @rpc(TemplateRefSchema)
    def get_template(self, identity, data):
        """The wording in force for one e-mail, the cooperative's own or the default (`overridden`)."""
        return templates.get_template(self.uow, identity, data)

    @rpc(TemplateRefSchema)
    def reset_template(self, identity, data):
        """Drop the cooperative's own wording of one e-mail; returns the default now in force."""
        return templates.reset_template(self.uow, identity, data)

    @rpc(PreviewSchema)
    def preview(self, identity, data):
        """The e-mail (subject, text, html) a draft or the wording in force renders to, with sample values."""
        return templates.preview(self.uow, identity, data)

    @rpc(RegisterWebhookSchema, creates=True)
    def register_webhook(self, identity, data):
        """Register a signed webhook for some of the cooperative's events (admins); returns it."""
        return webhooks.register_webhook(self.uow, identity, data, self.delivery_settings)

    @rpc(PageSchema)
    def list_webhooks(self, identity, data):
        """A page of the cooperative's webhooks, removed ones included: {"items", "total"}."""
        return webhooks.list_webhooks(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def remove_webhook(self, identity, data):
        """Stop a webhook's deliveries (admins); returns the webhook, now inactive."""
        return webhooks.remove_webhook(self.uow, identity, data)

    @rpc(ListDeliveriesSchema)
    def list_deliveries(self, identity, data):
        """A page of the cooperative's delivery log, optionally filtered: {"items", "total"}."""
        return deliveries.list_deliveries(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def resend(self, identity, data):
        """Queue a delivery again with a fresh series of retries; returns the delivery, pending."""
        return deliveries.resend(self.uow, identity, data)

    @rpc(ListReceivedEventsSchema)
    def list_received_events(self, identity, data):
        """A page of the business events handled for the caller's cooperative: {"items", "total"}."""
        return reactions.list_received_events(self.uow, identity, data)
