"""The packaged zip serves the OpenAPI document written at package time (issue 31): it must be the
very document the routes and models generate, whatever base path it is fetched under."""
from __future__ import annotations

import json

import pytest

from chalicelib.http import openapi, openapi_file


@pytest.fixture()
def prebuilt(tmp_path, monkeypatch):
    """What devtools/package.py writes into the staged chalicelib/http/, here in tmp_path."""
    from devtools import package

    stage = tmp_path / "stage"
    (stage / "chalicelib" / "http").mkdir(parents=True)
    written = package.prebuild_openapi(stage)
    assert written.parent == stage / "chalicelib" / "http" and len(json.loads(written.read_text())["paths"]) > 60
    monkeypatch.setattr(openapi_file, "PREBUILT", written)
    openapi_file.prebuilt.cache_clear()
    yield written
    openapi_file.prebuilt.cache_clear()


def test_the_packaged_document_is_the_generated_one(api, prebuilt, monkeypatch):
    expected = openapi.openapi_document("")

    def generate(base_path: str = "") -> dict:
        raise AssertionError("the packaged document must be served as it is, not generated")

    monkeypatch.setattr(openapi, "openapi_document", generate)
    # Given the document written at package time, When /openapi.json is fetched
    response = api.get("/openapi.json")
    # Then it is served from that file, as the generator builds it, with the request's servers
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert "@servers@" not in response.body.decode()
    assert response.json == expected
    assert response.json["servers"] == [{"url": "/", "description": "where this document is served"}]


def test_the_packaged_document_names_the_base_path_it_is_served_under(prebuilt):
    text = prebuilt.read_text()
    for base in ("/v1", "/prod/cx"):
        served = json.loads(openapi_file.served(text, base))
        # Same keys in the same order as generated, servers relative to the base path
        assert list(served) == list(openapi.openapi_document(base))
        assert served == openapi.openapi_document(base)
        assert served["servers"][0]["url"] == base


def test_without_a_packaged_file_the_document_is_generated(api):
    openapi_file.prebuilt.cache_clear()
    assert openapi_file.prebuilt() is None  # the source tree ships none: build/ holds the staged copy
    assert api.get("/openapi.json").json == openapi.openapi_document("")
