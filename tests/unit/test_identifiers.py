import pytest

from coop_shared import identifiers
from coop_shared.errors import ValidationError


def test_valid_numbers_come_back_compact():
    assert identifiers.enterprise_number("0403.170.701") == "0403170701"
    assert identifiers.vat_number("be 0403 170 701") == "BE0403170701"
    assert identifiers.vat_number("FR40303265045") == "FR40303265045"
    assert identifiers.national_number("85.07.30-033.28") == "85073003328"
    assert identifiers.iban("be68 5390 0754 7034") == "BE68539007547034"


@pytest.mark.parametrize("check, value, field", [
    (identifiers.enterprise_number, "0403.170.702", "enterprise_number"),
    (identifiers.vat_number, "0403170701", "vat_number"),           # no country prefix
    (identifiers.belgian_vat_number, "FR40303265045", "vat_number"),
    (identifiers.national_number, "85073003329", "national_number"),  # bad check digits
    (identifiers.iban, "BE68 5390 0754 7035", "iban"),
    (identifiers.bic, "NOTABIC", "bic"),
])
def test_invalid_numbers_name_their_field(check, value, field):
    with pytest.raises(ValidationError) as error:
        check(value)
    assert list(error.value.fields) == [field]
