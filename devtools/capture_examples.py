"""Regenerates chalicelib/core/examples.json: the OpenAPI examples of the larger response models,
taken from real answers of the API on the seeded demo organisation (moto, in process), lists cut to
one or two items. The OpenAPI test checks every example against its model, so a stale file fails.

    .venv/bin/python -m devtools.capture_examples
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "chalicelib" / "core" / "examples.json"
CURSOR = "eyJwayI6IkRFUEFSVE1FTlQifQ.mX0Jb7bq3y1dJk5Q2t8wQm0mXqkQeJ3r9ZfV0bXQ1Yw"


def _trim(value: Any, keep: int = 1) -> Any:
    if isinstance(value, list):
        return [_trim(v, keep) for v in value[:keep]]
    if isinstance(value, dict):
        return {k: (CURSOR if k == "next_cursor" and v else _trim(v, keep)) for k, v in value.items()}
    return value


def main() -> None:
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                       "POWERTOOLS_SERVICE_NAME": "cxgov"})
    os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    os.chdir(ROOT)
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from devtools import issuer

    with mock_aws():
        from app import app
        from chalicelib.db.items import create_tables
        from devtools.seed import seed

        create_tables()
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="cxgov-evidence-local")
        seed()
        ccxo = issuer.mint("ccxo", name="Morgan Reyes", subject="demo-ccxo-org")
        auditor = issuer.mint("auditor", name="Priya Natarajan", subject="demo-auditor-org")
        dcxo = issuer.mint("dcxo", "corp-comms", name="Dana Whitfield", subject="demo-dcxo-corp-comms")
        out: dict[str, Any] = {}
        with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
            def call(method: str, path: str, token: str, body: Any = None, keep: int = 1) -> Any:
                response = client.http.request(method, path, body=json.dumps(body) if body is not None else None,
                                               headers={"Authorization": f"Bearer {token}",
                                                        "Content-Type": "application/json"})
                assert response.status_code < 300, (path, response.status_code, response.body)
                return _trim(json.loads(response.body), keep)

            out["Me"] = call("GET", "/me", ccxo)
            out["DepartmentPage"] = call("GET", "/departments?limit=1", ccxo)
            out["Department"] = call("GET", "/departments/corp-comms", ccxo)
            journeys = call("GET", "/departments/corp-comms/journeys", ccxo)
            out["JourneyPage"] = journeys
            out["Journey"] = journeys["items"][0]
            out["CataloguePage"] = call("GET", "/kpi-catalogue?limit=1", ccxo)
            kpis = call("GET", "/departments/corp-comms/kpis", ccxo)
            out["KpiPage"] = kpis
            out["Kpi"] = kpis["items"][0]
            measured = next(k for k in call("GET", "/departments/corp-comms/kpis?limit=50", ccxo, keep=50)["items"]
                            if k["latest"] and not k["derived_from"])
            measurements = call("GET", f"/departments/corp-comms/kpis/{measured['id']}/measurements", ccxo)
            out["MeasurementPage"] = measurements
            out["Measurement"] = measurements["items"][0]
            feedback = call("GET", "/departments/corp-comms/feedback?limit=1", ccxo)
            out["FeedbackPage"] = feedback
            out["Feedback"] = feedback["items"][0]
            out["ImportResult"] = call("POST", "/departments/corp-comms/feedback/imports", dcxo, keep=2, body=[
                {"channel": "twitter", "received_at": "2017-03-14T21:05:00-04:00", "category": "complaint",
                 "comment": "Package marked delivered but not here", "source_system": "sprinklr",
                 "source_id": "tw-88412190"},
                {"channel": "fax", "received_at": "2017-03-14T21:07:00-04:00"}])
            out["VocSummary"] = call("GET", "/departments/corp-comms/voc-summary?period=FY2017", ccxo)
            reports = call("GET", "/audit-reports?limit=1", ccxo)
            out["AuditReportPage"] = reports
            out["AuditReport"] = reports["items"][0]
            recs = call("GET", "/recommendations?department=corp-comms&limit=1", auditor)
            out["RecommendationPage"] = recs
            rec = recs["items"][0]
            out["Recommendation"] = rec
            base = f"/departments/{rec['department']}/recommendations/{rec['id']}"
            action = call("POST", base + "/actions", dcxo, body={
                "description": "Staff the Social Media Operations Center on weekends",
                "owner": "Manager, Social Media Operations", "due_date": "2017-09-30"})
            out["CorrectiveAction"] = action
            link = call("POST", f"{base}/actions/{action['id']}/evidence", dcxo, body={
                "url": "https://intranet.example.gov/smoc/weekend-roster-2017.pdf",
                "description": "Weekend roster signed by the VP Corporate Communications"})
            out["Evidence"] = call("GET", f"{base}/actions/{action['id']}/evidence/{link['id']}", dcxo)
            out["EvidenceCreated"] = call("POST", f"{base}/actions/{action['id']}/evidence", dcxo, body={
                "file_name": "weekend-roster-2017.pdf", "content_type": "application/pdf",
                "sha256": hashlib.sha256(b"roster").hexdigest()})
            out["HistoryPage"] = call("GET", base + "/history?limit=1", auditor)
            out["HistoryVerification"] = call("GET", base + "/history/verify", auditor)
            out["UnimplementedReport"] = call("GET", "/reports/unimplemented?as_of=2018-06-30", auditor)
            out["Rollup"] = call("GET", "/rollup?period=FY2017", ccxo)
            out["Benchmark"] = call("GET", "/benchmarks?measure=voc.within_target_share&period=FY2017", ccxo, keep=2)
    OUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(out)} examples")


if __name__ == "__main__":
    main()
