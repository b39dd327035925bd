"""CODA 2.x, the Febelfin "coded statement of account": 128-character records.

Positions below are 1-based as in the Febelfin standard
(docs/domain/payments-and-bank-statements.md); `_field(line, a, b)` reads positions a..b
inclusive. Only records 0, 1, 2.1/2.2/2.3, 3.x, 4, 8 and 9 exist; any other, a line that is not
128 characters, or a trailer whose counts or totals disagree with the movements refuses the
whole file with the line number: a statement is booked entirely or not at all.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from stdnum.be import ogm_vcs

from coop_billing.domain.bank_statements import Movement, Statement, StatementError

RECORD_LENGTH = 128
STRUCTURED_OGM = ("101", "102")  # 101 structured communication, 102 reconstituted by the bank


def _field(line: str, start: int, end: int) -> str:
    return line[start - 1 : end]


def _digits(text: str, count: int) -> bool:
    """Exactly `count` ASCII digits. str.isdigit() is not enough: it accepts '²' (a Latin-1
    byte, so it can be in a CODA file) and every script's digits, which int() and Decimal()
    then read or choke on."""
    return len(text) == count and text.isascii() and text.isdigit()


def _amount(text: str, line_number: int) -> Decimal:
    """15 digits, the last 3 decimals."""
    if not _digits(text, 15):
        raise StatementError(f"amount '{text}' is not 15 digits", line_number)
    return Decimal(text) / 1000


def _date(text: str, line_number: int) -> date | None:
    """DDMMYY; zeros or blanks for no date. An impossible date (310226) refuses the file."""
    if text in ("000000", "      "):
        return None
    try:
        return _ddmmyy(text)
    except ValueError:
        raise StatementError(f"date '{text}' is not DDMMYY", line_number) from None


@lru_cache(maxsize=4096)
def _ddmmyy(text: str) -> date:
    """A statement's few dates, read once each (an error is not kept: it raises again)."""
    if not _digits(text, 6):
        raise ValueError(text)
    return datetime.strptime(text, "%d%m%y").date()


@lru_cache(maxsize=4096)
def _valid_ogm(digits: str) -> bool:
    """The check digits of an OGM, computed once per communication of the file."""
    return ogm_vcs.is_valid(digits)


def _signed(sign: str, amount: Decimal, line_number: int) -> Decimal:
    if sign not in "01" or len(sign) != 1:
        raise StatementError(f"sign '{sign}' is neither 0 (credit) nor 1 (debit)", line_number)
    return amount if sign == "0" else -amount


def _account(line: str, line_number: int) -> tuple[str | None, str]:
    """Record 1/8 account (positions 6..42 for record 1): structure 2 = Belgian IBAN."""
    structure = _field(line, 2, 2)
    if structure == "2":
        return _field(line, 6, 21).strip(), _field(line, 40, 42)
    if structure == "3":
        return _field(line, 6, 39).strip(), _field(line, 40, 42)
    if structure == "0":
        return None, _field(line, 19, 21)
    if structure == "1":
        return None, _field(line, 40, 42)
    raise StatementError(f"account structure '{structure}' unknown", line_number)


@dataclass
class _Reading:
    """What the records read so far said: balances, movements, the counts the trailer checks."""

    header: dict | None = None
    old: dict | None = None  # record 1, the old balance
    new: dict | None = None  # record 8, the new balance
    trailer: dict | None = None  # record 9
    movements: list[Movement] = field(default_factory=list)  # booked, in file order
    group: list[dict] = field(default_factory=list)  # the records of the movement being read
    last: dict | None = None  # the last 2.1 record, which 2.2 and 2.3 continue
    counted: int = 0  # records 1, 2, 3 and 8, as the trailer counts them
    debit_total: Decimal = Decimal(0)
    credit_total: Decimal = Decimal(0)


def parse(content: bytes | str) -> Statement:
    """The statement of a CODA file, or StatementError naming the line."""
    lines = _byte_lines(content) if isinstance(content, bytes) else _lines(content)
    reading, number = _Reading(), 0
    for number, line in enumerate(lines, start=1):
        _read_record(reading, line, number)
    if number == 0:
        raise StatementError("the file is empty")
    return _statement(reading, number)


