"""Use cases of billing: each takes the unit of work, the caller's identity, the members
directory where needed and a validated payload; it applies the rules, stores, and records its
events in the outbox, in one transaction."""
