"""accounting: the cooperative's double-entry books, VAT returns and exports for its accountant."""
