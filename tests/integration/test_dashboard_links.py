"""The dashboard's deep links: a well-formed one is its page, a malformed id is a 404 envelope."""
from __future__ import annotations


def test_deep_links_with_malformed_ids_are_not_pages(api):
    assert api.get("/dashboard/departments/parks").status_code == 200
    assert api.get("/dashboard/recommendations/parks/1a230ef83e4fa52ac8627").status_code == 200
    for path in ("/dashboard/departments/u", "/dashboard/departments/Parks", "/dashboard/departments/p%3Cx",
                 "/dashboard/recommendations/parks/ZZ", "/dashboard/recommendations/x/1a230ef83e4fa52ac8627"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"
