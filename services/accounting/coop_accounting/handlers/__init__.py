"""Use cases of the accounting service, one module per concern."""
