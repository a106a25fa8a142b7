"""`cxgov token --role dcxo --dept parks`: a token from the local development issuer (as `make token`)."""
from __future__ import annotations

import click


@click.command("token")
@click.option("--role", type=click.Choice(["dcxo", "ccxo", "auditor"]), default="dcxo", show_default=True)
@click.option("--dept", default=None, help="the department (required for a dcxo)")
@click.option("--hours", default=12.0, show_default=True, type=click.FloatRange(0.01, 24))
def command(role: str, dept: str | None, hours: float) -> None:
    """Mint a token of the local issuer (its key under .local/issuer; never valid in AWS)."""
    if role == "dcxo" and not dept:
        raise click.UsageError("a dcxo token needs --dept")
    from devtools import issuer

    click.echo(issuer.mint(role, dept if role == "dcxo" else None, ttl_seconds=int(hours * 3600)))
