"""`coop accounting …`: the month's VAT return and the books for the accountant, from a terminal."""

from __future__ import annotations

import base64
from pathlib import Path

import click

from coop_cli import suite

KEY = click.option(
    "--key", envvar="COOP_API_KEY", required=True, help="A staff, admin or auditor key (or set COOP_API_KEY)."
)
PERIOD = click.option("--period", required=True, help="The month, YYYY-MM (e.g. 2026-11).")
TIMEOUT = click.option("--timeout", default=60.0, show_default=True)


@click.group()
def accounting():
    """The cooperative's books: VAT return, exports for the accountant."""


def _call(key: str, timeout: float, method: str, payload: dict) -> dict:
    from coop_shared.client import connect
    from coop_shared.errors import CoopError

    with connect(suite.nameko_config()["AMQP_URI"], key, timeout=timeout) as rpc:
        try:
            return getattr(rpc.accounting, method)(payload)
        except CoopError as exc:
            raise click.ClickException(f"{method} refused: {exc.args[0]}") from None


def vat_return_lines(answer: dict) -> list[str]:
    """The return's non-zero grids, one a line, and the balance (71 due or 72 refundable)."""
    grids = answer["grids"]
    rules = answer.get("vat_rules") or {}
    named = f", {rules['version']}{'' if rules.get('certain', True) else ' unconfirmed'}" if rules else ""
    lines = [f"VAT return {answer['period']} (draft, {answer['rules_version']}{named})"]
    lines += [
        f"  grid {grid}: {amount:>12}"
        for grid, amount in grids.items()
        if amount != "0.00" and grid not in ("71", "72")
    ]
    if grids["72"] != "0.00":
        lines.append(f"  refundable (72): {grids['72']}")
    else:
        lines.append(f"  due (71): {grids['71']}")
    return lines


@accounting.command("vat-return")
@PERIOD
@KEY
@click.option(
    "--xml", "xml_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the Intervat XML here."
)
@TIMEOUT
def vat_return(period, key, xml_path, timeout):
    """Print the month's VAT return grids (and write its Intervat XML draft with --xml)."""
    answer = _call(key, timeout, "vat_return", {"period": period})
    for line in vat_return_lines(answer):
        click.echo(line)
    if xml_path:
        xml_path.write_text(answer["intervat_xml"], encoding="utf-8")
        click.echo(f"Intervat XML written to {xml_path}")


@accounting.command("export")
@click.option("--format", "export_format", required=True, help="winbooks or csv (any installed export).")
@PERIOD
@KEY
@click.option(
    "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True
)
@TIMEOUT
def export(export_format, period, key, output, timeout):
    """Write the month's books in an import format into OUTPUT."""
    answer = _call(key, timeout, "export_books", {"format": export_format, "period": period})
    output.mkdir(parents=True, exist_ok=True)
    path = output / answer["filename"]
    path.write_bytes(base64.b64decode(answer["content"]))
    click.echo(f"{path} ({answer['content_type']})")
