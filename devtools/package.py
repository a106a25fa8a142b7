"""`make package`: one deployable SAM/CloudFormation template and its Lambda zip under build/, offline.

    python -m devtools.package [--out build/package]

1. Stages the function's sources (app.py, chalicelib/, .chalice/config.json) in build/stage with
   infra/function-base-policy.json as the prod stage's policy file (autogen_policy is false).
2. Vendors the runtime dependencies for Lambda (manylinux wheels, python 3.11, no dependency
   resolution) from requirements.txt minus what the Lambda runtime already provides: boto3,
   botocore, s3transfer and the packages that are in requirements.txt only because of them.
   Chalice gets no requirements.txt, so it cannot pull botocore back in through pynamodb.
   Also left out: phonenumbers' geocoder/carrier/timezone data (what `phonenumberslite` leaves
   out; chalicelib never imports those modules - a test checks), type stubs and bytecode caches.
3. Builds the merge template: infra/template.yaml + the tables and DynamoDB alarms generated from
   the PynamoDB models + the API's authorizer on every non-public route (devtools/infra_gen.py).
4. Writes the OpenAPI document into the staged chalicelib/http/openapi.json (served as it is).
5. Runs `chalice package --stage prod --merge-template build/merge-template.json <out>`.
Needs no AWS credentials; `AWS_DEFAULT_REGION` defaults to us-east-1 for Chalice.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
STAGE = BUILD / "stage"
VENDOR = STAGE / "vendor"
MERGE_TEMPLATE = BUILD / "merge-template.json"
LAMBDA_REQUIREMENTS = BUILD / "lambda-requirements.txt"
DEFAULT_OUT = BUILD / "package"

# Provided by the Lambda Python runtime; never shipped in the zip.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})
# Lambda's Python runtime these wheels are for (Chalice picks the runtime from this interpreter).
LAMBDA_PLATFORM = ("manylinux2014_x86_64", "3.11")
# Parts of the vendored packages that cxgov never loads (tests/infra/test_lambda_runtime.py imports
# the package with only the runtime beside it): phonenumbers' geocoding data, C sources, and
# Powertools' event handler and utilities other than idempotency - Chalice routes the requests, and
# chalicelib/http/idempotency.py hands Powertools plain dicts (its pydantic path imports event_handler).
POWERTOOLS_UNUSED = ("data_classes", "parser", "auth_alpha", "parameters", "circuit_breaker",
                     "feature_flags", "kafka", "batch", "data_masking", "streaming", "validation")
TRIMMED_DIRS = ("phonenumbers/geodata", "phonenumbers/carrierdata", "phonenumbers/tzdata", "bin",
                "aws_lambda_powertools/event_handler", *(f"aws_lambda_powertools/utilities/{name}" for name in POWERTOOLS_UNUSED))
TRIMMED_SUFFIXES = (".pyi", ".c", ".h")
MAX_ZIP_BYTES = 10_000_000


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~ \[;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def lambda_requirements(requirements_txt: str) -> list[str]:
    """requirements.txt (pip-compile output, with `# via` annotations) minus the runtime-provided
    packages and whatever is pinned only because one of them (transitively) needs it."""
    pins: dict[str, str] = {}
    via: dict[str, set[str]] = {}
    current = None
    for line in requirements_txt.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not line.startswith(" "):
            current = _name(stripped)
            pins[current] = stripped
            via[current] = set()
        elif current and stripped.startswith("#"):
            words = stripped.lstrip("#").strip()
            if words.startswith("via"):
                words = words[3:].strip()
            if words:
                via[current].add(_name(words.split(" (")[0]))
    dropped = set(RUNTIME_PROVIDED)
    changed = True
    while changed:  # a package goes when everything that needs it is gone
        changed = False
        for name, parents in via.items():
            if name not in dropped and parents and parents <= dropped:
                dropped.add(name)
                changed = True
    return [pin for name, pin in pins.items() if name not in dropped]


def stage_sources() -> None:
    if STAGE.exists():
        for entry in STAGE.iterdir():
            if entry.name not in ("vendor", ".chalice"):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    (STAGE / ".chalice").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "app.py", STAGE / "app.py")
    shutil.copytree(ROOT / "chalicelib", STAGE / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / ".chalice" / "config.json", STAGE / ".chalice" / "config.json")
    shutil.copy2(ROOT / "infra" / "function-base-policy.json",
                 STAGE / ".chalice" / "policy-prod.json")


def vendor_dependencies() -> None:
    pins = lambda_requirements((ROOT / "requirements.txt").read_text())
    text = "\n".join(pins) + "\n"
    LAMBDA_REQUIREMENTS.write_text(text)
    stamp = hashlib.sha256((text + repr(LAMBDA_PLATFORM) + repr(TRIMMED_DIRS)).encode()).hexdigest()
    stamp_file = BUILD / "vendor.stamp"
    if VENDOR.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    shutil.rmtree(VENDOR, ignore_errors=True)
    platform, version = LAMBDA_PLATFORM
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-deps", "--only-binary=:all:", "--platform", platform,
                    "--implementation", "cp", "--python-version", version,
                    "--target", str(VENDOR), "-r", str(LAMBDA_REQUIREMENTS)], check=True)
    for rel in TRIMMED_DIRS:
        shutil.rmtree(VENDOR / rel, ignore_errors=True)
    for path in list(VENDOR.rglob("*")):
        if path.is_dir() and path.name == "__pycache__":
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file() and path.suffix in TRIMMED_SUFFIXES:
            path.unlink()
    stamp_file.write_text(stamp)


def load_code():
    """The app and its models, with the default table names (the logical ids derive from them)."""
    for var in ("CXGOV_TABLE", "CXGOV_IDEMPOTENCY_TABLE", "CXGOV_LEDGER_TABLE"):
        os.environ.pop(var, None)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "cxgov")
    sys.path.insert(0, str(ROOT))
    import app as app_module  # registers every route and imports every model
    from chalicelib.http.routing import ROUTES
    from chalicelib.db.items import ALL_TABLES
    public = {(spec.path, spec.method.upper()) for spec in ROUTES if spec.public}
    return app_module.app, ALL_TABLES, public


def merge_template() -> dict:
    from cfnlint.decode import cfn_yaml

    from devtools import infra_gen

    template = json.loads(json.dumps(cfn_yaml.load(str(ROOT / "infra" / "template.yaml"))))
    app, tables, public = load_code()
    generated = infra_gen.table_resources(tables)
    clash = set(generated) & set(template["Resources"])
    if clash:
        raise SystemExit(f"infra/template.yaml must not define the generated resources {clash}")
    template["Resources"].update(generated)
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    body["paths"] = infra_gen.api_security(app, public)
    from chalicelib.http.routing import ROUTES

    settings = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    settings += infra_gen.method_throttles(ROUTES)  # after the "/*" default, so these win
    return template


def prebuild_openapi(stage: Path = STAGE) -> Path:
    """The OpenAPI document, built now from the staged code's routes and models, shipped in the zip
    and served as it is (chalicelib/http/openapi_file.py): a cold Lambda builds no JSON schema."""
    load_code()
    from chalicelib.http import openapi, openapi_file

    target = stage / openapi_file.PREBUILT.relative_to(ROOT)
    target.write_text(openapi.prebuilt_text(), encoding="utf-8")
    return target


def package(out: Path) -> Path:
    from devtools import dashboard_assets

    BUILD.mkdir(exist_ok=True)
    dashboard_assets.sync()  # the USWDS files under chalicelib/reporting/dashboard/uswds ship with the code
    stage_sources()
    vendor_dependencies()
    MERGE_TEMPLATE.write_text(json.dumps(merge_template(), indent=2) + "\n")
    prebuild_openapi()
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "package", "--stage", "prod", "--merge-template",
                    str(MERGE_TEMPLATE), str(out)], cwd=STAGE, env=env, check=True)
    bind_event_queues(out / "sam.json")
    return out


def bind_event_queues(sam_path: Path) -> None:
    """Chalice writes an SQS event source's queue as an ARN built from the queue's name; the
    template creates the queue (with a generated name), so point the event at that resource."""
    from devtools import infra_gen

    template = json.loads(sam_path.read_text())
    for resource in template["Resources"].values():
        for event in (resource.get("Properties", {}).get("Events") or {}).values():
            queue = event.get("Properties", {}).get("Queue")
            if event.get("Type") == "SQS" and isinstance(queue, dict) and "Fn::Sub" in queue:
                name = queue["Fn::Sub"].rsplit(":", 1)[-1]
                if name in infra_gen.QUEUES:
                    event["Properties"]["Queue"] = {"Fn::GetAtt": [infra_gen.QUEUES[name], "Arn"]}
    sam_path.write_text(json.dumps(template, indent=2) + "\n")


def zip_report(zip_path: Path) -> dict:
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    tops = {name.split("/", 1)[0] for name in names}
    return {"bytes": zip_path.stat().st_size, "files": len(names),
            "runtime_provided_included": sorted(t for t in tops if t in RUNTIME_PROVIDED)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    out = package(parser.parse_args().out.resolve())
    template = json.loads((out / "sam.json").read_text())
    report = zip_report(out / "deployment.zip")
    print(f"template: {out / 'sam.json'} ({len(template['Resources'])} resources)")
    print(f"lambda zip: {out / 'deployment.zip'} {report['bytes'] / 1e6:.2f} MB "
          f"({report['bytes'] / 2**20:.2f} MiB, {report['files']} files; limit "
          f"{MAX_ZIP_BYTES / 1e6:.0f} MB; boto3/botocore included: "
          f"{report['runtime_provided_included'] or 'no'})")
    if report["bytes"] > MAX_ZIP_BYTES:
        raise SystemExit("the Lambda zip is larger than 10 MB")


if __name__ == "__main__":
    main()
