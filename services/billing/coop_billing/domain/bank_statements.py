"""A bank statement as billing needs it, whatever the file it came in (CODA, camt.053)."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from coop_shared.errors import ValidationError


class StatementError(Exception):
    """A statement file that cannot be trusted: nothing of it is booked. `line` is 1-based."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)

    def as_validation_error(self) -> ValidationError:
        """The contract's typed error: the message in `content`, the line number in `line`."""
        fields = {"content": [str(self)]}
        if self.line:
            fields["line"] = [str(self.line)]
        return ValidationError(str(self), fields)


@dataclass(frozen=True, slots=True)
class Movement:
    """One booked movement. `amount` is signed: positive money in, negative money out. Slotted:
    a statement holds tens of thousands of them."""

    reference: str  # the bank's reference of the movement, unique at that bank
    amount: Decimal
    value_date: date | None
    entry_date: date | None
    structured_communication: str | None = None  # the 12 digits of an OGM, checked
    communication: str = ""
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    line: int | None = None

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True)
class Statement:
    format: str
    account_iban: str | None
    currency: str
    number: str  # the bank's statement number (CODA: paper sequence; camt: Id)
    opening_balance: Decimal
    opening_date: date | None
    closing_balance: Decimal
    closing_date: date | None
    holder_name: str | None = None
    movements: list[Movement] = field(default_factory=list)

    @property
    def credits(self) -> list[Movement]:
        return [m for m in self.movements if m.is_credit]


# A statement file is kept compressed, in pieces (issue 18): a 50,000-movement CODA file is
# 20 MB, which one INSERT would send as a query twice its size (bytea escaped as hex) and hold
# in the service's memory twice more; CODA's fixed records compress ~20 times. Level 1: the
# fastest, a 20 MB file in a fraction of a second; the ratio barely grows with the level.
PIECE_BYTES = 256 * 1024
COMPRESSION_LEVEL = 1
_SLICE = 1024 * 1024  # bytes of the file compressed at a time


def file_pieces(content: bytes):
    """The file as one zlib stream (RFC 1950), cut in pieces of `PIECE_BYTES` at most, in order."""
    compressor, buffered = zlib.compressobj(COMPRESSION_LEVEL), bytearray()
    view = memoryview(content)
    for start in range(0, len(view), _SLICE):
        buffered += compressor.compress(view[start : start + _SLICE])
        while len(buffered) >= PIECE_BYTES:
            yield bytes(buffered[:PIECE_BYTES])
            del buffered[:PIECE_BYTES]
    buffered += compressor.flush()
    for start in range(0, len(buffered), PIECE_BYTES):
        yield bytes(buffered[start : start + PIECE_BYTES])


def file_of_pieces(pieces, sha256: str) -> bytes:
    """The file the pieces of `file_pieces` came from, byte for byte; StoredFileDamaged when
    the stream is incomplete or the bytes are not those of the SHA-256 recorded at import."""
    decompressor, parts = zlib.decompressobj(), []
    try:
        for piece in pieces:
            parts.append(decompressor.decompress(piece))
        parts.append(decompressor.flush())
    except zlib.error as exc:
        raise StoredFileDamaged(f"the stored statement file cannot be read back: {exc}") from None
    content = b"".join(parts)
    if not decompressor.eof or hashlib.sha256(content).hexdigest() != sha256:
        raise StoredFileDamaged("the stored statement file is not the one imported (SHA-256 differs)")
    return content


class StoredFileDamaged(Exception):
    """A kept statement file that no longer reads back as the file imported."""
