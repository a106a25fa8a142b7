"""Builds the deployable package once per session (what `make package` does), offline."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "test-package"


@pytest.fixture(scope="session")
def packaged() -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # no credentials at all
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "devtools.package", "--out", str(OUT)], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    print(f"\n{run.stdout.strip()}\n(packaged in {time.monotonic() - started:.1f} s)")
    return OUT


@pytest.fixture(scope="session")
def template(packaged: Path) -> dict:
    return json.loads((packaged / "sam.json").read_text())


@pytest.fixture(scope="session")
def resources(template: dict) -> dict:
    return template["Resources"]
