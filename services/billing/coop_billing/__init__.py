"""billing: invoices under the cooperative's name, payments and the activity ledger."""
