"""The served /openapi.json passes @redocly/cli's recommended rules (redocly.yaml) with no error;
the warnings are counted and printed (`pytest -s`): none on this branch."""
from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import ROOT

REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"


def test_the_document_lints_clean_with_redocly(api, tmp_path):
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(api.get("/openapi.json").json))
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}
    run = subprocess.run([str(REDOCLY), "lint", str(document), "--config", str(ROOT / "redocly.yaml"),
                          "--format=json"], capture_output=True, text=True, env=env, timeout=300)
    report = json.loads(run.stdout)
    problems = [(p["severity"], p["ruleId"], p["message"]) for p in report["problems"]]
    print(f"redocly {report['version']}: {report['totals']['errors']} errors, "
          f"{report['totals']['warnings']} warnings")
    assert report["totals"]["errors"] == 0, problems
    assert run.returncode == 0, run.stderr[-2000:]
