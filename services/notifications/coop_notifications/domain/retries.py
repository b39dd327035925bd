"""When to try a failed delivery again: e.g. after 1 min, 5 min, 30 min, 2 h, then failed."""

from __future__ import annotations

DEFAULT_DELAYS_SECONDS = (60.0, 300.0, 1800.0, 7200.0)


def next_delay(failures: int, delays: tuple[float, ...]) -> float | None:
    """Seconds to wait after the `failures`-th failure in a row, or None when retries are spent."""
    if failures < 1:
        raise ValueError("next_delay counts failures from 1")
    return delays[failures - 1] if failures <= len(delays) else None
