"""The calendar the cooperatives live by: invoices, payslips and reminders are dated in Brussels."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels_today() -> date:
    """Today's date in Brussels (not the server's UTC date, which lags after 23:00 in summer)."""
    return datetime.now(BRUSSELS).date()
