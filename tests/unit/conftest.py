"""Unit tests reuse ids such as "m1" with different fakes behind them: what notifications keeps
per process (contacts.py) starts empty for each test."""

import pytest

from coop_notifications import contacts


@pytest.fixture(autouse=True)
def no_contact_kept(monkeypatch):
    monkeypatch.setattr(contacts, "_kept", {})
    monkeypatch.setattr(contacts, "_forgotten", {})
