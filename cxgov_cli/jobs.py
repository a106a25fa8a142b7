"""`cxgov jobs --dept D`: a department's import jobs, newest first."""
from __future__ import annotations

import urllib.parse

import click
from rich.console import Console
from rich.table import Table

from cxgov_cli.api import Api, api_options

STATUSES = ("awaiting_upload", "queued", "running", "completed", "failed")


@click.command("jobs")
@click.option("--dept", required=True, help="the department's id (slug)")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="only jobs in this status")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 200), help="how many")
@api_options
def command(dept: str, status: str | None, limit: int, api_url: str, token: str | None) -> None:
    """List a department's import jobs with their counts."""
    query = {"limit": limit, **({"status": status} if status else {})}
    page = Api(api_url, token).call("GET", f"/departments/{dept}/feedback/import-jobs?"
                                    + urllib.parse.urlencode(query))
    table = Table("file", "status", "rows", "created", "updated", "duplicates", "rejected", "created at")
    table.add_column("job", no_wrap=True)
    for job in page["items"]:
        table.add_row(job["file_name"], job["status"], f"{job['rows_done']:,}", f"{job['created']:,}",
                      f"{job['updated']:,}", f"{job['duplicates']:,}", f"{job['rejected']:,}",
                      job["created_at"][:19].replace("T", " "), job["id"])
    Console().print(table)
    for job in page["items"]:
        if job["error"]:
            Console().print(f"{job['id']} failed: {job['error']}", soft_wrap=True)
