"""Documents billing produces from an issued invoice: PDF (and, later, Peppol UBL)."""
