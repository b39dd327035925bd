"""Plugin discovery through entry points (status models, notification channels).

Built-ins register through the same entry-point groups as a third-party package would, so
there is one path to test. A plugin that fails to load is reported as one typed error naming
the entry point instead of crashing the service with an import traceback.
"""

from __future__ import annotations

from importlib.metadata import entry_points


class PluginLoadError(Exception):
    """An entry point of a plugin group could not be imported or built."""


def discover(group: str) -> dict:
    """Load every plugin of `group`, keyed by entry-point name."""
    found = {}
    for entry_point in entry_points(group=group):
        try:
            found[entry_point.name] = entry_point.load()
        except Exception as exc:  # any import error of third-party code
            raise PluginLoadError(
                f"Plugin '{entry_point.name}' of group '{group}' ({entry_point.value}) failed to load: {exc}"
            ) from exc
    return found
