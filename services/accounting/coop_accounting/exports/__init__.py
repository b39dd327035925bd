"""Export formats of the books, discovered as plugins (entry-point group
`coop.accounting_exports`). An export takes the period's entries as plain dicts (see
handlers/exports.py `entry_dicts`) and returns the file's bytes; it knows no database."""

from __future__ import annotations

from coop_shared.plugins import discover

GROUP = "coop.accounting_exports"


def load_exports() -> dict:
    """`name -> export instance` of every installed export."""
    return {name: cls() for name, cls in discover(GROUP).items()}
