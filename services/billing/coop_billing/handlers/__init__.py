"""Use cases of billing: each takes the unit of work (coop_shared.unit_of_work), the caller's
identity, the members client where needed and a validated payload; it checks the caller's role,
applies the rules, stores through `uow.repo`, and records its events in the outbox, in one
transaction."""
