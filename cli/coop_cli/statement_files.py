"""Bank statement files as banks write them, for the demo and the import tests: CODA 2 with
the Febelfin record layout (128 characters, positions as in docs/domain/payments-and-bank-statements.md) and
camt.053.001.02/.08. Written independently of billing's parsers: each record is built field
by field and its length checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Line:
    amount: Decimal  # signed: + money in, − money out
    ogm: str | None = None  # 12 digits of a structured communication
    text: str = ""  # free communication when there is no OGM
    name: str = ""
    iban: str = ""
    reference: str = ""


def _record(*fields: tuple[str, int]) -> str:
    """Fields (text, width) left-justified and cut to width; the record must be 128 characters."""
    record = "".join(str(text)[:width].ljust(width) for text, width in fields)
    if len(record) != 128:
        raise ValueError(f"a CODA record has 128 characters, not {len(record)}: {record!r}")
    return record


def _amount(value: Decimal) -> str:
    return f"{int(abs(value) * 1000):015d}"


def _sign(value: Decimal) -> str:
    return "0" if value >= 0 else "1"


def _day(value: date) -> str:
    return value.strftime("%d%m%y")


def coda(
    account_iban: str,
    holder: str,
    number: int,
    opening: Decimal,
    lines: list[Line],
    on: date,
    bic: str = "GKCCBEBB",
) -> str:
    """A CODA 2 statement: header (0), old balance (1), three records per movement (2.1, 2.2,
    2.3), new balance (8) and trailer (9)."""
    records = [_header(holder, bic, on), _old_balance(account_iban, holder, number, opening, on)]
    for index, line in enumerate(lines, start=1):
        records += _movement(line, index, number, on)
    debit = sum((-line.amount for line in lines if line.amount < 0), Decimal(0))
    credit = sum((line.amount for line in lines if line.amount >= 0), Decimal(0))
    records.append(_new_balance(account_iban, number, opening + credit - debit, on))
    counted = len(records) - 1  # records 1, 2.x and 8 (not the header)
    records.append(
        _record(
            ("9", 1),
            ("", 15),
            (f"{counted:06d}", 6),
            (_amount(debit), 15),
            (_amount(credit), 15),
            ("", 75),
            ("2", 1),
        )
    )
    return "\r\n".join(records) + "\r\n"


def _header(holder: str, bic: str, on: date) -> str:
    return _record(
        ("0", 1),
        ("0000", 4),
        (_day(on), 6),
        ("300", 3),
        ("05", 2),
        (" ", 1),
        ("", 7),
        ("", 10),
        (holder, 26),
        (bic, 11),
        ("", 11),
        ("", 1),
        ("00000", 5),
        ("", 16),
        ("", 16),
        ("", 7),
        ("2", 1),
    )


def _old_balance(account_iban: str, holder: str, number: int, opening: Decimal, on: date) -> str:
    return _record(
        ("1", 1),
        ("2", 1),
        (f"{number:03d}", 3),
        (account_iban, 16),
        ("", 18),
        ("EUR", 3),
        (_sign(opening), 1),
        (_amount(opening), 15),
        (_day(on), 6),
        (holder, 26),
        ("Compte courant", 35),
        (f"{number:03d}", 3),
    )


def _movement(line: Line, index: int, number: int, on: date) -> list[str]:
    """Records 2.1 (amount, communication), 2.2 (counterparty BIC), 2.3 (counterparty)."""
    sequence = f"{index % 10000:04d}"  # four digits: the sequence wraps in large statements
    kind, communication = ("1", f"101{line.ogm}") if line.ogm else ("0", line.text)
    reference = line.reference or f"{on:%y%m%d}{number:03d}{index:06d}ABCDEFG"
    return [
        _record(
            ("21", 2),
            (sequence, 4),
            ("0000", 4),
            (reference, 21),
            (_sign(line.amount), 1),
            (_amount(line.amount), 15),
            (_day(on), 6),
            ("00150000", 8),
            (kind, 1),
            (communication, 53),
            (_day(on), 6),
            (f"{number:03d}", 3),
            ("0", 1),
            ("1", 1),
            ("", 1),
            ("0", 1),
        ),
        _record(
            ("22", 2),
            (sequence, 4),
            ("0000", 4),
            ("", 53),
            ("", 35),
            ("GEBABEBB", 11),
            ("", 3),
            ("", 1),
            ("", 4),
            ("", 4),
            ("", 4),
            ("1", 1),
            ("", 1),
            ("0", 1),
        ),
        _record(
            ("23", 2),
            (sequence, 4),
            ("0000", 4),
            (line.iban, 34),
            ("EUR", 3),
            (line.name, 35),
            ("", 43),
            ("0", 1),
            ("", 1),
            ("0", 1),
        ),
    ]


def _new_balance(account_iban: str, number: int, closing: Decimal, on: date) -> str:
    return _record(
        ("8", 1),
        (f"{number:03d}", 3),
        (account_iban, 16),
        ("", 18),
        ("EUR", 3),
        (_sign(closing), 1),
        (_amount(closing), 15),
        (_day(on), 6),
        ("", 64),
        ("0", 1),
    )


def camt053(
    account_iban: str,
    holder: str,
    number: str,
    opening: Decimal,
    lines: list[Line],
    on: date,
    version: str = "02",
) -> str:
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    closing = opening + sum((line.amount for line in lines), Decimal(0))

    def balance(code, amount):
        return (
            f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(amount):.2f}</Amt>'
            f"<CdtDbtInd>{'CRDT' if amount >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{on.isoformat()}</Dt></Dt></Bal>"
        )

    entries = []
    for index, line in enumerate(lines, start=1):
        credit = line.amount >= 0
        party, status = (
            ("Dbtr" if credit else "Cdtr"),
            ("<Sts><Cd>BOOK</Cd></Sts>" if version == "08" else "<Sts>BOOK</Sts>"),
        )
        name = (
            f"<Pty><Nm>{escape(line.name)}</Nm></Pty>" if version == "08" else f"<Nm>{escape(line.name)}</Nm>"
        )
        remittance = (
            f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
            f"<Ref>{line.ogm}</Ref></CdtrRefInf></Strd>"
            if line.ogm
            else f"<Ustrd>{escape(line.text)}</Ustrd>"
        )
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{abs(line.amount):.2f}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>'
            f"{status}<BookgDt><Dt>{on.isoformat()}</Dt></BookgDt><ValDt><Dt>{on.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{line.reference or f'{number}-{index:06d}'}</AcctSvcrRef><BkTxCd/><NtryDtls><TxDtls>"
            f"<RltdPties><{party}>{name}</{party}><{party}Acct><Id><IBAN>{line.iban}</IBAN></Id></{party}Acct>"
            f"</RltdPties><RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{namespace}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{number}</MsgId><CreDtTm>{on.isoformat()}T08:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{number}</Id><CreDtTm>{on.isoformat()}T08:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>{escape(holder)}</Nm></Ownr></Acct>"
        f"{balance('OPBD', opening)}{balance('CLBD', closing)}{''.join(entries)}</Stmt></BkToCstmrStmt></Document>"
    )
