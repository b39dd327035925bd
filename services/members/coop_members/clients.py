"""Calls members makes to other services: one class per service called, wrapping its RPC proxy.

Handlers receive these objects, never a raw proxy, so a handler test passes a small fake.
"""

from __future__ import annotations

import base64
from decimal import Decimal

from coop_shared.retention_runs import PersonDataCalls


class PayrollClient(PersonDataCalls):
    """payroll runs the status model plugins, so it states what their parameters look like."""

    def __init__(self, payroll_rpc):
        self._payroll = payroll_rpc

    def _person_rpc(self):
        return self._payroll

    def payslip_file(self, payslip_id: str) -> tuple[str, bytes]:
        return _file(self._payroll.render_payslip(payslip_id))

    def individual_account_file(self, member_id: str, year: int) -> tuple[str, bytes]:
        return _file(
            self._payroll.get_individual_account({"member_id": member_id, "year": year, "format": "pdf"})
        )

    def parameters_schema(self, status_model: str) -> dict | None:
        """The JSON Schema of `status_model`'s parameters, or None when payroll has no such model."""
        for model in self._payroll.list_status_models()["items"]:
            if model["key"] == status_model:
                return model["parameters_schema"]
        return None


# Entries per call when reading an activity's account (billing's largest page).
ACCOUNT_PAGE = 1000


class BillingClient(PersonDataCalls):
    """billing keeps each activity's account: the turnover a funder report counts."""

    def __init__(self, billing_rpc):
        self._billing = billing_rpc

    def _person_rpc(self):
        return self._billing

    def invoice_file(self, invoice_id: str, fmt: str) -> tuple[str, bytes]:
        return _file(self._billing.render_invoice({"invoice_id": invoice_id, "format": fmt}))

    def revenue(self, activity_id: str, start, end) -> Decimal:
        """The revenue booked on the activity's account between `start` and `end` (excl. VAT)."""
        total, offset = Decimal(0), 0
        while True:  # billing answers a page of entries at a time (issue 18)
            account = self._billing.get_activity_account(
                {
                    "activity_id": activity_id,
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "limit": ACCOUNT_PAGE,
                    "offset": offset,
                }
            )
            total += sum(
                (Decimal(e["amount"]) for e in account["entries"] if e["kind"] == "revenue"), Decimal(0)
            )
            if not account.get("page", {}).get("more"):
                return total
            offset += ACCOUNT_PAGE


class NotificationsClient(PersonDataCalls):
    """notifications' deliveries and received events about a person."""

    def __init__(self, notifications_rpc):
        self._notifications = notifications_rpc

    def _person_rpc(self):
        return self._notifications


class AccountingClient(PersonDataCalls):
    """accounting's analytic lines of a person's activities."""

    def __init__(self, accounting_rpc):
        self._accounting = accounting_rpc

    def _person_rpc(self):
        return self._accounting


def person_data_clients(proxies) -> dict:
    """{service: its client} over `proxies` (an object with one attribute per service): the
    service credential's for an export, the caller's own for retention and erasure
    (docs/adr/018-access-retention-erasure.md)."""
    return {
        "billing": BillingClient(proxies.billing),
        "payroll": PayrollClient(proxies.payroll),
        "notifications": NotificationsClient(proxies.notifications),
        "accounting": AccountingClient(proxies.accounting),
    }


def _file(rendered: dict) -> tuple[str, bytes]:
    return rendered["filename"], base64.b64decode(rendered["content"])