# What str.splitlines() breaks lines at besides \n and \r (a Latin-1 file may hold \x85...).
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _lines(text: str):
    """The lines of `text.splitlines()`, one at a time: a 50,000-movement file is not held
    twice (as its text and as a list of its lines)."""
    if _OTHER_BREAKS.search(text) is None:  # the usual file: \n, \r\n or \r only
        for line in io.StringIO(text, newline=""):
            if line.endswith("\n"):
                yield line[:-2] if line.endswith("\r\n") else line[:-1]
            else:
                yield line[:-1] if line.endswith("\r") else line
        return
    start = 0
    for found in _LINE_BREAK.finditer(text):
        yield text[start : found.start()]
        start = found.end()
    if start < len(text):
        yield text[start:]


# The same breaks in Latin-1 bytes (U+2028 and U+2029 are not Latin-1 characters).
_BYTE_LINE_BREAK = re.compile(b"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85]")


def _byte_lines(content: bytes):
    """`_lines(content.decode("latin-1"))` one line decoded at a time: a 20 MB file is not
    held a second time as its text (issue 18). Latin-1 maps each byte to the character of the
    same number, so a break is the same byte in the file and in its text."""
    start = 0
    for found in _BYTE_LINE_BREAK.finditer(content):
        yield content[start : found.start()].decode("latin-1")
        start = found.end()
    if start < len(content):
        yield content[start:].decode("latin-1")


def _read_record(reading: _Reading, line: str, number: int) -> None:
    if len(line) != RECORD_LENGTH:
        raise StatementError(f"a CODA record has {RECORD_LENGTH} characters, this one {len(line)}", number)
    kind = line[0]
    if reading.trailer is not None:
        raise StatementError("a record after the trailer (record 9)", number)
    if kind == "0":
        _header(reading, line, number)
        return
    if reading.header is None:
        raise StatementError("the file does not start with a header (record 0)", number)
    read = RECORDS.get(kind)
    if read is None:
        raise StatementError(f"record type '{kind}' does not exist in CODA", number)
    read(reading, line, number)


def _header(reading: _Reading, line: str, number: int) -> None:
    if reading.header is not None:
        raise StatementError("a second header (record 0)", number)
    if _field(line, 128, 128) != "2":
        raise StatementError("only CODA version 2 is read (position 128 must be 2)", number)
    reading.header = {"created": _date(_field(line, 6, 11), number)}


def _old_balance(reading: _Reading, line: str, number: int) -> None:
    reading.counted += 1
    iban, currency = _account(line, number)
    reading.old = {
        "iban": iban,
        "currency": currency,
        "number": _field(line, 3, 5),
        "balance": _signed(_field(line, 43, 43), _amount(_field(line, 44, 58), number), number),
        "date": _date(_field(line, 59, 64), number),
        "holder": _field(line, 65, 90).strip() or None,
    }


def _movement(reading: _Reading, line: str, number: int) -> None:
    """Record 2.1 opens a movement (detail 0000 counts in the totals); 2.2 and 2.3 continue it."""
    reading.counted += 1
    if reading.old is None:
        raise StatementError("a movement before the old balance (record 1)", number)
    article = line[1]
    if article == "1":
        amount = _signed(_field(line, 32, 32), _amount(_field(line, 33, 47), number), number)
        if _field(line, 7, 10) == "0000":
            if amount < 0:
                reading.debit_total += -amount
            else:
                reading.credit_total += amount
        item = _movement_21(line, number, amount)
        if item["detail"] == "0000":
            _book_group(reading)
        reading.group.append(item)
        reading.last = item
    elif article in "23":
        if reading.last is None or _field(line, 3, 10) != reading.last["key"]:
            raise StatementError(f"record 2.{article} does not continue the movement before it", number)
        reading.last.update(_continuation(line, article))
    else:
        raise StatementError(f"record 2.{article} does not exist", number)


def _information(reading: _Reading, line: str, number: int) -> None:
    reading.counted += 1
    if line[1] not in "123":
        raise StatementError(f"record 3.{line[1]} does not exist", number)


def _free_communication(reading: _Reading, line: str, number: int) -> None:
    """Record 4, free communication of the bank: not counted in the trailer."""


def _new_balance(reading: _Reading, line: str, number: int) -> None:
    reading.counted += 1
    reading.new = {
        "balance": _signed(_field(line, 42, 42), _amount(_field(line, 43, 57), number), number),
        "date": _date(_field(line, 58, 63), number),
    }


