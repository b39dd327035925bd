"""A bank statement file is kept compressed in pieces (issue 18) and read back byte for byte,
with the SHA-256 computed at import; a month's list reads no file's bytes."""

import base64
import hashlib
import os
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from coop_billing.domain import bank_statements
from coop_billing.domain.bank_statements import StoredFileDamaged, file_of_pieces, file_pieces
from coop_billing.handlers import statements
from coop_billing.orm import BankStatementFile, BankStatementFilePiece, Base
from coop_billing.repository import BillingRepository
from coop_cli.statement_files import Line
from coop_cli.statement_files import coda as coda_file
from coop_shared.credentials import Identity, Role
from tests.unit.fake_uow import FakeUnitOfWork

DIES = "11111111-1111-1111-1111-111111111111"
ADMIN = Identity(role=Role.ADMIN, cooperative_id=DIES, cooperative="dies")


def statement_file(movements: int) -> bytes:
    lines = [
        Line(
            Decimal("12.50") if i % 3 else Decimal("-4.00"),
            text=f"Facture {i}",
            name=f"Client {i % 17}",
            iban="BE71096123456769",
            reference=f"R{i}",
        )
        for i in range(movements)
    ]
    return coda_file("BE05068123456775", "DIES", 3, Decimal("100.00"), lines, date(2026, 11, 30)).encode(
        "latin-1"
    )


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=BillingRepository)


def pieces_of(uow, statement_id):
    file = uow.repo.session.scalars(
        sa.select(BankStatementFile).where(BankStatementFile.statement_id == statement_id)
    ).one()
    return file, uow.repo.session.scalars(
        sa.select(BankStatementFilePiece.data)
        .where(BankStatementFilePiece.file_id == file.id)
        .order_by(BankStatementFilePiece.position)
    ).all()


def test_a_file_in_many_pieces_reads_back_byte_for_byte_with_its_sha256(uow, monkeypatch):
    monkeypatch.setattr(bank_statements, "PIECE_BYTES", 1000)  # a small file in several pieces
    content = statement_file(300)  # 300 movements, 3 records of 129 bytes each: 117 kB
    statements.import_bank_statement(
        uow, ADMIN, {"format": "coda", "content": content, "filename": "dies-3.cod"}
    )
    uow.commit()
    [listed] = statements.list_statement_files(uow, ADMIN, {"period": "2026-11"})["items"]
    assert (listed["filename"], listed["size"], listed["sha256"]) == (
        "dies-3.cod",
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    file, pieces = pieces_of(uow, listed["statement_id"])
    assert file.content is None  # the bytes are in the pieces only
    assert len(pieces) > 1 and all(len(piece) <= 1000 for piece in pieces)
    assert sum(len(piece) for piece in pieces) < len(content) / 5  # fixed-width records compress
    received = statements.render_statement_file(uow, ADMIN, {"statement_id": listed["statement_id"]})
    assert base64.b64decode(received["content"]) == content
    assert hashlib.sha256(base64.b64decode(received["content"])).hexdigest() == received["sha256"]


def test_bytes_that_do_not_compress_are_kept_whole_too():
    content = os.urandom(600_000)
    pieces = list(file_pieces(content))
    assert [len(piece) for piece in pieces[:-1]] == [bank_statements.PIECE_BYTES] * (len(pieces) - 1)
    assert len(pieces) == 3  # 600,000 bytes and zlib's few bytes of framing, in pieces of 262,144
    assert file_of_pieces(pieces, hashlib.sha256(content).hexdigest()) == content


def test_an_empty_piece_list_or_a_damaged_piece_is_refused_not_returned():
    content = statement_file(20)
    digest = hashlib.sha256(content).hexdigest()
    pieces = list(file_pieces(content))
    with pytest.raises(StoredFileDamaged):
        file_of_pieces([], digest)
    with pytest.raises(StoredFileDamaged):
        file_of_pieces([pieces[0][:-10]], digest)  # the stream cut short
    with pytest.raises(StoredFileDamaged):
        file_of_pieces(pieces, hashlib.sha256(b"another file").hexdigest())


def test_a_file_kept_whole_before_the_pieces_still_reads_back(uow):
    content = statement_file(5)
    statements.import_bank_statement(uow, ADMIN, {"format": "coda", "content": content})
    [listed] = statements.list_statement_files(uow, ADMIN, {"period": "2026-11"})["items"]
    file, pieces = pieces_of(uow, listed["statement_id"])
    # as migration 0010 leaves a file imported before it: its bytes in `content`, no piece
    uow.repo.session.execute(
        sa.delete(BankStatementFilePiece).where(BankStatementFilePiece.file_id == file.id)
    )
    file.content = content
    uow.commit()
    received = statements.render_statement_file(uow, ADMIN, {"statement_id": listed["statement_id"]})
    assert base64.b64decode(received["content"]) == content


def test_the_months_list_reads_no_files_bytes(uow):
    for number in (1, 2):
        content = statement_file(10 + number)
        statements.import_bank_statement(uow, ADMIN, {"format": "coda", "content": content})
    uow.commit()
    uow.repo.session.expunge_all()
    queries = []
    sa.event.listen(uow.engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    listed = statements.list_statement_files(uow, ADMIN, {"period": "2026-11"})
    assert listed["total"] == 2
    assert queries and not any(re.search(r"\.content\b(?!_)|bank_statement_file_pieces", q) for q in queries)
