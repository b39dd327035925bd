"""What a process keeps of another service's answers: for `seconds` at most, forgotten at once
when the owner announces a change (a broadcast every instance hears), and never put back by an
answer that was asked for before the announcement (it may hold the old value).

Used for billing's activities, cooperatives and activities' contribution rates, and for
notifications' cooperatives and contacts (issue 18; docs/adr/027-invoice-path-speed.md,
docs/adr/028-contacts-kept-by-notifications.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable


class Kept:
    def __init__(self, seconds: float, most: int = 10_000, clock=time.monotonic):
        self.seconds, self.most, self.clock = seconds, most, clock
        self._values: dict[Hashable, tuple[float, object]] = {}
        self._forgotten: dict[Hashable, float] = {}  # when each was last announced changed
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        """The value as last read, if read at most `seconds` ago and not forgotten since."""
        entry = self._values.get(key)
        if entry is None or self.clock() - entry[0] > self.seconds:
            return None
        return entry[1]

    def now(self) -> float:
        """The moment to pass to `keep`, taken before asking."""
        return self.clock()

    def keep(self, key: Hashable, value, read_at: float) -> None:
        with self._lock:
            forgotten = self._forgotten.get(key)
            if forgotten is not None and forgotten >= read_at:
                return  # announced changed after this answer was asked for
            if len(self._values) >= self.most:
                self._values.clear()  # more than the installation has: start afresh
            self._values[key] = (read_at, value)

    def forget(self, key: Hashable) -> None:
        """Read it again next time; an answer already on its way is not kept."""
        with self._lock:
            self._values.pop(key, None)
            if len(self._forgotten) >= self.most:
                self._forgotten.clear()
            self._forgotten[key] = self.clock()
