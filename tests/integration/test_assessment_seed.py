"""The demo assessments: seeded once, approved, ranked in the org summary, the SMOC's two gaps
raised as recommendations; a second seed writes nothing."""
from __future__ import annotations

from devtools import seed_assessments
from devtools.seed import seed


def test_demo_assessments_are_seeded_once_and_summarised(aws, api, tokens):
    seed()  # the demo departments (CXGOV_SEED_YEAR=0 in tests: no assessments yet)
    first = seed_assessments.seed()
    assert len(first) == 4
    assert seed_assessments.seed() == []
    summary = api.get("/assessments/summary?framework_id=contact-centre-operational-audit",
                      token=tokens["ccxo"]).json["items"]
    # Compliance share computed here from the seeded answers
    expected = {}
    for dept, assessments in seed_assessments.DEMO.items():
        answers = assessments[0][3]
        results = [result for result, _, _ in answers.values()]
        applicable = [r for r in results if r != "not_applicable"]
        expected[dept] = (results.count("compliant") + 0.5 * results.count("partially_compliant")) / len(applicable)
    ranked = sorted(expected, key=lambda d: -expected[d])
    assert [row["department"] for row in summary] == ranked
    for row in summary:
        assert abs(row["score"]["compliance_share"] - expected[row["department"]]) < 5e-5
    smoc = next(row for row in summary if row["department"] == "corp-comms")
    read = api.get(f"/departments/corp-comms/assessments/{smoc['assessment_id']}", token=tokens["auditor"]).json
    raised = {r["ref"]: r["finding"]["recommendation_id"] for r in read["requirements"] if r["finding"]}
    assert set(raised) == {"TEC-2", "ALN-1"}
    for rec_id in raised.values():
        rec = api.get(f"/departments/corp-comms/recommendations/{rec_id}", token=tokens["auditor"]).json
        assert rec["source"]["assessment_id"] == smoc["assessment_id"] and rec["issuer"] == "internal"
    drafts = api.get("/departments/corp-comms/assessments?status=draft", token=tokens["ccxo"]).json["items"]
    assert [d["copy_from"] for d in drafts] == [smoc["assessment_id"]]
    assert drafts[0]["score"]["assessed"] == len(seed_assessments.DEMO["corp-comms"][0][3])
