"""`coop billing …`: what cooperative staff do from a terminal with files they received."""

from __future__ import annotations

import base64
from pathlib import Path

import click

from coop_cli import suite


def detect_format(content: bytes) -> str:
    """CODA files are 128-character records starting with a header '0'; camt.053 is XML."""
    head = content.lstrip()[:1]
    if head == b"<":
        return "camt053"
    if head == b"0":
        return "coda"
    raise click.BadParameter("neither a CODA nor a camt.053 file; pass --format")


@click.group()
def billing():
    """Billing files: bank statements in, e-invoices checked."""


@billing.command("import-statement")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cooperative", required=True, help="The cooperative the statement belongs to (its slug).")
@click.option(
    "--key",
    envvar="COOP_API_KEY",
    required=True,
    help="A staff or admin key of that cooperative (or set COOP_API_KEY).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["coda", "camt053"]),
    default=None,
    help="Detected from the content when omitted.",
)
@click.option("--timeout", default=600.0, show_default=True)
def import_statement(file, cooperative, key, file_format, timeout):
    """Import a CODA or camt.053 statement and print what was matched."""
    from coop_shared.client import connect
    from coop_shared.errors import CoopError

    content = file.read_bytes()
    file_format = file_format or detect_format(content)
    with connect(suite.nameko_config()["AMQP_URI"], key, timeout=timeout) as rpc:
        if rpc.billing.whoami().get("cooperative") != cooperative:
            raise click.ClickException(f"this key does not belong to '{cooperative}'")
        try:
            result = rpc.billing.import_bank_statement(
                {"format": file_format, "content": base64.b64encode(content).decode("ascii")}
            )
        except CoopError as exc:
            raise click.ClickException(f"{file.name} refused: {exc.args[0]}") from None
    click.echo(summary(file.name, result))


def summary(name: str, result: dict) -> str:
    rows = [
        ("statement", f"{result['number']} ({result['format']}) {result['account_iban'] or ''}".strip()),
        ("balance", f"{result['opening_balance']} -> {result['closing_balance']}"),
        ("movements", result["movements"]),
        ("credits", result["credits"]),
        ("debits", result["debits"]),
        ("matched", result["matched"]),
        ("unmatched", result["unmatched"]),
        ("already imported", result["duplicates"]),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [name] + [f"  {label.ljust(width)}  {value}" for label, value in rows]
    lines += [f"  warning: {warning}" for warning in result["warnings"]]
    unmatched = [line for line in result["lines"] if line["status"] == "unmatched"]
    if unmatched:
        lines.append("  unmatched, for staff to match (line, amount, counterparty, communication):")
        lines += [
            f"    {line['line'] or '':>6}  {line['amount']:>12}  {(line['counterparty_name'] or '-')[:30]:<30}  "
            f"{(line['communication'] or '')[:40]}"
            for line in unmatched
        ]
    return "\n".join(lines)


@billing.command("validate-ubl")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="List warnings too.")
def validate_ubl(files, warnings):
    """Check UBL invoices or credit notes (Peppol BIS 3.0) offline: UBL 2.1 XSD, CEN EN 16931 and
    Peppol rules. Exits 1 when a file has a fatal finding."""
    from coop_billing.einvoicing.validator import validator

    refused = 0
    for path in files:
        report = validator().validate(path.read_bytes())
        shown = report.findings if warnings else report.fatal
        verdict = "acceptable" if report.acceptable else "REFUSED"
        click.echo(
            f"{path.name}: {report.document}, {verdict} ({len(report.fatal)} fatal, "
            f"{len(report.findings) - len(report.fatal)} warnings)"
        )
        for finding in shown:
            click.echo(
                f"  {finding.flag:<7} {finding.rule_set:<6} {finding.rule}: {finding.text} [{finding.location}]"
            )
        refused += not report.acceptable
    if refused:
        raise SystemExit(1)
