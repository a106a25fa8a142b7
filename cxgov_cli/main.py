"""The `cxgov` command group; each command lives in its own module and is added here."""
from __future__ import annotations

import click

from cxgov_cli import verify


@click.group(help="cxgov's command-line client. Reads CXGOV_API and CXGOV_TOKEN from the environment.")
@click.version_option(package_name=None, version="0.1.0", prog_name="cxgov")
def cli() -> None:
    pass


from cxgov_cli.grant import grant  # noqa: E402 - issue 19: the first CCXO for identity-only providers

cli.add_command(grant)

# import jobs (issue 14)
from cxgov_cli import imports, jobs, token  # noqa: E402

cli.add_command(imports.command)
cli.add_command(jobs.command)
cli.add_command(token.command)


def main() -> None:
    cli()


cli.add_command(verify.click_command())  # issue 15: cxgov verify BUNDLE.json

from cxgov_cli import sample  # noqa: E402 - issue 26: cxgov sample verify SAMPLE.json

cli.add_command(sample.click_command())
