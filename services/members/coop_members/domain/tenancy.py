"""Codes of activities. Which cooperative a call acts on and what a `member` key may see are
shared rules: coop_shared.credentials."""


def activity_code(number: int) -> str:
    """Human code of the n-th activity of a cooperative: 'A0001', 'A0002', ..."""
    return f"A{number:04d}"
