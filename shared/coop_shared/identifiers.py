"""Belgian and European identifiers, checked with python-stdnum and schwifty.

Each function returns the identifier in its compact, canonical form or raises
`ValidationError` naming the field, so the caller never stores a number that a bank,
the Crossroads Bank for Enterprises or the VIES service would refuse.
"""

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_errors
from stdnum.be import iban as be_iban
from stdnum.be import ssn as be_ssn
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat

from coop_shared.errors import ValidationError


def _refuse(field, message):
    raise ValidationError(fields={field: [message]})


def enterprise_number(value: str, field="enterprise_number") -> str:
    """A Belgian enterprise number (KBO/BCE), 10 digits with a mod-97 check: '0403170701'."""
    try:
        return be_vat.validate(str(value))
    except stdnum_errors.ValidationError as exc:
        _refuse(field, f"Not a valid Belgian enterprise number ({exc.message}).")


def vat_number(value: str, field="vat_number") -> str:
    """An EU VAT number with its country prefix, checked by the rules of that country."""
    try:
        compact = eu_vat.validate(str(value))
    except stdnum_errors.ValidationError as exc:
        _refuse(field, f"Not a valid EU VAT number ({exc.message}).")
    if not eu_vat.guess_country(compact) or not compact[:2].isalpha():
        _refuse(field, "A VAT number starts with its country code, e.g. BE0403170701.")
    return compact


def belgian_vat_number(value: str, field="vat_number") -> str:
    """A Belgian VAT number, 'BE' followed by the enterprise number."""
    compact = vat_number(value, field)
    if not compact.startswith("BE"):
        _refuse(field, "A Belgian VAT number starts with BE.")
    return compact


def national_number(value: str, field="national_number") -> str:
    """A Belgian national register number or BIS number (11 digits, mod-97 check)."""
    try:
        return be_ssn.validate(str(value))
    except stdnum_errors.ValidationError as exc:
        _refuse(field, f"Not a valid national register or BIS number ({exc.message}).")


def iban(value: str, field="iban") -> str:
    """An IBAN in its compact form, checked for country length and mod-97; a Belgian one also
    for its national check digits and a bank code that exists (docs/domain/identifiers.md)."""
    try:
        compact = IBAN(str(value)).compact
    except (SchwiftyException, ValueError) as exc:
        _refuse(field, f"Not a valid IBAN ({exc}).")
    if compact.startswith("BE"):
        try:
            be_iban.validate(compact)
        except stdnum_errors.ValidationError as exc:
            _refuse(field, f"Not a valid Belgian IBAN ({exc.message}).")
    return compact


def bic(value: str, field="bic") -> str:
    """A BIC (SWIFT code), 8 or 11 characters."""
    try:
        return str(BIC(str(value)))
    except (SchwiftyException, ValueError) as exc:
        _refuse(field, f"Not a valid BIC ({exc}).")
