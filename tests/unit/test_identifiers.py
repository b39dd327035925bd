import pytest

from coop_shared import identifiers
from coop_shared.errors import ValidationError


def test_valid_numbers_come_back_compact():
    assert identifiers.enterprise_number("0403.170.701") == "0403170701"
    assert identifiers.vat_number("be 0403 170 701") == "BE0403170701"
    assert identifiers.vat_number("FR40303265045") == "FR40303265045"
    assert identifiers.national_number("85.07.30-033.28") == "85073003328"
    assert identifiers.iban("be71 0961 2345 6769") == "BE71096123456769"
    assert identifiers.iban("FR14 2004 1010 0505 0001 3M02 606") == "FR1420041010050500013M02606"


@pytest.mark.parametrize(
    "check, value, field",
    [
        (identifiers.enterprise_number, "0403.170.702", "enterprise_number"),
        (identifiers.vat_number, "0403170701", "vat_number"),  # no country prefix
        (identifiers.belgian_vat_number, "FR40303265045", "vat_number"),
        (identifiers.national_number, "85073003329", "national_number"),  # bad check digits
        (identifiers.iban, "BE71 0961 2345 6768", "iban"),  # mod-97 fails
        (identifiers.iban, "BE68 5390 0754 7034", "iban"),  # mod-97 passes, bank code 539 unknown
        (identifiers.bic, "NOTABIC", "bic"),
    ],
)
def test_invalid_numbers_name_their_field(check, value, field):
    with pytest.raises(ValidationError) as error:
        check(value)
    assert list(error.value.fields) == [field]
