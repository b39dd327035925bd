"""The RPC methods the HTTP API exposes, read from the services' own `@rpc(Schema)` declarations.

The same declarations generate `docs/rpc-contract.md` (`coop contract`): what a method takes is
written once, in the service, and the HTTP routes, the OpenAPI document and the RPC contract
follow it. The gateway imports the service classes only to read those declarations; it never
runs a service's code in its own process (docs/adr/023-http-api.md).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from coop_accounting.service import AccountingService
from coop_billing.service import BillingService
from coop_members.service import MembersService
from coop_notifications.service import NotificationsService
from coop_payroll.service import PayrollService
from coop_shared.runtime.entrypoints import RpcSpec

SERVICE_CLASSES = {
    "members": MembersService,
    "billing": BillingService,
    "payroll": PayrollService,
    "notifications": NotificationsService,
    "accounting": AccountingService,
}
# Every service answers `health` and `whoami` (coop_shared.runtime.common_rpc) without an
# `@rpc` declaration. Over HTTP `GET /health` asks each service's `health`, and members'
# `whoami` (no payload, a credential) is `GET /api/v1/whoami`; the other services' whoami tell
# the same identity and have no route (docs/adr/023-http-api.md).
ROUTED_PROBES = {("members", "whoami"): RpcSpec(schema=None)}


@dataclass(frozen=True)
class Method:
    """One public RPC method: `service.name`, its declared payload and its summary."""

    service: str
    name: str
    spec: RpcSpec
    summary: str

    @property
    def qualified(self) -> str:
        return f"{self.service}.{self.name}"


def _summary(function) -> str:
    doc = inspect.getdoc(function) or ""
    return " ".join(doc.split("\n\n", 1)[0].split())


def _is_rpc(member) -> bool:
    entrypoints = getattr(member, "nameko_entrypoints", ())
    return any("Rpc" in type(entrypoint).__name__ for entrypoint in entrypoints)


def public_methods() -> dict[str, Method]:
    """`service.method` -> Method, for every RPC method declared with `@rpc(...)`."""
    found = {}
    for service, cls in SERVICE_CLASSES.items():
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            spec = getattr(member, "rpc_spec", None)
            spec = spec if isinstance(spec, RpcSpec) else ROUTED_PROBES.get((service, name))
            if _is_rpc(member) and spec is not None:
                found[f"{service}.{name}"] = Method(service, name, spec, _summary(member))
    return dict(sorted(found.items()))


def undeclared_methods() -> list[str]:
    """RPC methods without an `@rpc` declaration (the probes): they have no HTTP route."""
    return sorted(
        f"{service}.{name}"
        for service, cls in SERVICE_CLASSES.items()
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if _is_rpc(member)
        and not isinstance(getattr(member, "rpc_spec", None), RpcSpec)
        and (service, name) not in ROUTED_PROBES
    )
