"""Unit tests reuse ids such as "m1" with different fakes behind them: what notifications keeps
per process (contacts.py) and the rates billing keeps (clients.py) start empty for each test."""

import pytest

from coop_billing import clients
from coop_notifications import contacts
from coop_shared.kept import Kept


@pytest.fixture(autouse=True)
def no_contact_kept(monkeypatch):
    monkeypatch.setattr(contacts, "CONTACTS", Kept(contacts.CONTACT_SECONDS))
    monkeypatch.setattr(clients, "RATES", Kept(clients.RATE_SECONDS))
