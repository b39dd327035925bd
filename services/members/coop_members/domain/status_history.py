"""A member's status model over time: periods that never overlap, the latest one open-ended.

Rows are anything with `valid_from` and `valid_until` (None: still running), ordered by
`valid_from`.
"""

from __future__ import annotations

from datetime import date, timedelta


def status_on(history: list, day: date):
    """The period in force on `day`, or None."""
    rows = [s for s in history if s.valid_from <= day and (s.valid_until is None or day <= s.valid_until)]
    return rows[-1] if rows else None


def starts_after_current(history: list, valid_from: date) -> bool:
    """A new period starts after the latest one (history is corrected forward, never rewritten)."""
    return not history or valid_from > history[-1].valid_from


def day_before(valid_from: date) -> date:
    """The last day of the period a new one starting on `valid_from` closes."""
    return valid_from - timedelta(days=1)
