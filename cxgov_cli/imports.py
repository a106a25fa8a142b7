"""`cxgov import FILE --dept D`: start an import job, upload the file, follow the job to its end."""
from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TransferSpeedColumn

from cxgov_cli.api import JOB_FAILED, OK, REJECTED_ROWS, TIMED_OUT, Api, CliError, api_options, put_file

TYPES = {".csv": "text/csv", ".json": "application/json", ".ndjson": "application/x-ndjson",
         ".jsonl": "application/x-ndjson"}
FORMATS = {"csv": "text/csv", "json": "application/json", "ndjson": "application/x-ndjson"}


def content_type_of(path: Path, given: str | None) -> str:
    if given:
        return FORMATS[given]
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in TYPES:
        return TYPES[suffixes[-1]]
    raise CliError(f"cannot tell the format of {path.name} from its name: pass --format csv|json|ndjson", 2)


class _Reading:
    """A file object that advances the upload bar as it is read."""

    def __init__(self, handle, progress: Progress, task):
        self.handle, self.progress, self.task = handle, progress, task

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size if size and size > 0 else 1024 * 1024)
        self.progress.advance(self.task, len(data))
        return data


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dept", required=True, help="the department's id (slug)")
@click.option("--profile", default=None, help="import profile (default: cxgov, the native fields)")
@click.option("--format", "file_format", type=click.Choice(sorted(FORMATS)), default=None,
              help="the file's format (default: from its name: .csv, .json, .ndjson/.jsonl, each optionally .gz)")
@click.option("--timeout", default=0, type=int, help="stop waiting after this many seconds (0: wait until the job ends)")
@click.option("--strict", is_flag=True, help="exit 1 when the job rejected any row")
@click.option("--json", "as_json", is_flag=True,
              help="print the finished job as one JSON object on stdout (for scripts); progress stays on stderr")
@api_options
def command(file: Path, dept: str, profile: str | None, file_format: str | None, timeout: int,
            strict: bool, as_json: bool, api_url: str, token: str | None) -> None:
    """Import FILE (CSV, JSON array or NDJSON; gzip recognised) into a department's feedback,
    any size: upload, then follow the job until it ends."""
    console = Console(stderr=True)
    api = Api(api_url, token)
    content_type = content_type_of(file, file_format)
    body = {"file_name": file.name, "content_type": content_type}
    if profile:
        body["profile"] = profile
    job = api.call("POST", f"/departments/{dept}/feedback/import-jobs", body,
                   headers={"Idempotency-Key": f"cxgov-cli-{uuid.uuid4()}"})
    size = file.stat().st_size
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(f"upload {file.name}", total=size)
        with file.open("rb") as handle:
            put_file(job["upload_url"], job["upload_headers"], _Reading(handle, progress, task), size)
    path = f"/departments/{dept}/feedback/import-jobs/{job['id']}"
    started = time.monotonic()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.fields[rows]:>10,} rows  {task.fields[detail]}"), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"job {job['id']}", total=None, rows=0, detail="waiting for the upload event")
        while True:
            current = api.call("GET", path)
            progress.update(task, rows=current["rows_done"], detail=f"{current['status']}: "
                            f"{current['created']:,} created, {current['duplicates']:,} duplicates, "
                            f"{current['rejected']:,} rejected")
            if current["status"] in ("completed", "failed"):
                progress.update(task, total=max(current["rows_done"], 1), completed=max(current["rows_done"], 1))
                break
            if timeout and time.monotonic() - started > timeout:
                raise CliError(f"the job is still {current['status']} after {timeout} s; follow it with "
                               f"`cxgov jobs --dept {dept}`", TIMED_OUT)
            time.sleep(1)
    _summary(current, as_json)
    if current["status"] == "failed":
        raise CliError(f"the job failed: {current['error']}", JOB_FAILED)
    raise SystemExit(REJECTED_ROWS if strict and current["rejected"] else OK)




def _summary(job: dict, as_json: bool) -> None:
    """The final counts on stdout: the job as JSON with --json; whole lines, never cut to a width,
    when stdout is a pipe or a file (a terminal gets them through rich)."""
    if as_json:
        click.echo(json.dumps(job, sort_keys=True))
        return
    lines = [f"job {job['id']}: {job['status']}  rows {job['rows_done']:,}  "
             f"created {job['created']:,}  updated {job['updated']:,}  "
             f"duplicates {job['duplicates']:,}  rejected {job['rejected']:,}"]
    if job["errors_url"]:
        lines.append(f"rejected rows (CSV: row, source_id, field, message; link valid 1 hour): {job['errors_url']}")
    if not sys.stdout.isatty():
        for line in lines:
            click.echo(line)
        return
    out = Console()
    for line in lines:
        out.print(line, soft_wrap=True, markup=False, highlight=False)
