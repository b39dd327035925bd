"""The one Unicode font every PDF of the back office embeds (invoices, credit notes, payslips).

reportlab's built-in Helvetica is a standard Type 1 font with a Latin-1 encoding: it has no
glyph for U+202F, the narrow no-break space that separates thousands in French amounts
(coop_shared.formatting), so "1 234,50 €" printed a black box. DejaVu Sans (Debian package
fonts-dejavu-core, installed by deploy/Dockerfile and the test scripts) covers Latin, the euro
sign and U+202F; it is embedded (subset) in every document so any reader prints it the same way.
See docs/adr/ for the decision. reportlab is imported lazily: coop_shared itself does not
depend on it, only the services that render PDFs do.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

FONT_DIRECTORY = Path(os.environ.get("COOP_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_registered = False


def font_path(name: str = REGULAR) -> Path:
    return FONT_DIRECTORY / FILES[name]


def register() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with reportlab once; returns their names.

    Raises FileNotFoundError naming the package to install when the files are missing: a
    document silently printed in a font without the glyphs is worse than no document."""
    global _registered
    if not _registered:
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name in (REGULAR, BOLD):
            path = font_path(name)
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: install the package fonts-dejavu-core")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        _keep_narrow_no_break_space()
        _deflate_faster()
        # A canvas, and a table cell without a FONT command, start in Helvetica and declare it
        # even if no text uses it; start in DejaVu Sans so the only font a document names is the
        # embedded one.
        from reportlab import rl_config
        from reportlab.platypus import tables

        rl_config.canvas_basefontname = REGULAR
        tables.CellStyle.fontname = REGULAR
        # Streams are written compressed and binary, not also ASCII85-encoded: ASCII85 is only
        # for 7-bit channels (PDF 1.4 reference, 3.3.2), the PDF travels base64-encoded anyway
        # (RPC, e-mail attachment), and encoding it in pure Python cost milliseconds of every
        # invoice (issue 18, docs/adr/013-documents-that-print-and-vat-per-rate.md). What the
        # document prints is the same.
        rl_config.useA85 = 0
        # <b> inside a Paragraph picks the bold face of the family.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True
    return REGULAR, BOLD


def _deflate_faster() -> None:
    """Compress every stream at zlib level 1 instead of the default 6.

    Most of a document's bytes are the two font subsets (about 36 kB each before compression,
    docs/adr/013-documents-that-print-and-vat-per-rate.md); level 6 spent some 2 ms more of every
    invoice on them than level 1, for about 1 kB less each (issue 18). reportlab has no setting for the level:
    its one Flate filter (pdfdoc.PDFStreamFilterZCompress, used by every stream) is given this
    encode instead. Readers inflate either level the same way."""
    import zlib

    from reportlab.pdfbase import pdfdoc

    def encode(self, text):
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 1)

    pdfdoc.PDFStreamFilterZCompress.encode = encode


def _keep_narrow_no_break_space() -> None:
    """Make reportlab's Paragraph treat U+202F as what Unicode says it is: a NO-break space.

    reportlab.platypus.paragraph splits words with str.split() (and its own whitespace list,
    which names U+202F), so "12 000,00 €" came out as "12 000,00 €" with an ordinary space
    and could even wrap between "12" and "000". Its module-level split() is the one place
    every paragraph goes through (text clean-up, word splitting); this replacement keeps
    str.split()'s behaviour for every other whitespace character."""
    import re

    from reportlab.platypus import paragraph

    breaking = "".join(ch for ch in paragraph._wsc if ch != "\u202f")
    words = re.compile(f"[{re.escape(breaking)}]+").split

    def split(text, delim=None):
        if isinstance(text, bytes):
            text = text.decode("utf8")
        if delim is not None:
            return text.split(delim.decode("utf8") if isinstance(delim, bytes) else delim)
        return [word for word in words(text) if word]

    paragraph.split = split


@functools.cache
def stylesheet():
    """reportlab's sample stylesheet with every style set in DejaVu Sans (bold for headings).

    Built once per process and shared by every document (issue 18, the cost of an invoice's
    PDF): read its styles, and `clone()` one to change it, never assign to it."""
    from reportlab.lib.styles import getSampleStyleSheet

    regular, bold = register()
    styles = getSampleStyleSheet()
    for name in styles.byName:
        style = styles[name]
        if hasattr(style, "fontName"):
            style.fontName = bold if "Bold" in style.fontName else regular
    return styles


def missing_glyphs(text: str, name: str = REGULAR) -> set[str]:
    """The characters of text that the font has NO glyph for (empty when all print)."""
    from reportlab.pdfbase import pdfmetrics

    register()
    charmap = pdfmetrics.getFont(name).face.charToGlyph
    return {ch for ch in text if ch not in "\r\n\t" and ord(ch) not in charmap}
