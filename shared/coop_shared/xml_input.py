"""Every XML document the suite reads goes through here first (docs/adr/020-bounded-templates-webhooks-parsers.md).

XML from outside (a bank's camt.053, a UBL invoice received over Peppol, an Invoice Response)
may carry a document type declaration: internal entities that expand exponentially (the
"billion laughs"), external entities that read a local file or call a URL, or a DTD fetched
from the network. None of the formats the suite reads needs a DTD, so `defusedxml` refuses
every declaration, entity and external reference before any other parser sees the bytes; lxml
then builds the tree (it keeps line numbers, which error messages name) with entities,
network access and huge trees switched off all the same.
"""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _defused_fromstring


class UnsafeXml(ValueError):
    """Not well-formed, or carrying a DTD, an entity or an external reference. `line` is
    1-based when the parser knows it."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(message)


def check(content: bytes | str) -> None:
    """Raise UnsafeXml unless `content` is well-formed XML without DTD, entity or external
    reference."""
    try:
        _defused_fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml(f"a DTD, an entity or an external reference is not accepted ({exc})") from None
    except ParseError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc}", exc.position[0]) from None


def parse(content: bytes | str):
    """The lxml root element of a checked document (comments and processing instructions
    dropped, so every child is an element with a `sourceline`)."""
    from lxml import etree  # only the services that read XML install lxml

    check(content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc}", exc.lineno) from None
