"""Console pages: bank (being written)."""

from coop_web.console import console  # noqa: F401
