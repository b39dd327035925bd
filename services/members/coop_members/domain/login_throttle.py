"""How often a login may fail before it must wait (docs/adr/024-accounts-for-people.md).

Two counters, one per account (the normalised e-mail, whether or not a person has it, so that
the answer is the same for an unknown e-mail) and one per client address. Each failure in a row
counts; a success on the account clears the account's counter. Past the free failures the
counter locks for a delay that doubles with each further failure, up to a ceiling — OWASP's
Authentication Cheat Sheet ("account lockout" with an increasing delay) and NIST SP 800-63B
§5.2.2 (at most 100 consecutive failures; here far fewer).

Password reset e-mails have a quota instead: a window opens at the first request and lasts an
hour; at most 3 requests in it per e-mail and 20 per client address are served, the others are
answered the same and send nothing (OWASP Forgot Password Cheat Sheet: protect the request
against flooding; the answer must not tell whether the account exists).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Policy:
    free_failures: int  # failures allowed before the first delay
    first_delay_seconds: int
    max_delay_seconds: int
    forget_after: timedelta  # a counter quiet this long starts again from zero


ACCOUNT = Policy(
    free_failures=5, first_delay_seconds=30, max_delay_seconds=900, forget_after=timedelta(hours=24)
)
# An office behind one address is many people: more room, the same growth.
ADDRESS = Policy(
    free_failures=20, first_delay_seconds=30, max_delay_seconds=900, forget_after=timedelta(hours=1)
)


@dataclass(frozen=True)
class Counter:
    failures: int = 0
    last_failure_at: datetime | None = None
    locked_until: datetime | None = None


def current(counter: Counter, policy: Policy, now: datetime) -> Counter:
    """The counter, forgotten when it has been quiet for `forget_after`."""
    if counter.last_failure_at is not None and now - counter.last_failure_at >= policy.forget_after:
        return Counter()
    return counter


def retry_after(counter: Counter, now: datetime) -> int:
    """Whole seconds to wait before trying again (0: may try now)."""
    if counter.locked_until is None or counter.locked_until <= now:
        return 0
    return max(1, math.ceil((counter.locked_until - now).total_seconds()))


def delay_after(failures: int, policy: Policy) -> int:
    """Seconds locked after `failures` failures in a row: 0 up to the free ones, then 30, 60,
    120, ... up to the ceiling."""
    over = failures - policy.free_failures
    if over < 0:
        return 0
    return min(policy.max_delay_seconds, policy.first_delay_seconds * 2**over)


def after_failure(counter: Counter, policy: Policy, now: datetime) -> Counter:
    failures = current(counter, policy, now).failures + 1
    delay = delay_after(failures, policy)
    return Counter(failures, now, now + timedelta(seconds=delay) if delay else None)


# Password reset e-mails


@dataclass(frozen=True)
class Quota:
    per_window: int  # requests served in one window
    window: timedelta  # from the first request of the window


RESET_PER_ACCOUNT = Quota(per_window=3, window=timedelta(hours=1))
# An office behind one address is many people, and one client asking for many addresses is the
# flood to stop.
RESET_PER_ADDRESS = Quota(per_window=20, window=timedelta(hours=1))


@dataclass(frozen=True)
class Window:
    used: int = 0
    ends_at: datetime | None = None


def open_window(window: Window, now: datetime) -> Window:
    """The window in force at `now`: a new, empty one once the previous has ended."""
    if window.ends_at is None or window.ends_at <= now:
        return Window()
    return window


def has_room(window: Window, quota: Quota, now: datetime) -> bool:
    return open_window(window, now).used < quota.per_window


def after_request(window: Window, quota: Quota, now: datetime) -> Window:
    """The window once one more request is served; the first one opens it."""
    current = open_window(window, now)
    return Window(current.used + 1, current.ends_at or now + quota.window)
