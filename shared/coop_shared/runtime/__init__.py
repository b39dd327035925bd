"""Adapters of the shared rules to nameko, kombu and SQLAlchemy: the edge of every service."""

import warnings

# eventlet announces its bug-fix-only status on import; docs/adr/001 records that choice.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
