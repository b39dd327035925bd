"""Unit tests reuse ids such as "m1" with different fakes behind them: what notifications keeps
per process (contacts.py) starts empty for each test."""

import pytest

from coop_notifications import contacts
from coop_shared.kept import Kept


@pytest.fixture(autouse=True)
def no_contact_kept(monkeypatch):
    monkeypatch.setattr(contacts, "CONTACTS", Kept(contacts.CONTACT_SECONDS))
