"""Belgian structured communication (OGM/VCS): 10 digits + mod-97 check digits
(docs/domain/payments-and-bank-statements.md).

The 10 digits are the invoice's year (2 digits) and its sequence number (8 digits), so the
communication is unique within the cooperative's invoices and staff can read the invoice
number from it.
"""

from stdnum.be import ogm_vcs


def for_invoice(year: int, sequence: int) -> str:
    """The 12 digits of an invoice's communication: '260000000170' for the first of 2026."""
    digits = f"{year % 100:02d}{sequence:08d}"
    return digits + ogm_vcs.calc_check_digits(digits)


def normalise(text: str | None) -> str | None:
    """The 12 digits of a communication as written by a payer or a bank ('+++…+++', '***…***',
    spaces, slashes), or None when it is not a valid structured communication."""
    if not text:
        return None
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    if len(digits) != 12 or not ogm_vcs.is_valid(digits):
        return None
    return digits


def display(digits: str) -> str:
    """As printed on the invoice: '+++260/0000/00170+++'."""
    return "+++" + ogm_vcs.format(digits) + "+++"
