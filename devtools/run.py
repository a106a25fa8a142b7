"""`make run`: DynamoDB Local with data under .local/ (or moto without Java), the tables, the demo
organisation, a token per demo user, and the API on `chalice local`. Ctrl-C stops everything."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from pathlib import Path

from devtools import import_dispatcher, issuer, localstack


def say(message: str = "") -> None:
    print(message, flush=True)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a `kill` cleans up like Ctrl-C does


def _enter(stack: contextlib.ExitStack, what: str, context):
    """Enters `context` on `stack` and, when the stack unwinds, says that `what` is stopping: a
    Ctrl-C takes a few seconds, and a step that hangs is then named in the output."""
    value = stack.enter_context(context)
    stack.callback(say, f"Stopping {what}...")
    return value


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # A process started in the background by a script (CI, `make test &`) inherits SIGINT ignored,
    # and Python then raises no KeyboardInterrupt: Ctrl-C must stop `make run` wherever it started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    port = int(os.environ.get("PORT", "8000"))
    ddb_port = int(os.environ.get("DDB_PORT", str(port + 1)))
    s3_port = int(os.environ.get("S3_PORT", str(port + 2)))
    for p, what in ((port, "PORT"), (ddb_port, "DDB_PORT"), (s3_port, "S3_PORT")):
        if localstack.port_in_use(p):
            say(f"Port {p} on 127.0.0.1 is taken: free it or choose another with {what}=...")
            return 1
    localstack.LOCAL.mkdir(exist_ok=True)
    data_dir = Path(os.environ.get("CXGOV_LOCAL_DATA", localstack.LOCAL / "ddb"))
    issuer.ensure_keys()
    with contextlib.ExitStack() as stack:
        endpoint = _enter(stack, "the database", localstack.database(
            ddb_port, db_path=data_dir, log=localstack.LOCAL / "dynamodb-local.log",
            say=say))
        env = localstack.use_endpoint(endpoint)
        say(f"Database: {endpoint} (data kept under {data_dir})")
        # Evidence files: S3 from moto in server mode (in memory: files do not survive a restart).
        s3 = _enter(stack, "moto (S3, SQS, STS, KMS, SES)", localstack.moto_server(s3_port))
        env["AWS_ENDPOINT_URL_S3"] = s3
        env["AWS_ENDPOINT_URL_STS"] = s3  # the same moto server: a dcxo's role sessions (issue 16)
        bucket = localstack.stage_variable("CXGOV_EVIDENCE_BUCKET")
        import boto3

        boto3.client("s3", endpoint_url=s3, region_name=env["AWS_DEFAULT_REGION"]).create_bucket(Bucket=bucket)
        say(f"Evidence files: {s3} (bucket {bucket}, kept in memory)")
        env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = s3  # Open311 sources' API keys (issue 12)
        # Import jobs (issue 14): bucket, queue and DLQ on the same moto server; one worker process.
        env.update(import_dispatcher.resources(s3))
        _enter(stack, "the import worker", import_dispatcher.dispatcher(env, log=localstack.LOCAL / "import-worker.log"))
        say(f"Import jobs: bucket {import_dispatcher.BUCKET}, queue {import_dispatcher.QUEUE}, one worker "
            "(log: .local/import-worker.log)")
        from chalicelib.db.items import create_tables
        from devtools.seed import DEMO_PERIOD, DEMO_USERS, seed

        create_tables()
        # The ledger (issue 15): signing key in moto's KMS, the stream consumer, daily tree heads.
        from devtools import ledger_stream

        _enter(stack, "the ledger consumer", ledger_stream.local_ledger(s3, env, localstack.LOCAL / "ledger-stream.json", say=say))
        created = seed()
        say(f"Demo organisation: {len(created)} record(s) created (departments, KPIs, audits); "
            "what was already there is kept.")
        # Digests (issue 13): moto's SES on the same server, demo contacts, the reminders' index.
        from devtools import digests

        prepared = digests.prepare(s3)
        env.update(digests.local_env(port, endpoint, s3))
        say(f"Digests: `make digests PORT={port}` sends today's through moto's SES ({s3}) and writes "
            f"each to {digests.OUTBOX}/<day>/*.eml" + (f" (prepared: {', '.join(prepared)})" if prepared else ""))
        say("")
        say("Demo tokens (valid 12 hours; `make token ROLE=dcxo DEPT=parks` mints more):")
        exports, picker = [], []
        demo_users = localstack.LOCAL / "demo-users.json"
        for user in DEMO_USERS:
            token = issuer.mint(user.role, user.department, name=user.name,
                                subject=f"demo-{user.role}-{user.department or 'org'}")
            say(f"  {user.label:<22} {token}")
            exports.append(f"export {user.env_name}={token}")
            picker.append({"label": f"{user.label} ({user.name})", "token": token})
        (localstack.LOCAL / "tokens.env").write_text("\n".join(exports) + "\n")
        demo_users.write_text(json.dumps(picker))
        say("")
        say("The same tokens as shell variables: source .local/tokens.env  (" +
            ", ".join(f"${u.env_name}" for u in DEMO_USERS) + ")")
        base = f"http://127.0.0.1:{port}"
        # The dashboard's demo-user picker and the period of the demo data (local runs only).
        env = {**env, "CXGOV_DEMO_USERS_FILE": str(demo_users), "CXGOV_DASHBOARD_PERIOD": DEMO_PERIOD}
        # --- issue 19: sign-in through a local OIDC provider (oidc-provider) on OIDC_PORT (PORT+3)
        from devtools.oidc import CLIENT_ID, local_provider

        oidc_port = int(os.environ.get("OIDC_PORT", str(port + 3)))
        if localstack.port_in_use(oidc_port):
            say(f"Port {oidc_port} on 127.0.0.1 is taken: free it or choose another with OIDC_PORT=...")
            return 1
        discovery = _enter(stack, "the OIDC provider", local_provider(
            oidc_port, [f"{base}/dashboard/callback"], [f"{base}/dashboard"],
            log=localstack.LOCAL / "oidc-provider.log"))
        env.update({"CXGOV_OIDC_CLIENT_ID": CLIENT_ID, "CXGOV_OIDC_DISCOVERY_URL": discovery,
                    "CXGOV_OIDC_SCOPE": "openid profile email cxgov offline_access",
                    "CXGOV_OIDC_AUTH_PARAMS": "prompt=consent"})
        say(f"Sign-in: {discovery.rsplit('/.well-known', 1)[0]} (OpenID Connect, PKCE): log in as ccxo, "
            "auditor, dcxo-<dept> or login-gov (no role until the CCXO grants one), any password")
        # --- end issue 19
        say(f"Dashboard: {base}/dashboard  (sign in, or pick a demo user; the demo's feedback is in {DEMO_PERIOD})")
        say(f"API: {base}   OpenAPI: {base}/openapi.json   Try: curl -H 'Authorization: Bearer <token>' {base}/me")
        say("Ctrl-C stops the API and the database.")
        from devtools import source_scheduler

        _enter(stack, "the source pulls", source_scheduler.pull_loop(env, say=say))  # Open311 sources (issue 12)
        _, api = _enter(stack, "the API", localstack.chalice_local(port, env, inherit_output=True))
        with contextlib.suppress(KeyboardInterrupt):
            api.wait()
    say("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
