"""For integrators: a connected RPC proxy that raises the suite's typed errors.

    from coop_shared.client import connect
    from coop_shared.errors import NotFound

    with connect("amqp://acme:<password>@broker:5672/coop", "coop_...secret...") as rpc:
        rpc.members.get_member(member_id)

Importing this module registers `coop_shared.errors` with nameko, so a plain
`ClusterRpcProxy` in the same process raises them too, instead of `RemoteError`.

The reply queue is named after the broker user, `rpc.reply-<user>-<uuid>`, because an
integrator's broker user may consume only queues of that name
(coop_shared.runtime.broker_users), and the RPC exchange is only checked, never declared: such a
user may not declare exchanges.
"""

import uuid

from kombu import Exchange, Queue
from nameko.constants import AMQP_SSL_CONFIG_KEY
from nameko.rpc import RPC_REPLY_QUEUE_TEMPLATE, RPC_REPLY_QUEUE_TTL, get_rpc_exchange
from nameko.standalone.rpc import ClusterRpcProxy, SingleThreadedReplyListener  # noqa: E402

from coop_shared.runtime import errors as _register_errors  # noqa: F401  (first: quiets eventlet too)
from coop_shared.runtime.event_origin import broker_user


class UserReplyListener(SingleThreadedReplyListener):
    """nameko's standalone reply listener, its queue named after the broker user."""

    def setup(self):
        config = self.container.config
        self.routing_key = str(uuid.uuid4())
        declared = get_rpc_exchange(config)
        self.queue = Queue(
            RPC_REPLY_QUEUE_TEMPLATE.format(broker_user(config["AMQP_URI"]), self.routing_key),
            exchange=Exchange(declared.name, type=declared.type, durable=True, passive=True),
            routing_key=self.routing_key,
            queue_arguments={"x-expires": RPC_REPLY_QUEUE_TTL},
        )
        self.queue_consumer.register_provider(self)


def connect(amqp_uri: str, secret: str | None = None, timeout: float = 30, ssl: dict | None = None):
    """A `ClusterRpcProxy` carrying `Bearer <secret>`; use it as a context manager. `ssl`: kombu's
    TLS options for an `amqps://` broker (`coop_shared.settings.amqp_ssl` builds them)."""
    context = {"authorization": f"Bearer {secret}"} if secret else {}
    config = {"AMQP_URI": amqp_uri}
    if ssl:
        config[AMQP_SSL_CONFIG_KEY] = ssl
    return ClusterRpcProxy(
        config, context_data=context, timeout=timeout, reply_listener_cls=UserReplyListener
    )
