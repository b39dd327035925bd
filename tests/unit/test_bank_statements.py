"""CODA and camt.053 read to the cent, and corrupt files refused with the line that is wrong."""

from datetime import date
from decimal import Decimal

import pytest

from coop_billing.domain import camt053, coda
from coop_billing.domain.bank_statements import StatementError
from coop_cli.statement_files import Line
from coop_cli.statement_files import camt053 as camt053_file
from coop_cli.statement_files import coda as coda_file

DIES_IBAN = "BE05068123456775"
ON = date(2026, 11, 20)
LINES = [
    Line(Decimal("968.00"), ogm="260000000170", name="Bakkerij Peeters BV", iban="BE71096123456769"),
    Line(Decimal("25.50"), text="Facture 12 merci", name="Claire Dubois", iban="BE46735123456736"),
    Line(Decimal("-120.00"), text="Loyer novembre", name="Immo SA", iban="BE68539007547034"),
]


def test_a_coda_file_is_read_field_by_field():
    statement = coda.parse(coda_file(DIES_IBAN, "DIES", 42, Decimal("1000.00"), LINES, ON).encode("latin-1"))
    assert (statement.account_iban, statement.currency, statement.number) == (DIES_IBAN, "EUR", "042")
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("1000"), Decimal("1873.5"))
    first, second, rent = statement.movements
    assert (
        first.amount,
        first.structured_communication,
        first.counterparty_name,
        first.counterparty_iban,
    ) == (Decimal("968"), "260000000170", "Bakkerij Peeters BV", "BE71096123456769")
    assert first.value_date == ON and first.line == 3
    assert (second.structured_communication, second.communication) == (None, "Facture 12 merci")
    assert rent.amount == Decimal("-120") and not rent.is_credit
    assert [m.amount for m in statement.credits] == [Decimal("968"), Decimal("25.5")]


def test_camt053_versions_02_and_08_read_the_same_movements():
    for version in ("02", "08"):
        statement = camt053.parse(
            camt053_file(
                DIES_IBAN, "DIES", "2026-042", Decimal("1000.00"), LINES, ON, version=version
            ).encode()
        )
        assert statement.closing_balance == Decimal("1873.50")
        assert [
            (m.amount, m.structured_communication, m.counterparty_name, m.counterparty_iban)
            for m in statement.movements
        ] == [
            (Decimal("968.00"), "260000000170", "Bakkerij Peeters BV", "BE71096123456769"),
            (Decimal("25.50"), None, "Claire Dubois", "BE46735123456736"),
            (Decimal("-120.00"), None, "Immo SA", "BE68539007547034"),
        ]


def test_a_communication_with_wrong_check_digits_is_not_taken_for_an_ogm():
    text = coda_file(DIES_IBAN, "DIES", 1, Decimal("0"), [Line(Decimal("5.00"), ogm="260000000171")], ON)
    [movement] = coda.parse(text).movements
    assert movement.structured_communication is None and movement.communication == "101260000000171"


def corrupt(text: str, line_number: int, change) -> str:
    lines = text.split("\r\n")
    lines[line_number - 1] = change(lines[line_number - 1])
    return "\r\n".join(lines)


def test_a_wrong_trailer_total_is_refused_naming_the_trailer_line():
    text = coda_file(DIES_IBAN, "DIES", 42, Decimal("1000.00"), LINES, ON)
    last = len(text.strip().split("\r\n"))
    bad = corrupt(text, last, lambda r: r[:37] + "000000000999000" + r[52:])
    with pytest.raises(StatementError) as refused:
        coda.parse(bad)
    assert refused.value.line == last and "credit total" in str(refused.value)


def test_a_truncated_record_is_refused_with_its_line_number():
    text = coda_file(DIES_IBAN, "DIES", 42, Decimal("1000.00"), LINES, ON)
    with pytest.raises(StatementError) as refused:
        coda.parse(corrupt(text, 6, lambda r: r[:90]))
    assert refused.value.line == 6 and "90" in str(refused.value)


def test_a_file_cut_before_its_trailer_is_refused():
    text = coda_file(DIES_IBAN, "DIES", 42, Decimal("1000.00"), LINES, ON)
    with pytest.raises(StatementError) as refused:
        coda.parse("\r\n".join(text.split("\r\n")[:5]))
    assert "no trailer" in str(refused.value)


def test_a_camt_statement_that_does_not_balance_is_refused():
    text = camt053_file(DIES_IBAN, "DIES", "x", Decimal("1000.00"), LINES, ON).replace(
        ">1873.50<", ">1873.51<"
    )
    with pytest.raises(StatementError, match="not the closing balance"):
        camt053.parse(text)
    with pytest.raises(StatementError) as refused:
        camt053.parse(b"<Document><unclosed></Document>")
    assert refused.value.line == 1


def test_the_lines_of_a_file_read_as_bytes_are_those_of_its_latin1_text():
    # every break str.splitlines() knows in Latin-1 text, alone, doubled, first and last
    samples = [
        b"a\r\nb\nc\rd",
        b"\n\nx\r\n\r\ny\r",
        b"one\x0btwo\x0cthree\x1cfour\x1dfive\x1esix\x85seven",
        b"\r\r\n\n\x85",
        b"no break at all \xe9\xb2",
        b"",
    ]
    for sample in samples:
        assert list(coda._byte_lines(sample)) == sample.decode("latin-1").splitlines()
        assert list(coda._lines(sample.decode("latin-1"))) == sample.decode("latin-1").splitlines()


def test_a_coda_file_reads_the_same_as_bytes_and_as_text():
    content = coda_file(DIES_IBAN, "DIES", 1, Decimal("0.00"), LINES, ON)
    assert "\r\n" in content  # as banks send it
    assert len(coda.parse(content.encode("latin-1")).movements) == 3
    assert coda.parse(content.encode("latin-1")) == coda.parse(content)
