"""ISO 20022 camt.053 (001.02 and 001.08), the XML statement Belgian banks also deliver
(Febelfin "XML message for statement", docs/domain/payments-and-bank-statements.md).

Elements are read by local name, so one reader serves both versions (001.08 moved the
party name under `Pty` and the status under `Cd`). The Belgian structured communication is
`RmtInf/Strd/CdtrRefInf/Ref`; a reference that is not a valid OGM is kept as free text. The
statement must balance: opening + credits − debits = closing, else nothing is booked.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from stdnum.be import ogm_vcs

from coop_billing.domain.bank_statements import Movement, Statement, StatementError
from coop_shared import xml_input

# ISO 20022 ActiveOrHistoricCurrencyAndAmount: at most 18 digits, 5 of them decimals, a dot,
# no sign, no exponent. ASCII digits only: Python's Decimal() also reads "١٢" or "1e3".
AMOUNT = re.compile(r"[0-9]{1,13}(\.[0-9]{1,5})?", re.ASCII)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
ISO_DATE_TIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?",
    re.ASCII,
)

NAMESPACES = (
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element, path: str):
    """The first element down `path` ('A/B/C'), matching local names only."""
    current = [element]
    for step in path.split("/"):
        current = [child for parent in current for child in parent if _local(child.tag) == step]
        if not current:
            return None
    return current[0]


def _all(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _text(element, path: str) -> str | None:
    found = _find(element, path)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def _line(element) -> int | None:
    return getattr(element, "sourceline", None)


def _decimal(element, path: str, what: str) -> Decimal:
    """The amount at `path` under `element`, or StatementError naming its line."""
    found = _find(element, path)
    text = (found.text or "").strip() if found is not None else ""
    if not AMOUNT.fullmatch(text):
        line = _line(found if found is not None else element)
        raise StatementError(f"{what} {text!r} is not an amount (digits, a dot, at most 5 decimals)", line)
    return Decimal(text)


def _date(element, path: str) -> date | None:
    """The date of `path/Dt` or `path/DtTm`; a malformed or impossible date (31 February)
    refuses the file with its line."""
    found = _find(element, f"{path}/Dt")
    pattern = ISO_DATE
    if found is None:
        found, pattern = _find(element, f"{path}/DtTm"), ISO_DATE_TIME
    if found is None:
        return None
    text = (found.text or "").strip()
    matched = pattern.fullmatch(text)
    try:
        if matched is None:
            raise ValueError
        return date.fromisoformat(matched.group(1) if pattern is ISO_DATE_TIME else text)
    except ValueError:
        raise StatementError(
            f"{_local(found.tag)} {text!r} is not a date (YYYY-MM-DD)", _line(found)
        ) from None


def _signed(element, amount: Decimal) -> Decimal:
    indicator = _text(element, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise StatementError(f"CdtDbtInd '{indicator}' is neither CRDT nor DBIT", _line(element))
    return amount if indicator == "CRDT" else -amount


def _balance(statement, codes: tuple[str, ...]):
    for balance in _all(statement, "Bal"):
        if _text(balance, "Tp/CdOrPrtry/Cd") in codes:
            return _signed(balance, _decimal(balance, "Amt", "balance")), _date(balance, "Dt")
    raise StatementError(f"no balance of type {' or '.join(codes)}")


def parse(content: bytes | str) -> Statement:
    try:
        root = xml_input.parse(content)  # defusedxml first: no DTD, entity or external reference
    except xml_input.UnsafeXml as exc:
        raise StatementError(str(exc), exc.line) from None
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace not in NAMESPACES:
        raise StatementError(f"not a camt.053.001.02 or .08 document (namespace '{namespace}')")
    statement = _find(root, "BkToCstmrStmt/Stmt")
    if statement is None:
        raise StatementError("no BkToCstmrStmt/Stmt element")
    opening, opening_date = _balance(statement, ("OPBD", "PRCD"))
    closing, closing_date = _balance(statement, ("CLBD",))
    movements = []
    for entry in _all(statement, "Ntry"):
        status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
        read = _movements(entry)  # every entry is checked, booked or not: one bad entry refuses the file
        if status not in (None, "BOOK"):
            continue  # pending or informational entries are not on the balance
        movements.extend(read)
    total = sum((m.amount for m in movements), Decimal(0))
    if opening + total != closing:
        raise StatementError(
            f"opening balance {opening} + movements {total} is not the closing balance {closing}",
            _line(statement),
        )
    return Statement(
        format="camt053",
        account_iban=_text(statement, "Acct/Id/IBAN"),
        currency=_text(statement, "Acct/Ccy") or "EUR",
        number=_text(statement, "Id") or "",
        opening_balance=opening,
        opening_date=opening_date,
        closing_balance=closing,
        closing_date=closing_date,
        holder_name=_text(statement, "Acct/Ownr/Nm"),
        movements=movements,
    )


def _movements(entry) -> list[Movement]:
    """The movements of one entry: the entry itself, or one per transaction it details."""
    amount = _signed(entry, _decimal(entry, "Amt", "entry amount"))
    reference = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef") or ""
    details = [tx for block in _all(entry, "NtryDtls") for tx in _all(block, "TxDtls")]
    if not details:
        return [
            Movement(
                reference=reference,
                amount=amount,
                value_date=_date(entry, "ValDt"),
                entry_date=_date(entry, "BookgDt"),
                line=_line(entry),
            )
        ]
    movements = []
    for index, tx in enumerate(details):
        # Read (and so check) the transaction's own amount even where the entry's is used.
        path = next((p for p in ("Amt", "AmtDtls/TxAmt/Amt") if _find(tx, p) is not None), None)
        own = _decimal(tx, path, "transaction amount") if path else None
        tx_amount = amount if len(details) == 1 or own is None else own * (1 if amount > 0 else -1)
        tx_reference = _text(tx, "Refs/AcctSvcrRef") or (
            f"{reference}/{index + 1}" if len(details) > 1 else reference
        )
        movements.append(_transaction(entry, tx, tx_amount, tx_reference, credit=amount > 0))
    return movements


def _remittance(tx) -> tuple[str | None, str]:
    """(the 12 digits of a valid OGM or None, the free text); a reference that is not a valid
    OGM joins the free text."""
    remittance = _find(tx, "RmtInf")
    unstructured = _all(remittance, "Ustrd") if remittance is not None else []
    structured, communication = None, " ".join(u.text.strip() for u in unstructured if u.text)
    ref = _text(tx, "RmtInf/Strd/CdtrRefInf/Ref")
    if ref:
        digits = "".join(ch for ch in ref if ch.isdigit())
        if len(digits) == 12 and ogm_vcs.is_valid(digits):
            structured = digits
        else:
            communication = (communication + " " + ref).strip()
    return structured, communication


def _transaction(entry, tx, amount: Decimal, reference: str, credit: bool) -> Movement:
    """One detailed transaction; the counterparty is the debtor of a credit, the creditor of a
    debit."""
    party = "Dbtr" if credit else "Cdtr"
    structured, communication = _remittance(tx)
    return Movement(
        reference=reference,
        amount=amount,
        value_date=_date(entry, "ValDt"),
        entry_date=_date(entry, "BookgDt"),
        structured_communication=structured,
        communication=communication,
        counterparty_name=_text(tx, f"RltdPties/{party}/Nm") or _text(tx, f"RltdPties/{party}/Pty/Nm"),
        counterparty_iban=_text(tx, f"RltdPties/{party}Acct/Id/IBAN"),
        counterparty_bic=_text(tx, f"RltdAgts/{party}Agt/FinInstnId/BIC")
        or _text(tx, f"RltdAgts/{party}Agt/FinInstnId/BICFI"),
        line=_line(tx),
    )
