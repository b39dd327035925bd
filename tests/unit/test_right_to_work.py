"""Right to work, from documents and status model (docs/domain/right-to-work.md)."""

from datetime import date

from coop_members.domain.right_to_work import Doc, due_thresholds, judge

ON = date(2026, 11, 30)
CARD = Doc("residence_card", "B1", date(2026, 1, 1), date(2027, 1, 1), "unlimited")


def test_eea_and_swiss_nationals_work_freely():
    assert judge("BE", "be_salaried", [], ON)[0] and judge("ch", "be_director", [], ON)[0]


def test_unknown_nationality_is_not_guessed():
    allowed, reasons = judge(None, "be_salaried", [CARD], ON)
    assert not allowed and "Nationality unknown" in reasons[0]


def test_employee_needs_unlimited_labour_market_or_a_work_authorisation():
    assert judge("GN", "be_salaried", [CARD], ON) == (True, ["Residence card B1 valid until 2027-01-01."])
    limited = Doc("residence_card", "B2", None, date(2027, 1, 1), "limited")
    assert not judge("GN", "be_salaried", [limited], ON)[0]
    permit = Doc("work_authorisation", "W1", None, date(2027, 1, 1))
    assert judge("GN", "trial", [limited, permit], ON)[0]


def test_expired_card_is_named_in_the_reasons():
    expired = Doc("residence_card", "B3", date(2025, 1, 1), date(2026, 10, 31), "unlimited")
    allowed, reasons = judge("SY", "be_salaried", [expired], ON)
    assert not allowed and reasons[-1] == "Residence card B3 expired on 2026-10-31."


def test_director_needs_a_professional_card_not_a_residence_card():
    assert not judge("ER", "be_director", [CARD], ON)[0]
    card = Doc("professional_card", "PC1", date(2026, 1, 1), date(2027, 6, 30))
    assert judge("ER", "be_director", [card], ON)[0]


def test_reminder_thresholds():
    assert due_thresholds(date(2026, 12, 31), ON) == []
    assert due_thresholds(date(2026, 12, 20), ON) == [30]
    assert due_thresholds(date(2026, 12, 5), ON) == [30, 7]
    assert due_thresholds(date(2026, 11, 29), ON) == []
