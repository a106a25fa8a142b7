"""`make digests` end to end: the demo organisation in DynamoDB Local, moto's SES in server mode, the
command run twice as `make digests` runs it: the first sends and writes one .eml per recipient with
something due, the second sends nothing; a department with nothing due gets no mail. (The demo's
own departments get whatever the seed makes due: tests/integration/test_digest_seed.py checks it.)"""
from __future__ import annotations

import os
import subprocess
import sys
from email import message_from_bytes, policy

from devtools import localstack


def _digests(env: dict, outbox) -> str:
    run = subprocess.run([sys.executable, "-m", "devtools.digests", "--outbox", str(outbox)],
                         cwd=localstack.ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_make_digests_sends_once_per_recipient_and_day(tmp_path):
    with localstack.database(localstack.free_port(), log=tmp_path / "ddb.log") as endpoint, \
            localstack.moto_server(localstack.free_port()) as moto:
        env = localstack.endpoint_env(endpoint)
        localstack.create_tables_in_subprocess(env, seed=True)
        ddb_port, moto_port = endpoint.rsplit(":", 1)[1], moto.rsplit(":", 1)[1]
        # Beside the demo organisation, a department with nothing due at all
        quiet = ("from chalicelib.org.departments import create_department; "
                 "from chalicelib.org.departments_schemas import DepartmentCreate; from devtools.seed import SEEDER; "
                 "create_department(DepartmentCreate.model_validate({'id': 'quiet', 'name': 'Quiet', "
                 "'time_zone': 'UTC', 'dcxo_contact': {'name': 'Q', 'email': 'q@quiet.example.gov'}}, "
                 "strict=False), SEEDER, request_key='quiet'); ")
        subprocess.run([sys.executable, "-c", quiet + f"from devtools import digests; digests.prepare({moto!r})"],
                       cwd=localstack.ROOT, env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
        command_env = {"PORT": "8000", "DDB_PORT": ddb_port, "S3_PORT": moto_port,
                       "POWERTOOLS_LOG_LEVEL": "WARNING"}
        outbox = tmp_path / "outbox"
        # When `make digests` runs
        first = _digests(command_env, outbox)
        [day] = [p.name for p in outbox.iterdir()]
        emls = sorted((outbox / day).iterdir())
        sent_lines = [line for line in first.splitlines() if " sent " in line]
        # Then every recipient reported sent has exactly one .eml, with text and HTML
        assert len(emls) == len(sent_lines) >= 4, first
        for path in emls:
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            assert message.get_body(preferencelist=("plain",)) is not None
            assert "http://127.0.0.1:8000/dashboard/" in message.get_body(preferencelist=("html",)).get_content()
        # And the department with nothing due got none
        assert "nothing_due" in next(line for line in first.splitlines() if "dcxo quiet" in line)
        assert not [p for p in emls if "-quiet-" in p.name]
        # When it runs again the same day, Then nothing is sent and no file is written
        second = _digests(command_env, outbox)
        assert "0 sent" in second and f"{len(emls)} already sent" in second, second
        assert sorted((outbox / day).iterdir()) == emls
