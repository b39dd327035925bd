"""Which of a member's fields each rectification method changes (GDPR art. 16;
docs/domain/personal-data.md); the comparison and the history's form are
coop_shared.rectification, shared with billing's customers."""

from __future__ import annotations

IDENTITY_FIELDS = ("first_name", "last_name", "birth_date", "national_number")
ADDRESS_FIELDS = ("address",)
IBAN_FIELDS = ("iban",)
# Shown masked in the history, as everywhere else (docs/adr/017-personal-data-at-rest-and-rectification.md).
MASKED_FIELDS = ("national_number",)
