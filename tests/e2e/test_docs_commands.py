"""Every command the README and the docs show, run as a reader runs it.

One `make run` (`python -m devtools.run`, the demo organisation, its tokens in `.local/tokens.env`)
on free ports, then each document's ```sh blocks, in order, as one bash session per document, from
a folder that looks like the checkout (its entries linked, `.local` the run's own). Each command
must exit 0 and each `curl` in it must answer 2xx, unless the command says otherwise in a trailing
comment:

    curl -s ... $API/departments/corp-comms        # -> 403
    curl -s ... $R/history/verify                   # -> {"valid": true}
    curl -s -X POST ...                             # -> 201 {"status": "ok"}

(`-> NNN`: every curl of the command answers NNN; `-> {...}`: the last curl's JSON answer holds
these keys with these values; `-> exit N`: the command exits N.) The commands that cannot run here
are listed in `NOT_RUN`, each with its reason; everything else runs. What a document names with the
port of `make run` (8000) is pointed at this run's port (`SUBSTITUTE`), and so is the Open311
endpoint of the integrations guide (a GeoReport server of the tests' own: nothing leaves the machine).

CXGOV_DOCS_ONLY=dcxo runs one document (by its name); CXGOV_DOCS_API=http://127.0.0.1:8000 runs
them against a `make run` already serving (CXGOV_DOCS_LOCAL: its .local folder, default .local/).
CXGOV_DOCS_SEED_YEAR=1 runs the docs against the demo with its FY2017, as `make run` seeds it (about
a minute more); by default the year is left out, as in the rest of the suite.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from devtools import issuer, localstack
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs" / "guides").glob("*.md")),
        *sorted((ROOT / "docs").glob("*.md"))]
SF311 = "https://mobile311.sfgov.org/open311/v2"

# Commands shown but not run here, by the start of the command, each with the reason.
NOT_RUN = {
    "make run": "the stack this test runs (python -m devtools.run); tests/e2e/test_local_stack.py runs `make run` itself",
    "make test": "the suite this test is part of: CI runs it (.ci/run)",
    "make digests": "tests/e2e/test_make_digests.py runs the same job (python -m devtools.digests) twice",
    "make bench": "minutes of benchmarks: their own command, not the suite",
    "make fuzz": "the longer Schemathesis run: its own command, not the suite",
    "make test-": "parts of `make test`",
    "make lock": "re-resolves the lock files from PyPI",
    "make package": "tests/infra/conftest.py builds the package (what `make package` does)",
    "make lint-template": "tests/infra runs cfn-lint on the packaged template",
    "make scan-template": "tests/infra/test_checkov.py runs checkov on the packaged template",
    "aws ": "needs an AWS account; the template it deploys is checked by tests/infra",
    "CXGOV_TABLE=": "writes the first grant into a deployed table with AWS credentials",
}
PORT_IN_DOCS = 8000


@dataclass
class Command:
    doc: Path
    line: int  # of its first line in the document
    text: str
    skip: str | None = None
    status: int | None = None  # what every curl of it answers (None: any 2xx)
    holds: dict | None = None  # what the last curl's JSON answer holds
    exit: int = 0


@dataclass
class Ran:
    command: Command
    exit: int | None = None
    calls: list[tuple[int, Path]] = field(default_factory=list)
    output: str = ""


def sh_blocks(doc: Path) -> Iterator[tuple[int, list[str]]]:
    """(line of the block's first line, its lines) for every ```sh block."""
    lines = doc.read_text().splitlines()
    start = None
    for number, line in enumerate(lines, 1):
        fence = line.strip()
        if start is None and fence.startswith("```"):
            start = number if fence == "```sh" else -number
        elif start is not None and fence == "```":
            if start > 0:
                yield start + 1, lines[start:number - 1]
            start = None


def _scan(text: str, state: dict) -> int | None:
    """Follows quotes and `$(`/`(` nesting through one line, as far as the docs use bash's rules;
    returns where a comment starts (outside quotes), if one does."""
    i, quote = 0, state["quote"]
    while i < len(text):
        c = text[i]
        if quote == "'":
            quote = None if c == "'" else quote
        elif quote in ("$'", '"'):
            if c == "\\":
                i += 1
            elif c == quote[-1]:
                quote = None
        elif c == "#" and (i == 0 or text[i - 1] in " \t;|&("):
            state["quote"] = None
            return i
        elif c == "\\":
            i += 1
        elif c == "'":
            quote = "$'" if i > 0 and text[i - 1] == "$" else "'"
        elif c == '"':
            quote = '"'
        elif c == "(":
            state["depth"] += 1
        elif c == ")":
            state["depth"] -= 1
        i += 1
    state["quote"] = quote
    return None


MARK = re.compile(r"^#\s*->\s*(?:exit\s+(?P<exit>\d+)|(?P<status>\d{3})?\s*(?P<holds>\{.*\})?)\s*$")


def commands(doc: Path) -> list[Command]:
    """The commands of the document's ```sh blocks (a command runs on over lines while a quote or
    a parenthesis is open, or a line ends with `\\`, `|`, `&&` or `||`)."""
    found: list[Command] = []
    for first, lines in sh_blocks(doc):
        pending: list[str] = []
        state = {"quote": None, "depth": 0}
        for offset, line in enumerate(lines):
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue  # a comment or a blank line between commands
            if not pending:
                start = first + offset
            pending.append(line)
            comment = _scan(line, state)
            code = (line[:comment] if comment is not None else line).rstrip()
            if state["quote"] or state["depth"] > 0 or code.endswith(("\\", "|", "&&", "||")):
                continue
            found.append(_command(doc, start, "\n".join(pending), line[comment:] if comment is not None else ""))
            pending, state = [], {"quote": None, "depth": 0}
        assert not pending, f"{doc.name}:{start}: a command does not end: {pending}"
    return found


def _command(doc: Path, line: int, text: str, comment: str) -> Command:
    command = Command(doc, line, text)
    mark = MARK.match(comment.strip())
    if mark and comment.strip() != "# ->":
        if mark["exit"]:
            command.exit = int(mark["exit"])
        command.status = int(mark["status"]) if mark["status"] else None
        if mark["holds"]:
            try:
                command.holds = json.loads(mark["holds"])
            except ValueError:
                raise AssertionError(f"{doc.name}:{line}: `-> {{...}}` is not JSON: {mark['holds']}") from None
    for start, reason in NOT_RUN.items():
        if text.lstrip().startswith(start):
            command.skip = reason
    return command


def every_command() -> list[Command]:
    return [c for doc in DOCS for c in commands(doc)]


# --- without a stack: the documents' own shape ---
def test_every_shell_block_is_marked_sh_and_every_command_parses():
    for doc in DOCS:
        text = doc.read_text()
        for fence in re.findall(r"^\s*```(\w+)", text, flags=re.MULTILINE):
            assert fence not in {"bash", "shell", "console", "zsh"}, \
                f"{doc.relative_to(ROOT)}: ```{fence}: commands go in ```sh blocks (this test runs those)"
        commands(doc)  # a command that never ends fails here


def test_every_reason_not_to_run_is_still_used():
    used = {c.text.lstrip().split("\n")[0] for c in every_command() if c.skip}
    for start in NOT_RUN:
        assert any(text.startswith(start) for text in used), f"NOT_RUN[{start!r}] matches no command: remove it"


def test_the_readme_and_every_guide_show_commands_that_run():
    for doc in [ROOT / "README.md", *(ROOT / "docs" / "guides").glob("*.md")]:
        run = [c for c in commands(doc) if not c.skip]
        assert len(run) >= 5, f"{doc.relative_to(ROOT)} shows {len(run)} commands this test runs"


# --- with `make run`: every command ---
@pytest.fixture(scope="module")
def make_run(tmp_path_factory) -> Iterator[tuple[dict[int, int], Path]]:
    """(its ports by the docs' ones: 8000 the API, 8001 DynamoDB Local, 8002 moto, 8003 the OIDC
    provider; its .local folder): `python -m devtools.run` on free ports with its own .local,
    stopped afterwards (SIGTERM, which it takes as Ctrl-C)."""
    if os.environ.get("CXGOV_DOCS_API"):  # a `make run` already running (writing the docs)
        port = int(os.environ["CXGOV_DOCS_API"].rsplit(":", 1)[1])
        yield ({PORT_IN_DOCS + n: port + n for n in range(4)},
               Path(os.environ.get("CXGOV_DOCS_LOCAL", ROOT / ".local")))
        return
    issuer.ensure_keys()  # before any process of the run could race another test to create them
    tmp = tmp_path_factory.mktemp("make-run")
    local = tmp / "local"
    local.mkdir()
    ports = {PORT_IN_DOCS + n: localstack.free_port() for n in range(4)}
    port = ports[PORT_IN_DOCS]
    env = {**os.environ, "PORT": str(port), "DDB_PORT": str(ports[PORT_IN_DOCS + 1]),
           "S3_PORT": str(ports[PORT_IN_DOCS + 2]), "OIDC_PORT": str(ports[PORT_IN_DOCS + 3]),
           "CXGOV_LOCAL_DATA": str(tmp / "ddb"), "CXGOV_LOCAL_DIR": str(local),
           "CXGOV_SEED_YEAR": os.environ.get("CXGOV_DOCS_SEED_YEAR", "0")}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    process = subprocess.Popen([sys.executable, "-m", "devtools.run"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 240
        while not any("Serving on" in line for line in list(output)):
            assert process.poll() is None and time.monotonic() < deadline, "".join(output[-40:])
            time.sleep(0.2)
        yield ports, local
    finally:
        process.send_signal(signal.SIGTERM)  # `make run` stops on it as on Ctrl-C
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def open311() -> Iterator[str]:
    """The GeoReport v2 endpoint the integrations guide's source pulls (three requests of March 2017)."""
    from tests.georeport_server import request, serve

    with serve() as (url, server):
        march = datetime(2017, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=-7)))
        server.requests = [request(1, march), request(2, march + timedelta(hours=2), status="closed",
                                                      updated=march + timedelta(hours=5)),
                           request(3, march + timedelta(days=1))]
        yield url


def sandbox(tmp: Path, local: Path) -> Path:
    """A folder that reads as the checkout (every entry linked) but keeps what the commands write
    (bundle.json, ledger.pem, ...) and whose `.local` is this run's."""
    work = tmp / "checkout"
    work.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in {".local", ".git"}:
            (work / entry.name).symlink_to(entry)
    (work / ".local").symlink_to(local)
    return work


PRELUDE = r"""
set -u -o pipefail
curl() {  # the real curl, with its status and answer recorded for the test
  local body status rc
  body=$(mktemp "$__DOCS_LOG/answer.XXXXXX")
  status=$(command curl "$@" -o "$body" -w '%{http_code}'); rc=$?
  printf '%s\t%s\t%s\n' "$__cmd" "$status" "$body" >> "$__DOCS_LOG/calls.tsv"
  cat "$body"
  return $rc
}
__done() {  # command number, its exit, the exit the doc expects: the session stops at the first miss
  printf '%s\t%s\n' "$1" "$2" >> "$__DOCS_LOG/exits.tsv"; printf '\n\x1e%s\n' "$1"
  [ "$2" = "$3" ] || exit 99
}
"""


def substitute(text: str, ports: dict[int, int], open311: str) -> str:
    """The command as it runs here: `make run`'s ports of the docs (8000-8003) are this run's, the
    Open311 endpoint is the tests' own."""
    for theirs, ours in ports.items():
        text = text.replace(f"127.0.0.1:{theirs}", f"127.0.0.1:{ours}").replace(f"PORT={theirs}", f"PORT={ours}")
    return text.replace(SF311, open311)


def run_doc(doc: Path, cmds: list[Command], work: Path, log: Path, ports: dict[int, int], open311: str) -> list[Ran]:
    log.mkdir()
    script = [PRELUDE]
    for n, command in enumerate(cmds):
        text = substitute(command.text, ports, open311)
        script += [f"__cmd={n}", text, f"__done {n} $? {command.exit}"]
    path = log / "script.sh"
    path.write_text("\n".join(script) + "\n")
    env = {"PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                                   if not p.startswith(str(ROOT)) and ".venv" not in p),
           "HOME": os.environ.get("HOME", str(work)), "LANG": "C.UTF-8", "__DOCS_LOG": str(log)}
    done = subprocess.run(["bash", str(path)], cwd=work, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    ran = [Ran(c) for c in cmds]
    for n, out in enumerate(done.stdout.split("\x1e")):
        if n < len(ran):
            ran[n].output = out.split("\n", 1)[1] if n else out
    for line in (log / "exits.tsv").read_text().splitlines() if (log / "exits.tsv").exists() else []:
        n, code = line.split("\t")
        ran[int(n)].exit = int(code)
    for line in (log / "calls.tsv").read_text().splitlines() if (log / "calls.tsv").exists() else []:
        n, status, body = line.split("\t")
        ran[int(n)].calls.append((int(status or 0), Path(body)))
    return ran


def _subset(want, got) -> bool:
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and _subset(v, got[k]) for k, v in want.items())
    return want == got


def problems(ran: Ran) -> list[str]:
    c = ran.command
    where = f"{c.doc.relative_to(ROOT)}:{c.line}"
    found = []
    if ran.exit != c.exit:
        found.append(f"exit {ran.exit}, the doc expects {c.exit}")
    for status, _ in ran.calls:
        if (c.status is None and not 200 <= status < 300) or (c.status is not None and status != c.status):
            found.append(f"curl answered {status}, the doc expects {c.status or '2xx'}")
    if c.holds is not None:
        try:
            answer = json.loads(ran.calls[-1][1].read_text()) if ran.calls else None
        except ValueError:
            answer = None
        if not _subset(c.holds, answer):
            found.append(f"the answer does not hold {c.holds}")
    if not found:
        return []
    return [f"{where}: {'; '.join(found)}\n  $ {c.text}\n  {ran.output.strip()[-1500:]}"]


def test_every_command_in_the_docs_runs(make_run, open311, tmp_path):
    ports, local = make_run
    work = sandbox(tmp_path, local)
    failures, took, counted, started = [], [], 0, time.monotonic()
    only = os.environ.get("CXGOV_DOCS_ONLY")  # e.g. `dcxo`: one document, while writing it
    for doc in [d for d in DOCS if not only or d.stem == only]:
        cmds = commands(doc)
        to_run = [c for c in cmds if not c.skip]
        if not to_run:
            continue
        counted += len(to_run)
        began = time.monotonic()
        ran = run_doc(doc, to_run, work, tmp_path / f"log-{doc.stem}", ports, open311)
        for each in ran:
            failures += problems(each) if each.exit is not None else []
        if any(each.exit is None for each in ran):
            failures.append(f"{doc.relative_to(ROOT)}: {sum(each.exit is None for each in ran)} command(s) "
                            "not run: the session stops at the first command that exits otherwise than the doc says")
        took.append(f"{doc.relative_to(ROOT)} {len(to_run)} in {time.monotonic() - began:.1f} s")
    print(f"{counted} commands of {len(DOCS)} documents in {time.monotonic() - started:.1f} s: {', '.join(took)}")
    assert not failures, "\n\n".join(failures)
