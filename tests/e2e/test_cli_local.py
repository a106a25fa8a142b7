"""The `cxgov` console script (as `make install` puts it in .venv/bin) against the local stack:
import with its progress and counts, jobs, token, and its messages and exit codes on errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.import_stack import expected, generated_rows, write_csv_gz

pytestmark = pytest.mark.e2e
CXGOV = Path(sys.executable).with_name("cxgov")


def cxgov(*args: str, env: dict[str, str] | None = None, timeout: int = 300,
          columns: str | None = "200") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CXGOV_") and k not in ("COLUMNS", "LINES")}
    width = {"COLUMNS": columns} if columns else {}
    # The checkout under test (a worktree shares the venv, whose editable install names another one).
    here = {"PYTHONPATH": str(ROOT)}
    return subprocess.run([str(CXGOV), *args], env={**clean, **width, **here, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, cwd="/")


@pytest.fixture(scope="module")
def cli_dept(import_stack):
    if not [w for w in import_stack.workers if w.poll() is None]:
        import_stack.start_worker()
    dept = f"cli-{uuid.uuid4().hex[:6]}"
    return dept, import_stack.department(dept)


def test_the_console_script_is_installed_and_lists_every_command():
    assert CXGOV.exists(), "make install puts the console script in .venv/bin"
    result = cxgov("--help")
    assert result.returncode == 0
    for name in ("import", "jobs", "token"):
        assert f"  {name} " in result.stdout


def test_import_shows_progress_and_the_final_counts(import_stack, cli_dept, tmp_path):
    # Given a gzip CSV with duplicates and rejected rows, and the API and token in the environment
    dept, token = cli_dept
    rows = generated_rows(3_000, seed=21)
    path = write_csv_gz(rows, tmp_path / "export.csv.gz")
    env = {"CXGOV_API": import_stack.http.base, "CXGOV_TOKEN": token}
    # When `cxgov import` runs
    result = cxgov("import", str(path), "--dept", dept, env=env)
    # Then it uploaded, followed the job, printed the counts and where the rejected rows are
    want = expected(rows)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "upload export.csv.gz" in result.stderr and "rows" in result.stderr
    assert (f"completed  rows {len(rows):,}  created {want['created']:,}  updated 0  "
            f"duplicates {want['duplicates']:,}  rejected {want['rejected']:,}") in result.stdout
    assert "rejected rows (CSV: row, source_id, field, message" in result.stdout
    # And --strict turns rejected rows into exit 1; a re-import finds only duplicates
    again = cxgov("import", str(path), "--dept", dept, "--strict", env=env)
    assert again.returncode == 1 and f"created 0  updated 0  duplicates {want['created'] + want['duplicates']:,}" in again.stdout
    # And `cxgov jobs` lists both, newest first
    listed = cxgov("jobs", "--dept", dept, "--api", import_stack.http.base, "--token", token)
    assert listed.returncode == 0 and listed.stdout.count("completed") == 2 and "export.csv.gz" in listed.stdout


def test_in_a_pipe_import_prints_whole_lines_and_json_for_scripts(import_stack, cli_dept, tmp_path):
    # Given a file with rejected rows, and stdout a pipe of no declared width (as in a script)
    dept = f"clipipe-{uuid.uuid4().hex[:6]}"
    token = import_stack.department(dept)
    rows = generated_rows(400, seed=25)
    want = expected(rows)
    assert want["rejected"] > 0
    path = write_csv_gz(rows, tmp_path / "a-file-with-a-rather-long-name-for-a-narrow-pipe.csv.gz")
    env = {"CXGOV_API": import_stack.http.base, "CXGOV_TOKEN": token}
    # When `cxgov import` runs with no COLUMNS
    result = cxgov("import", str(path), "--dept", dept, env=env, columns=None)
    # Then the summary line is whole, rejected count included, and nothing is cut with an ellipsis
    assert result.returncode == 0, result.stdout + result.stderr
    summary = next(line for line in result.stdout.splitlines() if line.startswith("job "))
    assert summary.endswith(f"created {want['created']:,}  updated 0  duplicates {want['duplicates']:,}  "
                            f"rejected {want['rejected']:,}"), summary
    assert "\u2026" not in result.stdout
    link = next(line for line in result.stdout.splitlines() if line.startswith("rejected rows"))
    assert "Signature=" in link  # the whole presigned URL on one line
    # And --json prints the finished job as one JSON object, with every count
    again = cxgov("import", str(path), "--dept", dept, "--json", env=env, columns=None)
    assert again.returncode == 0, again.stderr
    job = json.loads(again.stdout)
    assert (job["status"], job["rows_done"], job["created"], job["rejected"]) == (
        "completed", len(rows), 0, want["rejected"])
    assert job["duplicates"] == want["created"] + want["duplicates"]


def test_errors_have_clear_messages_and_documented_exit_codes(import_stack, cli_dept, tmp_path):
    dept, token = cli_dept
    api = import_stack.http.base
    good = write_csv_gz(generated_rows(10), tmp_path / "small.csv.gz")
    # no token at all: usage error (2)
    result = cxgov("jobs", "--dept", dept, "--api", api)
    assert result.returncode == 2 and "no token" in result.stderr
    # a token the API refuses: 3, with the API's message and a hint
    result = cxgov("jobs", "--dept", dept, "--api", api, "--token", "not.a.token")
    assert result.returncode == 3 and "HTTP 401" in result.stderr and "cxgov token" in result.stderr
    # another department: 3, a 403 naming the scope
    result = cxgov("import", str(good), "--dept", "someone-else", "--api", api, "--token", token)
    assert result.returncode == 3 and "HTTP 403" in result.stderr and "outside your scope" in result.stderr
    # an unknown profile: 3, the field named
    result = cxgov("import", str(good), "--dept", dept, "--profile", "nope", "--api", api, "--token", token)
    assert result.returncode == 3 and "profile:" in result.stderr
    # a file whose format cannot be told from its name: 2
    odd = tmp_path / "export.xlsx"
    odd.write_bytes(b"PK\x03\x04")
    result = cxgov("import", str(odd), "--dept", dept, "--api", api, "--token", token)
    assert result.returncode == 2 and "--format" in result.stderr
    # a poison file: the job fails, exit 4 with the worker's reason
    result = cxgov("import", str(odd), "--dept", dept, "--format", "csv", "--api", api, "--token", token)
    assert result.returncode == 4 and "ZIP archive" in result.stderr
    # nothing listening: 5
    result = cxgov("jobs", "--dept", dept, "--api", "http://127.0.0.1:9", "--token", token)
    assert result.returncode == 5 and "cannot reach the API" in result.stderr


def test_token_mints_a_local_token_the_api_accepts(import_stack, cli_dept):
    dept, _ = cli_dept
    result = cxgov("token", "--role", "dcxo", "--dept", dept)
    assert result.returncode == 0
    listed = cxgov("jobs", "--dept", dept, "--api", import_stack.http.base, "--token", result.stdout.strip())
    assert listed.returncode == 0
    assert cxgov("token", "--role", "dcxo").returncode == 2  # a dcxo token needs its department
