"""`make digests`: runs the digest job once, now, against the stack `make run` serves (same `PORT=`):
DynamoDB Local on PORT+1 (or `DDB_PORT=`), moto's SES on PORT+2 (or `S3_PORT=`, the moto server that
also serves S3). Each message goes to moto's SES and is written to .local/outbox/{day}/ as an .eml
file. A second run the same day sends nothing (the sends are claimed per recipient and day).

    PORT=8000 python -m devtools.digests [--outbox DIR]

Also here: what `make run` prepares for the digests (`prepare`): the sender identity in moto's SES,
the org's demo contacts when none are set, and the due-date index for data written before it."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from devtools import localstack

OUTBOX = localstack.LOCAL / "outbox"
DEMO_CONTACTS = {"ccxo": [{"name": "Morgan Reyes", "email": "morgan.reyes@cx.example.gov"}],
                 "auditors": [{"name": "Priya Natarajan", "email": "priya.natarajan@oig.example.gov"}]}


def sender_address() -> str:
    sender = localstack.stage_variable("CXGOV_DIGEST_SENDER")
    return sender.rpartition("<")[2].rstrip(">").strip()


def local_env(port: int, ddb_endpoint: str, moto_endpoint: str, outbox: Path = OUTBOX) -> dict[str, str]:
    """What points the job (and `chalice local`) at the local stack's DynamoDB, SES and outbox."""
    return {**localstack.endpoint_env(ddb_endpoint), "AWS_ENDPOINT_URL_SESV2": moto_endpoint,
            "CXGOV_OUTBOX_DIR": str(outbox), "CXGOV_DASHBOARD_BASE_URL": f"http://127.0.0.1:{port}",
            **{name: localstack.stage_variable(name) for name in
               ("CXGOV_DIGEST_SENDER", "CXGOV_ORG_TIME_ZONE", "CXGOV_DIGEST_HOUR")}}


def ses_identity(moto_endpoint: str) -> None:
    import boto3

    client = boto3.client("sesv2", endpoint_url=moto_endpoint, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local")
    client.create_email_identity(EmailIdentity=sender_address())  # moto: repeatable


def prepare(moto_endpoint: str) -> list[str]:
    """Run by `make run` after the seed, with this process pointed at the local database."""
    from chalicelib.core.auth import Principal
    from chalicelib.org import departments_store as departments
    from chalicelib.reminders import contacts
    from chalicelib.audits import due_index as index
    from chalicelib.reminders.schemas import ContactsPut

    done = []
    ses_identity(moto_endpoint)
    if contacts.get_contacts().version is None:
        contacts.put_contacts(ContactsPut.model_validate(DEMO_CONTACTS),
                              Principal(subject="seed", role="ccxo", department=None, name="demo seed"))
        done.append("demo digest contacts")
    start, repaired = None, 0
    while True:
        page, start = departments.list_all(200, start)
        for department in page:
            written, retired = index.rebuild_department(department.id)
            repaired += written + retired
        if not start:
            break
    if repaired:
        done.append(f"{repaired} reminder index entr{'y' if repaired == 1 else 'ies'}")
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outbox", type=Path, default=OUTBOX)
    args = parser.parse_args()
    port = int(os.environ.get("PORT", "8000"))
    ddb_port = int(os.environ.get("DDB_PORT", str(port + 1)))
    moto_port = int(os.environ.get("S3_PORT", str(port + 2)))
    for p, what in ((ddb_port, "DynamoDB Local"), (moto_port, "the moto server (SES)")):
        if not localstack.port_in_use(p):
            print(f"Nothing listens on 127.0.0.1:{p} ({what}): start the stack with "
                  f"`make run PORT={port}` first, or give the same PORT=.")
            return 1
    env = local_env(port, f"http://127.0.0.1:{ddb_port}", f"http://127.0.0.1:{moto_port}", args.outbox)
    os.environ.update(env)
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "cxgov")
    ses_identity(env["AWS_ENDPOINT_URL_SESV2"])
    from chalicelib.reminders import job

    result = job.run()
    print(f"Digests for {result.day} (sender {env['CXGOV_DIGEST_SENDER']}):")
    for r in result.recipients:
        who = f"{r.role} {r.department or ''}".strip()
        detail = r.eml or r.error or r.message_id or ""
        print(f"  {who:<26} {r.email:<42} {r.items:>3} item(s)  {r.status:<12} {detail}")
    counts = {s: result.count(s) for s in ("sent", "already_sent", "nothing_due", "failed", "in_flight")}
    print("  " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items()))
    print(f"Outbox: {args.outbox / result.day.isoformat()}")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
