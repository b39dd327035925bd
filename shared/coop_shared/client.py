"""For integrators: a connected RPC proxy that raises the suite's typed errors.

    from coop_shared.client import connect
    from coop_shared.errors import NotFound

    with connect("amqp://guest:guest@localhost:5672/", "coop_...secret...") as rpc:
        rpc.members.get_member(member_id)

Importing this module registers `coop_shared.errors` with nameko, so a plain
`ClusterRpcProxy` in the same process raises them too, instead of `RemoteError`.
"""

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402

from coop_shared.runtime import errors as _register_errors  # noqa: F401  (first: quiets eventlet too)


def connect(amqp_uri: str, secret: str | None = None, timeout: float = 30) -> ClusterRpcProxy:
    """A `ClusterRpcProxy` carrying `Bearer <secret>`; use it as a context manager."""
    context = {"authorization": f"Bearer {secret}"} if secret else {}
    return ClusterRpcProxy({"AMQP_URI": amqp_uri}, context_data=context, timeout=timeout)
