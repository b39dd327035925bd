"""Portal pages (being written)."""

from coop_web.portal import portal  # noqa: F401
