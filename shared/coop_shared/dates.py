"""The calendar the cooperatives live by: invoices, payslips and reminders are dated in Brussels."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

# A period is a month of this century, 'YYYY-MM': the books are in euros (from 2002) and the
# accountant's pack is a zip, whose timestamps end in 2107; year 0 or 9951 would fail deep
# inside instead of as a ValidationError on the field (found by the HTTP API's schemathesis run).
PERIOD_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"


def brussels_today() -> date:
    """Today's date in Brussels (not the server's UTC date, which lags after 23:00 in summer)."""
    return datetime.now(BRUSSELS).date()
