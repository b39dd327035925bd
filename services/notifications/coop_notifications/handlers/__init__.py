"""Use cases of the notifications service, one module per concern."""
