"""Calls accounting makes to other services: one class per service called.

Accounting asks members for the declarant of a VAT return with the caller's own credential
(forwarded context data), so members' tenancy rules apply.
"""


class MembersClient:
    def __init__(self, members_rpc, cooperative_slug: str | None):
        self._rpc = members_rpc
        self._slug = cooperative_slug

    def cooperative(self) -> dict:
        """The caller's cooperative: name, VAT number, address, e-mail."""
        return self._rpc.get_cooperative(self._slug)


class BillingClient:
    """The documents behind the sales entries, read with the caller's credential."""

    def __init__(self, billing_rpc):
        self._rpc = billing_rpc

    def invoice_file(self, invoice_id: str, file_format: str) -> dict:
        """{"filename", "content_type", "content" (base64)} of an invoice or credit note as
        `pdf` or `ubl`."""
        return self._rpc.render_invoice({"invoice_id": invoice_id, "format": file_format})

    def statement_files(self, period: str) -> list[dict]:
        """The month's bank statement files as received: name, size, SHA-256."""
        return self._rpc.list_bank_statement_files({"period": period})["items"]

    def statement_file(self, statement_id: str) -> dict:
        """One statement file byte for byte as received: {"filename", "sha256", "content" (base64)}."""
        return self._rpc.render_bank_statement_file({"statement_id": statement_id})


PAGE = 500  # the most list_payslips answers at once


class PayrollClient:
    """The payslips of a month, read with the caller's credential."""

    def __init__(self, payroll_rpc):
        self._rpc = payroll_rpc

    def payslips(self, period: str) -> list[dict]:
        """Every payslip of the month, read a page of 500 at a time (a run of 10,000 members
        is twenty pages; the order of list_payslips never skips or repeats one)."""
        items, offset = [], 0
        while True:
            page = self._rpc.list_payslips({"period": period, "limit": PAGE, "offset": offset})
            items += page["items"]
            offset += PAGE
            if offset >= page["total"] or not page["items"]:
                return items

    def payslip_pdf(self, payslip_id: str) -> dict:
        return self._rpc.render_payslip(payslip_id)
