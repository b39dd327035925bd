"""Peppol BIS Billing 3.0 (UBL 2.1): writing the cooperative's e-invoices, and checking any
e-invoice against the official rules (docs/domain/e-invoicing.md)."""
