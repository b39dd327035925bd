"""notifications: nameko entrypoints only. Resolve the caller, validate, call one handler, return."""

from coop_notifications.dependencies import Channels, DeliveryConfig
from coop_notifications.handlers import deliveries, dispatch, reactions, templates, webhooks
from coop_notifications.orm import Base
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
from coop_shared.runtime.entrypoints import CredentialRevocationListener, event_handler, rpc
from coop_shared.runtime.timers import settings_timer
from coop_shared.wire_schemas import PageSchema, RefSchema, ref_payload


def _reaction(source: str, event_type: str):
    """The handler of one event type: plan its e-mails and webhook calls (handlers/reactions),
    commit the plan with the inbox claim, then send them now rather than at the next timer tick."""

    def handle(self, event):
        planned = reactions.react(self.uow, event)
        if planned:
            self.uow.after_commit(
                lambda: dispatch.deliver_due(
                    self.uow, self.channels, self.cooperative_rpc, self.delivery_settings, only=planned
                )
            )
        return len(planned)

    handle.__name__ = handle.__qualname__ = f"on_{event_type}"
    return event_handler(source, event_type)(handle)


class NotificationsService(CommonRpc, CredentialRevocationListener):
    name = "notifications"

    uow = Database(Base.metadata)
    caller = Caller()
    cooperative_rpc = CooperativeRpc()
    channels = Channels()
    delivery_settings = DeliveryConfig()

    # Every business event a cooperative can receive by e-mail or subscribe a webhook to
    # (domain/reactions.py WEBHOOK_EVENTS; a unit test keeps the two lists equal).
    on_member_registered = _reaction("members", "member_registered")
    on_activity_created = _reaction("members", "activity_created")
    on_member_status_model_changed = _reaction("members", "member_status_model_changed")
    on_member_lifecycle_changed = _reaction("members", "member_lifecycle_changed")
    on_document_expiring = _reaction("members", "document_expiring")
    on_invoice_issued = _reaction("billing", "invoice_issued")
    on_credit_note_issued = _reaction("billing", "credit_note_issued")
    on_payment_received = _reaction("billing", "payment_received")
    on_payment_unmatched = _reaction("billing", "payment_unmatched")
    on_invoice_overdue = _reaction("billing", "invoice_overdue")
    on_activity_account_changed = _reaction("billing", "activity_account_changed")
    on_payslip_issued = _reaction("payroll", "payslip_issued")
    on_payroll_closed = _reaction("payroll", "payroll_closed")

    @settings_timer(setting="COOP_DELIVERY_POLL_SECONDS", default=5)
    def deliver_due(self):
        """Send the deliveries that are due (new ones, and retries whose delay has passed)."""
        outcomes = dispatch.deliver_due(self.uow, self.channels, self.cooperative_rpc, self.delivery_settings)
        return dict(outcomes)

    @rpc
    def set_template(self, payload):
        identity = self.caller.identity
        return templates.set_template(self.uow, identity, SetTemplateSchema().load(payload))

    @rpc
    def get_template(self, payload):
        identity = self.caller.identity
        return templates.get_template(self.uow, identity, TemplateRefSchema().load(payload))

    @rpc
    def reset_template(self, payload):
        identity = self.caller.identity
        return templates.reset_template(self.uow, identity, TemplateRefSchema().load(payload))

    @rpc
    def preview(self, payload):
        identity = self.caller.identity
        return templates.preview(self.uow, identity, PreviewSchema().load(payload))

    @rpc
    def register_webhook(self, payload):
        identity = self.caller.identity
        data = RegisterWebhookSchema().load(payload)
        return webhooks.register_webhook(self.uow, identity, data, self.delivery_settings)

    @rpc
    def list_webhooks(self, payload=None):
        identity = self.caller.identity
        return webhooks.list_webhooks(self.uow, identity, PageSchema().load(payload or {}))

    @rpc
    def remove_webhook(self, webhook_id):
        identity = self.caller.identity
        return webhooks.remove_webhook(self.uow, identity, RefSchema().load(ref_payload(webhook_id)))

    @rpc
    def list_deliveries(self, payload=None):
        identity = self.caller.identity
        return deliveries.list_deliveries(self.uow, identity, ListDeliveriesSchema().load(payload or {}))

    @rpc
    def resend(self, delivery_id):
        identity = self.caller.identity
        return deliveries.resend(self.uow, identity, RefSchema().load(ref_payload(delivery_id)))

    @rpc
    def list_received_events(self, payload=None):
        """The business events this service has handled for the caller's cooperative."""
        identity = self.caller.identity
        return reactions.list_received_events(
            self.uow, identity, ListReceivedEventsSchema().load(payload or {})
        )
