"""The modules of an invoice's EPC QR code, exactly those of `segno.make(payload, error="m",
micro=False)`, with segno's choice of the data mask made without its per-module Python loops.

segno tries the eight masks of ISO/IEC 18004:2015 §7.8.2 and keeps the one with the lowest
penalty (§7.8.3: N1 runs, N2 blocks, N3 finder-like patterns, N4 dark proportion), visiting
every module of each candidate in Python: about half of an invoice's whole rendering (issue 18).
Here the same scores are counted a row at a time (bitwise operations on the rows and columns
held as integers for the runs and the blocks, segno's own search for the finder-like
patterns), so the chosen mask, hence every module, is the same; the encoding steps before and
after are segno's own functions. segno is pinned (requirements/constraints.txt) and
tests/unit/test_pdf_render_cost.py compares the modules with segno.make's for many payloads."""

from __future__ import annotations

import functools

from segno import consts, encoder

_FINDER_LIKE = bytes((1, 0, 1, 1, 1, 0, 1))  # N3: dark:light:dark:light:dark as 1:1:3:1:1


def matrix(payload: str) -> list[bytearray]:
    """The QR code's modules, row 0 on top, 1 for dark (quiet zone not included)."""
    error = consts.ERROR_LEVEL_M
    segments = encoder.prepare_data(payload, None, None)
    version = encoder.find_version(segments, error, eci=False, micro=False)
    error = encoder.boost_error_level(version, error, segments, False)
    # As segno.encoder._encode does for a QR code (not micro, no ECI, no structured append).
    buff = encoder.Buffer()
    for segment in segments:
        encoder.write_segment(buff, segment, None, encoder.version_range(version), False)
    capacity = consts.SYMBOL_CAPACITY[version][error]
    encoder.write_terminator(buff, capacity, None, len(buff))
    encoder.write_padding_bits(buff, version, len(buff))
    encoder.write_pad_codewords(buff, version, capacity, len(buff))
    buff = encoder.make_final_message(version, error, buff)
    width = encoder.calc_matrix_size(version)
    modules = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(modules, width, width)
    encoder.add_alignment_patterns(modules, width, width)
    encoder.add_codewords(modules, buff, version)
    mask, modules = best_mask(modules, width)
    encoder.add_format_info(modules, version, error, mask)
    encoder.add_version_info(modules, version)
    return modules


def best_mask(modules, width: int) -> tuple[int, list[bytearray]]:
    """The first mask with the lowest penalty, and the modules with it applied (format and
    version areas still empty, as segno evaluates them: §7.8 says so)."""
    rows = [int.from_bytes(row, "big") for row in modules]
    best = None
    for number, pattern in enumerate(_mask_patterns(width)):
        masked = [(row ^ flip).to_bytes(width, "big") for row, flip in zip(rows, pattern, strict=True)]
        score = penalty(masked, width)
        if best is None or score < best[0]:
            best = (score, number, masked)
    return best[1], [bytearray(row) for row in best[2]]


def penalty(rows: list[bytes], width: int) -> int:
    """N1 + N2 + N3 + N4 of segno.encoder.mask_scores for a square matrix of 0/1 modules."""
    flat = b"".join(rows)
    # Every row then every column, apart by a 2 that no run or pattern can cross.
    lines = b"\x02".join(rows + [flat[j::width] for j in range(width)])
    n1 = _runs(lines)
    ones = int.from_bytes(b"\x01" * width, "big")
    inner = ones >> 8  # every module that has a left neighbour
    n2 = 0
    previous = None
    for row in rows:
        current = int.from_bytes(row, "big")
        if previous is not None:
            same_below = (previous ^ current ^ ones) & ones
            same_left = (current ^ (current >> 8) ^ ones) & inner
            n2 += 3 * (same_below & (same_below >> 8) & same_left).bit_count()
        previous = current
    n3 = _finder_like(lines, width)
    n4 = 10 * int(abs(float(flat.count(1)) / (width**2) * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def _runs(lines: bytes) -> int:
    """N1: 3 + (length - 5) for each run of five or more modules of one colour. With the lines as
    one integer, a byte a module: `same` marks each module equal to its neighbour, `long` the
    modules that end four such equalities in a row (length - 4 per run), and one `long` in each
    run adds the other 2."""
    ones = _ones(len(lines))
    modules = int.from_bytes(lines, "big")
    differ = modules ^ (modules >> 8)  # 0, 1, 2 or 3 in each byte: 0 when equal
    same = (ones >> 8) & ~(differ | (differ >> 1))
    long = same & (same >> 8) & (same >> 16) & (same >> 24)
    return long.bit_count() + 2 * (long & ~(long >> 8)).bit_count()


@functools.cache
def _ones(length: int) -> int:
    return int.from_bytes(b"\x01" * length, "big")


def _finder_like(lines: bytes, size: int) -> int:
    """segno's n3_pattern_occurrences over each line: 40 per 1:1:3:1:1 pattern with four light
    modules (or the symbol's edge) on one side; the search goes on past it, or from its middle
    when neither side is light."""
    count = 0
    found = lines.find(_FINDER_LIKE)
    while found != -1:
        start = found - found % (size + 1)  # where its line begins
        line, index = lines[start : start + size], found - start
        offset = index + 7
        if (
            index in (0, size - 7)
            or not any(line[max(index - 4, 0) : index])
            or not any(line[offset : offset + 4])
        ):
            count += 40
        else:
            offset = index + 4
        found = lines.find(_FINDER_LIKE, start + offset)
    return count


@functools.cache
def _mask_patterns(width: int) -> tuple[tuple[int, ...], ...]:
    """For each of the eight masks, each row as an integer with a 1 in the byte of every
    encoding-region module the mask flips (the function patterns are never masked)."""
    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1  # the dark module, as segno.encoder.find_and_apply_best_mask marks it
    return tuple(
        tuple(
            int.from_bytes(bytes(int(function[i][j] > 0x1 and flips(i, j)) for j in range(width)), "big")
            for i in range(width)
        )
        for flips in encoder.get_data_mask_functions(False)
    )
