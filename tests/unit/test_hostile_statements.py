"""Bank statement files written to break the parsers (issue 16, point 8): every malformed amount
or date refuses the whole file with a StatementError naming its line, never another exception
and never a half-read statement; XML with a DTD or entities is refused before it is read
(defusedxml, docs/adr/020-bounded-templates-webhooks-parsers.md)."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coop_billing.domain import camt053, coda
from coop_billing.domain.bank_statements import StatementError
from coop_billing.handlers import statements
from coop_billing.orm import BankStatement, Base, Payment
from coop_billing.peppol import inbound
from coop_billing.repository import BillingRepository
from coop_cli.statement_files import Line
from coop_cli.statement_files import camt053 as camt053_file
from coop_cli.statement_files import coda as coda_file
from coop_shared import xml_input
from coop_shared.credentials import Identity, Role
from coop_shared.errors import ValidationError
from tests.unit.fake_uow import FakeUnitOfWork

IBAN = "BE05068123456775"
ON = date(2026, 11, 20)
LINES = [
    Line(Decimal("968.00"), text="Facture 1", name="Bakkerij Peeters BV", iban="BE71096123456769"),
    Line(Decimal("25.50"), text="Facture 12 merci", name="Claire Dubois", iban="BE46735123456736"),
]
FIRST_MOVEMENT = 3  # header, old balance, then record 2.1 of the first movement
AMOUNT_21 = (33, 47)  # positions of the amount in record 2.1 (1-based, inclusive)
VALUE_DATE_21 = (48, 53)
ADMIN = Identity(role=Role.ADMIN, cooperative_id="c0000000-0000-0000-0000-000000000001", cooperative="dies")

# Characters a bank file should never hold in a number but str.isdigit(), int() or Decimal()
# accept: superscripts (in Latin-1, so possible in a CODA file), Arabic-Indic, Devanagari and
# full-width digits.
TRICKY_DIGITS = "²³¹٠١٢३४５６"


def coda_text() -> str:
    return coda_file(IBAN, "DIES", 42, Decimal("1000.00"), LINES, ON)


def with_field(text: str, line_number: int, start: int, end: int, value: str) -> str:
    lines = text.split("\r\n")
    record = lines[line_number - 1]
    lines[line_number - 1] = record[: start - 1] + value + record[end:]
    return "\r\n".join(lines)


@pytest.mark.parametrize(
    "amount",
    ["00000000096800²", "000000000968٠00", "0000000009,68.0", "               ", "-00000000968000"],
)
def test_a_coda_amount_that_is_not_15_ascii_digits_refuses_the_file_naming_its_line(amount):
    bad = with_field(coda_text(), FIRST_MOVEMENT, *AMOUNT_21, amount)
    with pytest.raises(StatementError) as refused:
        coda.parse(bad)
    assert refused.value.line == FIRST_MOVEMENT and "amount" in str(refused.value)


@pytest.mark.parametrize("day", ["310226", "300226", "320126", "011326", "٠١١٢٢٦", "1 1226", "0112²6"])
def test_a_coda_date_that_is_impossible_or_not_ascii_refuses_the_file_naming_its_line(day):
    bad = with_field(coda_text(), FIRST_MOVEMENT, *VALUE_DATE_21, day)
    with pytest.raises(StatementError) as refused:
        coda.parse(bad)
    assert refused.value.line == FIRST_MOVEMENT and "DDMMYY" in str(refused.value)


def test_a_trailer_count_in_superscript_digits_is_refused_not_crashed():
    text = coda_text()
    last = len(text.strip().split("\r\n"))
    with pytest.raises(StatementError) as refused:
        coda.parse(with_field(text, last, 17, 22, "00000²"))
    assert refused.value.line == last


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.characters(codec="latin-1") | st.sampled_from(TRICKY_DIGITS), min_size=15, max_size=15
    )
)
@example("00000000096800²")
def test_any_15_characters_in_a_coda_amount_either_read_as_ascii_digits_or_refuse_the_file(amount):
    text = with_field(coda_text(), FIRST_MOVEMENT, *AMOUNT_21, amount)
    try:
        statement = coda.parse(text)
    except StatementError as refused:
        # A record the amount makes unreadable is refused by its own line; a readable amount
        # that breaks the balance or the totals, by a balance or trailer record after it.
        if "balance" in str(refused) or "total" in str(refused):
            assert refused.line > FIRST_MOVEMENT, str(refused)
        else:
            assert refused.line == FIRST_MOVEMENT, str(refused)
        return
    # Read: then it was 15 ASCII digits and the statement still balanced (only 000000000968000).
    assert amount.isascii() and amount.isdigit()
    assert statement.movements[0].amount == Decimal(amount) / 1000


def camt_text(**replace) -> str:
    text = camt053_file(IBAN, "DIES", "2026-042", Decimal("1000.00"), LINES, ON)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    "amount",
    ["1,2.3", "", "1e3", "NaN", "Infinity", "-968.00", "+968.00", "١٢٣.٠٠", "968.00²", "968.", " 9 68"],
)
def test_a_camt_amount_that_is_not_plain_ascii_refuses_the_file_naming_its_line(amount):
    text = camt_text(**{">968.00<": f">{amount}<"}).replace("><Amt", ">\n<Amt")
    with pytest.raises(StatementError) as refused:
        camt053.parse(text.encode())
    assert "not an amount" in str(refused.value)
    assert refused.value.line == line_of(text, f'"EUR">{amount}</Amt>')


@pytest.mark.parametrize(
    "day", ["2026-02-31", "2026-13-01", "20261120", "2026-11-2", "٢٠٢٦-١١-٢٠", "2026-11-20x", ""]
)
def test_a_camt_date_that_is_impossible_or_malformed_refuses_the_file_naming_its_line(day):
    text = camt053_file(IBAN, "DIES", "2026-042", Decimal("1000.00"), LINES, ON)
    first = text.index("<BookgDt><Dt>2026-11-20</Dt>")
    text = text[:first] + "\n" + text[first:].replace("2026-11-20", day, 1)
    with pytest.raises(StatementError) as refused:
        camt053.parse(text.encode())
    assert "is not a date" in str(refused.value)
    assert refused.value.line == line_of(text, "<BookgDt>")


# Any character XML allows in text (control characters and non-characters would only make the
# document ill-formed, a refusal of another kind), markup characters aside.
XML_TEXT = st.characters(blacklist_categories=("Cc", "Cs", "Cn"), blacklist_characters="<&")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=XML_TEXT | st.sampled_from(TRICKY_DIGITS), min_size=0, max_size=12))
@example("1,2.3")
@example("٩٦٨.٠٠")
def test_any_text_in_a_camt_amount_either_is_a_plain_amount_or_refuses_the_file(amount):
    text = camt_text(**{">968.00<": f">{amount}<"})
    try:
        camt053.parse(text.encode())
    except StatementError as refused:
        well_formed = camt053.AMOUNT.fullmatch(amount.strip())
        assert ("not the closing balance" if well_formed else "not an amount") in str(refused)
        # the amount's own element, or the closing balance's, which comes after it
        assert refused.line >= line_of(text, ">1000.00<"), str(refused)
        return
    assert camt053.AMOUNT.fullmatch(amount.strip()) and Decimal(amount.strip()) == Decimal("968.00")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><x>&lol9;</x></Document>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><x>&secret;</x></Document>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_xml_with_a_dtd_or_entities_is_refused_before_it_is_read(document):
    with pytest.raises(xml_input.UnsafeXml, match="DTD, an entity or an external reference"):
        xml_input.parse(document)
    with pytest.raises(StatementError, match="DTD"):
        camt053.parse(document)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_a_ubl_document_received_over_peppol_with_entities_is_kept_flagged_not_expanded(document):
    received = inbound.read(document.replace(b"Document", b"Invoice"))
    assert received.kind is None and received.number is None
    assert ["DTD, an entity or an external reference" in p for p in received.problems] == [True]


def test_well_formed_xml_without_a_dtd_is_read_with_its_line_numbers():
    root = xml_input.parse(b"<a>\n<!-- note -->\n<b>1</b></a>")
    [child] = list(root)
    assert (child.tag, child.text, child.sourceline) == ("b", "1", 3)


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=BillingRepository)


def count(uow, table) -> int:
    return uow._session.scalar(sa.select(sa.func.count()).select_from(table))


def test_a_statement_with_one_bad_record_books_none_of_its_good_ones(uow):
    good = coda_text()
    assert statements.import_bank_statement(uow, ADMIN, {"format": "coda", "content": good.encode("latin-1")})
    assert (count(uow, Payment), count(uow, BankStatement)) == (2, 1)

    # A second statement: its first movement is fine, its second has '²' in the amount.
    fresh = FakeUnitOfWork(Base.metadata, repository=BillingRepository)
    second_movement = FIRST_MOVEMENT + 3
    bad = with_field(good, second_movement, *AMOUNT_21, "00000000002550²")
    with pytest.raises(ValidationError) as refused:
        statements.import_bank_statement(fresh, ADMIN, {"format": "coda", "content": bad.encode("latin-1")})
    assert refused.value.fields["line"] == [str(second_movement)]
    assert (count(fresh, Payment), count(fresh, BankStatement)) == (0, 0)

    bad_camt = camt_text(**{">25.50<": ">25,50<"})
    with pytest.raises(ValidationError) as refused:
        statements.import_bank_statement(fresh, ADMIN, {"format": "camt053", "content": bad_camt.encode()})
    assert "not an amount" in refused.value.message and refused.value.fields["line"]
    assert (count(fresh, Payment), count(fresh, BankStatement)) == (0, 0)
