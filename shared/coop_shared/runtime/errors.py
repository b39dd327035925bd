"""Register the typed errors with nameko so callers receive real types, not RemoteError.

nameko rebuilds a remote exception from its module path when that path is in its registry
(nameko.exceptions.deserialize); registering our classes there is the documented way.
"""

from nameko.exceptions import deserialize_to_instance

from coop_shared.errors import ALL_ERRORS

for _error in ALL_ERRORS:
    deserialize_to_instance(_error)
