"""Check a UBL 2.1 invoice or credit note the way a Peppol access point would: the UBL XSD,
then the CEN EN 16931 rules, then the Peppol BIS 3.0 rules (artefacts/README.md). A document
is acceptable when the XSD passes and no rule flagged `fatal` fires.

The Peppol rules come as Schematron source; they are compiled here with the ISO skeleton that
ships in lxml, because no registry reachable from this project publishes an XSLT-2 Schematron
compiler. Loading takes about half a second; checking a document some milliseconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from coop_shared import xml_input

SVRL = "http://purl.oclc.org/dsdl/svrl"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

# Emits the skeleton's stylesheet with version 2.0 where it would refuse queryBinding="xslt2"
# (imported last, so this template wins over the skeleton's own).
_OVERRIDE = """<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:axsl="http://www.w3.org/1999/XSL/TransformAlias" xmlns:iso="http://purl.oclc.org/dsdl/schematron">
  <xsl:import href="{svrl}"/>
  <xsl:template match="iso:schema[@queryBinding = ('xslt2', 'xslt3')]">
    <axsl:stylesheet>
      <xsl:apply-templates select="iso:ns"/>
      <xsl:attribute name="version">2.0</xsl:attribute>
      <xsl:apply-templates select="." mode="stylesheetbody"/>
    </axsl:stylesheet>
  </xsl:template>
</xsl:stylesheet>"""


@dataclass(frozen=True)
class Finding:
    rule: str
    flag: str  # 'fatal' or 'warning'
    location: str
    text: str
    rule_set: str  # 'xsd', 'cen', 'peppol'


@dataclass
class Report:
    document: str  # 'Invoice', 'CreditNote' or what the root was
    findings: list[Finding] = field(default_factory=list)

    @property
    def fatal(self) -> list[Finding]:
        return [f for f in self.findings if f.flag == "fatal"]

    @property
    def acceptable(self) -> bool:
        return not self.fatal


def artefacts() -> Path:
    return Path(str(resources.files("coop_billing.einvoicing") / "artefacts"))


class Validator:
    """Load once, check many documents (not thread-safe: one per thread)."""

    def __init__(self, folder: Path | None = None):
        from lxml import etree
        from saxonche import PySaxonProcessor

        folder = folder or artefacts()
        self._etree = etree
        self._schemas = {
            INVOICE_NS: etree.XMLSchema(etree.parse(str(folder / "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd"))),
            CREDIT_NOTE_NS: etree.XMLSchema(
                etree.parse(str(folder / "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"))
            ),
        }
        self._saxon = PySaxonProcessor(license=False)
        xslt = self._saxon.new_xslt30_processor()
        self._rules = {
            "cen": xslt.compile_stylesheet(stylesheet_file=str(folder / "EN16931-UBL-validation.xslt")),
            "peppol": xslt.compile_stylesheet(
                stylesheet_text=self._compile(folder / "PEPPOL-EN16931-UBL.sch")
            ),
        }

    def _compile(self, schematron: Path) -> str:
        import lxml.isoschematron

        skeleton = Path(lxml.isoschematron.__file__).parent / "resources" / "xsl" / "iso-schematron-xslt1"
        xslt = self._saxon.new_xslt30_processor()
        include = xslt.compile_stylesheet(stylesheet_file=str(skeleton / "iso_dsdl_include.xsl"))
        expand = xslt.compile_stylesheet(stylesheet_file=str(skeleton / "iso_abstract_expand.xsl"))
        svrl = xslt.compile_stylesheet(
            stylesheet_text=_OVERRIDE.format(svrl=(skeleton / "iso_svrl_for_xslt1.xsl").as_uri())
        )
        svrl.set_parameter(
            "allow-foreign", self._saxon.make_string_value("true")
        )  # keep the rules' xsl:function
        included = include.transform_to_value(source_file=str(schematron.resolve()))
        expanded = expand.transform_to_value(xdm_node=included.head)
        return svrl.transform_to_string(xdm_node=expanded.head)

    def validate(self, content: bytes) -> Report:
        try:
            root = xml_input.parse(content)  # defusedxml first: no DTD, entity or external reference
        except xml_input.UnsafeXml as exc:
            return Report("not XML", [Finding("XML", "fatal", f"line {exc.line}", str(exc), "xsd")])
        namespace, _, local = root.tag[1:].partition("}")
        report = Report(local or root.tag)
        schema = self._schemas.get(namespace)
        if schema is None:
            report.findings.append(
                Finding("UBL", "fatal", "/", "The root is neither a UBL 2.1 Invoice nor a CreditNote.", "xsd")
            )
            return report
        if not schema.validate(root):
            report.findings += [
                Finding("XSD", "fatal", f"line {e.line}", e.message, "xsd") for e in schema.error_log
            ]
            return report  # the rules assume a schema-valid document (their XPath would abort)
        node = self._saxon.parse_xml(xml_text=content.decode("utf-8"))
        for name, stylesheet in self._rules.items():
            report.findings += self._rule_findings(name, stylesheet, node)
        return report

    def _rule_findings(self, name: str, stylesheet, node) -> list[Finding]:
        """The failed assertions of one rule set (`cen`, `peppol`) on a schema-valid document."""
        from saxonche import PySaxonApiError

        try:
            svrl = self._etree.fromstring(stylesheet.transform_to_string(xdm_node=node).encode("utf-8"))
        except PySaxonApiError as exc:
            return [Finding("XPATH", "fatal", "/", f"the rules could not run: {exc}", name)]
        return [
            Finding(
                failed.get("id") or "?",
                failed.get("flag") or "fatal",
                failed.get("location") or "",
                " ".join("".join(failed.itertext()).split()),
                name,
            )
            for failed in svrl.iter(f"{{{SVRL}}}failed-assert")
        ]


_local = threading.local()


def validator() -> Validator:
    """This thread's validator, loaded on first use."""
    if getattr(_local, "validator", None) is None:
        _local.validator = Validator()
    return _local.validator
