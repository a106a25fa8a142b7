"""`import app` is every Lambda's cold start: it must register the routes without loading what
they need (issue 18). Their models, rules, data layer and the heavy libraries behind them load
with the first request that needs them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from devtools.bench_cold import heavy_modules

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(code: str, tracing: bool = False) -> set[str]:
    env = {**os.environ, "CXGOV_TRACING": "true" if tracing else "false", "POWERTOOLS_TRACE_DISABLED": "true"}
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_import_app_registers_every_route_but_loads_none_of_their_parts():
    # Given the app imported in a fresh interpreter, with the prod stage's tracing on
    loaded = _loaded_after("import app\nfrom chalicelib.http.routing import ROUTES\nassert len(ROUTES) > 80",
                           tracing=True)
    # Then no heavy library and no model, rule or data module is loaded yet
    assert heavy_modules(loaded) == set(), sorted(heavy_modules(loaded))


def test_a_route_loads_its_parts_on_first_use():
    # Given the app imported, When a route's body model is asked for (as validation or /openapi.json do)
    loaded = _loaded_after("import app\nfrom chalicelib.http.routing import ROUTES\n"
                           "spec = next(s for s in ROUTES if s.path == '/departments/{dept}/feedback' and s.method == 'POST')\n"
                           "assert spec.body.__name__ == 'FeedbackCreate' and spec.response.__name__ == 'Feedback'")
    # Then its models (and pydantic) are loaded, and the parts of unrelated routes still are not
    assert {"pydantic", "chalicelib.voc.schemas"} <= loaded
    assert not {m for m in loaded if m.startswith(("chalicelib.audits.", "chalicelib.ledger.")) and not m.endswith("routes")}


def test_the_liveness_probe_and_a_token_check_load_no_pydantic():
    from devtools import issuer

    # Given a fresh interpreter that imports the app, When it answers /health and a dcxo's /me
    token = issuer.mint("dcxo", "parks")
    loaded = _loaded_after(
        "import json\nfrom chalice.test import Client\nimport app\n"
        "with Client(app.app, stage_name='local', project_dir='.') as client:\n"
        "    assert client.http.get('/health').status_code == 200\n"
        f"    me = client.http.get('/me', headers={{'Authorization': 'Bearer {token}'}})\n"
        "    assert me.status_code == 200 and json.loads(me.body)['department'] == 'parks', me.body\n"
    )
    # Then the token was verified (PyJWT, cryptography) but no model nor pydantic was loaded for it
    assert {"jwt", "cryptography"} <= {m.split(".")[0] for m in loaded}
    assert not {m for m in loaded if m == "pydantic" or m.startswith("pydantic.") or m.endswith("schemas")}


def test_the_packaged_openapi_document_is_served_without_pydantic(tmp_path):
    import app  # noqa: F401 - registers the routes the document describes
    from chalicelib.http.openapi import prebuilt_text

    # Given the document as devtools/package.py writes it into the zip
    packaged = tmp_path / "openapi.json"
    packaged.write_text(prebuilt_text())
    # When a fresh interpreter that imports the app answers /openapi.json from it
    loaded = _loaded_after(
        "import json, pathlib\nfrom chalice.test import Client\nimport app\n"
        f"from chalicelib.http import openapi_file\nopenapi_file.PREBUILT = pathlib.Path({str(packaged)!r})\n"
        "with Client(app.app, stage_name='local', project_dir='.') as client:\n"
        "    answer = client.http.get('/openapi.json')\n"
        "    assert answer.status_code == 200 and len(json.loads(answer.body)['paths']) > 60, answer.body[:300]\n"
    )
    # Then no model, no JSON-schema generation and no pydantic was loaded for it
    assert "chalicelib.http.openapi" not in loaded
    assert not {m for m in loaded if m == "pydantic" or m.startswith("pydantic.") or m.endswith("schemas")}


def test_a_token_check_leaves_cryptography_x509_unloaded_until_something_uses_it():
    from devtools import issuer

    # Given a fresh interpreter that verifies a ccxo's RS256 token (/me)
    token = issuer.mint("ccxo", None)
    loaded = _loaded_after(
        "import json\nfrom chalice.test import Client\nimport app\n"
        "with Client(app.app, stage_name='local', project_dir='.') as client:\n"
        f"    me = client.http.get('/me', headers={{'Authorization': 'Bearer {token}'}})\n"
        "    assert me.status_code == 200 and json.loads(me.body)['role'] == 'ccxo', me.body\n"
        "import sys\nassert not [m for m in sys.modules if m.startswith('cryptography.x509.')]\n"
        # When something does use x509, it gets the real module
        "from cryptography import x509\nfrom cryptography.x509.oid import NameOID\n"
        "assert callable(x509.load_pem_x509_certificate) and NameOID.COMMON_NAME.dotted_string == '2.5.4.3'\n"
    )
    # Then the token was verified with PyJWT and cryptography, x509 loaded only when used
    assert {"jwt", "cryptography.hazmat.primitives.asymmetric.rsa", "cryptography.x509.base"} <= loaded
