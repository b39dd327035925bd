"""Accounting books a month's payroll from every payslip of the month, however many pages that
takes (coop_accounting.clients.PayrollClient): a run of 1,201 members is three pages of 500."""

from coop_accounting.clients import PayrollClient


class Payroll:
    def __init__(self, count: int):
        self.slips = [{"id": f"p{n:05d}", "period": "2026-11"} for n in range(count)]
        self.asked: list[tuple[int, int]] = []

    def list_payslips(self, data):
        assert data["limit"] <= 500  # what list_payslips accepts
        self.asked.append((data["offset"], data["limit"]))
        page = self.slips[data["offset"] : data["offset"] + data["limit"]]
        return {"items": page, "total": len(self.slips)}


def test_every_payslip_of_a_large_month_is_read_once_in_order():
    payroll = Payroll(1201)
    slips = PayrollClient(payroll).payslips("2026-11")
    assert [s["id"] for s in slips] == [f"p{n:05d}" for n in range(1201)]
    assert payroll.asked == [(0, 500), (500, 500), (1000, 500)]


def test_a_month_without_payslips_is_one_question():
    payroll = Payroll(0)
    assert PayrollClient(payroll).payslips("2026-11") == []
    assert payroll.asked == [(0, 500)]
