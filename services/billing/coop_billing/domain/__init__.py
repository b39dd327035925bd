"""Billing rules in plain Python: VAT, numbering, structured communication, payments, ledger."""
