"""`coop privacy retention [--dry-run]`: the retention periods applied now in every service
(docs/domain/retention.md), with the platform key for the whole installation or an admin's key
for one cooperative; prints what went (or would go) per service and category."""

from __future__ import annotations

import click

from coop_cli import suite


@click.group()
def privacy():
    """A person's data: retention of what is past its period (GDPR art. 5(1)(e))."""


def report_lines(answer: dict) -> list[str]:
    """One line per service and category: the rows erased or pseudonymised, by table."""
    verb = "would erase" if answer["dry_run"] else "erased"
    lines = [f"retention as of {answer['as_of']}{' (dry run: nothing changed)' if answer['dry_run'] else ''}"]
    for service, report in answer["services"].items():
        if not report["categories"]:
            lines.append(f"  {service}: nothing past its period")
        for category, counts in report["categories"].items():
            done = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            lines.append(f"  {service} {category}: {verb} {done}")
    return lines


@privacy.command("retention")
@click.option("--dry-run", is_flag=True, help="Report what would go; change nothing.")
@click.option(
    "--key",
    envvar="COOP_PLATFORM_KEY",
    required=True,
    help="The platform key (the whole installation; default COOP_PLATFORM_KEY) or an admin's key.",
)
@click.option("--timeout", default=120.0, show_default=True)
def retention(dry_run, key, timeout):
    """Erase or pseudonymise now what is past its retention period, in every service."""
    from coop_shared.client import connect
    from coop_shared.errors import CoopError

    with connect(suite.nameko_config()["AMQP_URI"], key, timeout=timeout) as rpc:
        try:
            answer = rpc.members.run_retention({"dry_run": dry_run})
        except CoopError as exc:
            raise click.ClickException(f"run_retention refused: {exc.args[0]}") from None
    for line in report_lines(answer):
        click.echo(line)
