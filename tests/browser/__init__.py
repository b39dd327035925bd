"""Flows of the staff console and the entrepreneur portal in a real browser (tests/browser/conftest.py)."""