def _trailer(reading: _Reading, line: str, number: int) -> None:
    reading.trailer = {
        "line": number,
        "count": _field(line, 17, 22),
        "debit": _field(line, 23, 37),
        "credit": _field(line, 38, 52),
    }


RECORDS = {
    "1": _old_balance,
    "2": _movement,
    "3": _information,
    "4": _free_communication,
    "8": _new_balance,
    "9": _trailer,
}


def _statement(reading: _Reading, line_count: int) -> Statement:
    """The statement once every record was read: complete, counted and balanced, or refused."""
    trailer, old, new = reading.trailer, reading.old, reading.new
    if trailer is None:
        raise StatementError("the file has no trailer (record 9): it may be truncated", line_count)
    if old is None or new is None:
        raise StatementError("the file has no old or no new balance (records 1 and 8)", trailer["line"])
    _check_trailer(trailer, reading.counted, reading.debit_total, reading.credit_total)
    _book_group(reading)
    moved = reading.credit_total - reading.debit_total
    if old["balance"] + moved != new["balance"]:
        raise StatementError(
            f"old balance {old['balance']:.2f} + movements {moved:.2f} is not "
            f"the new balance {new['balance']:.2f}",
            trailer["line"],
        )
    return Statement(
        format="coda",
        account_iban=old["iban"],
        currency=old["currency"],
        number=old["number"],
        opening_balance=old["balance"],
        opening_date=old["date"],
        closing_balance=new["balance"],
        closing_date=new["date"],
        holder_name=old["holder"],
        movements=reading.movements,
    )


def _check_trailer(trailer: dict, counted: int, debit: Decimal, credit: Decimal) -> None:
    line = trailer["line"]
    if not _digits(trailer["count"], 6) or int(trailer["count"]) != counted:
        raise StatementError(
            f"the trailer counts {trailer['count'].strip()} records, the file has {counted}", line
        )
    for name, text, total in (("debit", trailer["debit"], debit), ("credit", trailer["credit"], credit)):
        if _amount(text, line) != total:
            raise StatementError(
                f"the trailer's {name} total {_amount(text, line):.2f} is not the sum of the "
                f"movements {total:.2f}",
                line,
            )


def _movement_21(line: str, number: int, amount: Decimal) -> dict:
    structured, communication = None, ""
    if _field(line, 62, 62) == "1":
        kind, digits = _field(line, 63, 65), _field(line, 66, 77)
        if kind in STRUCTURED_OGM and _digits(digits, 12) and _valid_ogm(digits):
            structured = digits
        else:
            communication = _field(line, 63, 115).strip()
    else:
        communication = _field(line, 63, 115).rstrip()
    return {
        "key": _field(line, 3, 10),
        "detail": _field(line, 7, 10),
        "line": number,
        "globalised": _field(line, 125, 125) not in ("0", " "),
        "reference": _field(line, 11, 31).strip(),
        "amount": amount,
        "value_date": _date(_field(line, 48, 53), number),
        "entry_date": _date(_field(line, 116, 121), number),
        "structured": structured,
        "communication": communication,
    }


def _continuation(line: str, article: str) -> dict:
    if article == "2":
        return {
            "communication_2": _field(line, 11, 63).rstrip(),
            "bic": _field(line, 99, 109).strip() or None,
        }
    return {
        "iban": _field(line, 11, 44).strip() or None,
        "name": _field(line, 48, 82).strip() or None,
        "communication_3": _field(line, 83, 125).rstrip(),
    }


def _book_group(reading: _Reading) -> None:
    """One Movement per payment of the movement read so far (its 2.1 record with detail 0000
    and the records after it, grouped by position because the 4-digit sequence number wraps
    after 9999 in large statements): a globalised movement is replaced by its details. Booked
    as the next movement starts, so the records of one movement only are held at a time."""
    items, reading.group = reading.group, []
    if not items:
        return
    head, details = items[0], items[1:]
    for item in details if head["globalised"] and details else (head,):
        communication = (
            item["communication"] + item.get("communication_2", "") + item.get("communication_3", "")
        )
        reading.movements.append(
            Movement(
                reference=item["reference"] or f"L{item['line']}",
                amount=item["amount"],
                value_date=item["value_date"],
                entry_date=item["entry_date"],
                structured_communication=item["structured"],
                communication=communication.strip(),
                counterparty_name=item.get("name"),
                counterparty_iban=item.get("iban"),
                counterparty_bic=item.get("bic"),
                line=item["line"],
            )
        )
