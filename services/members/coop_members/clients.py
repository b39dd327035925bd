"""Calls members makes to other services: one class per service called, wrapping its RPC proxy.

Handlers receive these objects, never a raw proxy, so a handler test passes a small fake.
"""

from __future__ import annotations

from decimal import Decimal


class PayrollClient:
    """payroll runs the status model plugins, so it states what their parameters look like."""

    def __init__(self, payroll_rpc):
        self._payroll = payroll_rpc

    def parameters_schema(self, status_model: str) -> dict | None:
        """The JSON Schema of `status_model`'s parameters, or None when payroll has no such model."""
        for model in self._payroll.list_status_models()["items"]:
            if model["key"] == status_model:
                return model["parameters_schema"]
        return None


class BillingClient:
    """billing keeps each activity's account: the turnover a funder report counts."""

    def __init__(self, billing_rpc):
        self._billing = billing_rpc

    def revenue(self, activity_id: str, start, end) -> Decimal:
        """The revenue booked on the activity's account between `start` and `end` (excl. VAT)."""
        account = self._billing.get_activity_account(
            {"activity_id": activity_id, "from": start.isoformat(), "to": end.isoformat()}
        )
        return sum((Decimal(e["amount"]) for e in account["entries"] if e["kind"] == "revenue"), Decimal(0))
