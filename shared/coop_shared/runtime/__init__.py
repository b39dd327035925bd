"""Adapters of the shared rules to nameko, kombu and SQLAlchemy: the edge of every service."""
