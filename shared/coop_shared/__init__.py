"""Code every service of the cooperative back office shares.

The top-level modules (money, errors, identifiers, credentials, plugins, events) are plain
Python and import no framework; `coop_shared.runtime` and `coop_shared.storage` adapt them
to nameko, kombu and SQLAlchemy.
"""

__version__ = "0.1.0"
