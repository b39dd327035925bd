"""Who may be paid for work, judged from documents and the status model
(docs/domain/right-to-work.md; employer checks of the law of 11 February 2013).

- Nationals of the EEA and Switzerland work freely.
- Others, as employees (`be_salaried`, and `trial`, where the cooperative carries the
  activity): a valid residence document whose labour-market mention is "unlimited", or a
  valid work authorisation.
- Others, as self-employed company directors (`be_director`): a valid professional card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# fmt: off
EEA_AND_SWITZERLAND = frozenset((
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR",
    "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK",
    "SI", "ES", "SE", "IS", "LI", "NO", "CH",
))
# fmt: on
SELF_EMPLOYED_MODELS = frozenset({"be_director"})
EXPIRY_THRESHOLDS = (30, 7)  # days before valid_until when `document_expiring` is emitted


@dataclass(frozen=True)
class Doc:
    kind: str
    reference: str
    valid_from: date | None
    valid_until: date | None
    labour_market: str | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


def judge(
    nationality: str | None, status_model: str | None, documents: list[Doc], on: date
) -> tuple[bool, list[str]]:
    """(allowed, reasons): the reasons say why not, or which document allows."""
    if not nationality:
        return False, ["Nationality unknown: record it before paying the member."]
    if nationality.upper() in EEA_AND_SWITZERLAND:
        return True, [f"National of {nationality.upper()} (EEA/Switzerland): free access to work."]
    valid = [d for d in documents if d.valid_on(on)]
    expired = [d for d in documents if d.valid_until is not None and d.valid_until < on]
    if status_model in SELF_EMPLOYED_MODELS:
        cards = [d for d in valid if d.kind == "professional_card"]
        if cards:
            return True, [f"Professional card {cards[0].reference} valid until {cards[0].valid_until}."]
        reasons = ["A non-EEA company director needs a valid professional card."]
    else:
        allowing = [
            d
            for d in valid
            if d.kind == "work_authorisation"
            # The renewed orange card of an applicant says "labour market: unlimited" after the
            # four-month wait (RD of 2 September 2018, docs/domain/right-to-work.md).
            or (d.kind in ("residence_card", "orange_card") and d.labour_market == "unlimited")
        ]
        if allowing:
            return True, [
                f"{allowing[0].kind.replace('_', ' ').capitalize()} {allowing[0].reference} "
                f"valid until {allowing[0].valid_until}."
            ]
        reasons = [
            "A non-EEA employee needs a valid residence card with unlimited labour-market access "
            "or a valid work authorisation."
        ]
    reasons += [
        f"{d.kind.replace('_', ' ').capitalize()} {d.reference} expired on {d.valid_until}." for d in expired
    ]
    return False, reasons


def due_thresholds(valid_until: date, on: date) -> list[int]:
    """Thresholds reached on `on` (30 then 7 days before expiry), not after the expiry."""
    days_left = (valid_until - on).days
    return [t for t in EXPIRY_THRESHOLDS if 0 <= days_left <= t]
