"""notifications: nameko entrypoints only. Validate, call one handler, return."""

from coop_notifications import handlers
from coop_notifications.orm import Base
from coop_notifications.schemas import ListReceivedEventsSchema
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import CredentialRevocationListener, event_handler, rpc
from coop_shared.runtime.common_rpc import CommonRpc


class NotificationsService(CommonRpc, CredentialRevocationListener):
    name = "notifications"

    uow = Database(Base.metadata)
    caller = Caller()

    @event_handler("members", "member_registered")
    def on_member_registered(self, event):
        handlers.record_event(self.uow, event)

    @rpc
    def list_received_events(self, payload=None):
        """The business events this service has handled for the caller's cooperative."""
        identity = self.caller.identity
        data = ListReceivedEventsSchema().load(payload or {})
        return handlers.list_received_events(self.uow, identity, data)
