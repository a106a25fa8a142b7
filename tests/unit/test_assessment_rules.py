"""The assessments' pure rules: the score written out by hand, the lifecycle's table, library
checks, the built-in libraries, and the ledger recognising an assessment's history entries."""
from __future__ import annotations

import itertools
import random

import pytest

from chalicelib.assessments import rules
from chalicelib.db import keys
from chalicelib.db import keys_v12
from chalicelib.ledger import log


def test_score_of_a_worked_example():
    categories = {"A1": "a", "A2": "a", "A3": "a", "B1": "b", "B2": "b", "C1": "c"}
    answers = [{"ref": "A1", "result": "compliant", "maturity": 4},
               {"ref": "A2", "result": "partially_compliant", "maturity": 2},
               {"ref": "A3", "result": "not_applicable", "maturity": None},
               {"ref": "B1", "result": "non_compliant", "maturity": 1},
               {"ref": "B2", "result": "not_applicable"}]
    score = rules.score(categories, answers)
    # whole: (1 + 0.5) / (5 - 2) = 0.5; maturity (4 + 2 + 1) / 3
    assert (score["assessed"], score["compliant"], score["partially_compliant"], score["non_compliant"],
            score["not_applicable"]) == (5, 1, 1, 1, 2)
    assert score["compliance_share"] == 0.5
    assert score["maturity_mean"] == round(7 / 3, 4)
    assert score["by_category"] == {"a": {"compliance_share": 0.75, "maturity_mean": 3.0},
                                    "b": {"compliance_share": 0.0, "maturity_mean": 1.0},
                                    "c": {"compliance_share": None, "maturity_mean": None}}


def test_score_against_a_brute_force_count():
    generator = random.Random(28)
    categories = {f"R{i}": generator.choice("xyz") for i in range(40)}
    for _ in range(50):
        answers = [{"ref": ref, "result": generator.choice(rules.RESULTS),
                    "maturity": generator.choice([None, 1, 2, 3, 4, 5])}
                   for ref in categories if generator.random() < 0.7]
        score = rules.score(categories, answers)
        for category in "xyz":
            mine = [a for a in answers if categories[a["ref"]] == category]
            applicable = [a for a in mine if a["result"] != "not_applicable"]
            points = sum({"compliant": 1.0, "partially_compliant": 0.5}.get(a["result"], 0.0) for a in applicable)
            levels = [a["maturity"] for a in mine if a["maturity"] is not None]
            expected_share = points / len(applicable) if applicable else None
            got = score["by_category"].get(category, {"compliance_share": None, "maturity_mean": None})
            if expected_share is None:
                assert got["compliance_share"] is None
            else:
                assert got["compliance_share"] == pytest.approx(expected_share, abs=5e-5)
            if levels:
                assert got["maturity_mean"] == pytest.approx(sum(levels) / len(levels), abs=5e-5)
            else:
                assert got["maturity_mean"] is None


EXPECTED = {("draft", "dcxo"): ["submitted"], ("submitted", "ccxo"): ["approved", "draft"],
            ("submitted", "auditor"): ["approved", "draft"]}


@pytest.mark.parametrize("status, role", list(itertools.product(("draft", "submitted", "approved"),
                                                                ("dcxo", "ccxo", "auditor"))))
def test_lifecycle_table(status, role):
    assert rules.allowed(status, role, "someone-else", "me") == EXPECTED.get((status, role), [])
    for target in ("draft", "submitted", "approved"):
        if target in EXPECTED.get((status, role), []):
            assert rules.find_rule(status, target, role, "someone-else", "me").target == target
        else:
            with pytest.raises(rules.Refused):
                rules.find_rule(status, target, role, "someone-else", "me")


def test_the_submitter_never_decides():
    assert rules.allowed("submitted", "ccxo", "me", "me") == []
    with pytest.raises(rules.Refused, match="another person"):
        rules.find_rule("submitted", "approved", "ccxo", "me", "me")


def test_library_problems_name_their_paths():
    document = {"scale": {"levels": [{"level": 1}, {"level": 1}]},
                "requirements": [{"ref": "A", "kpi_codes": ["csat", "nope"], "assessable": False},
                                 {"ref": "A", "kpi_codes": [], "assessable": False}]}
    assert rules.library_problems(document, {"csat"}) == [
        ("scale.levels.1.level", "level 1 is already scale.levels.0"),
        ("requirements.0.kpi_codes.1", "'nope' is not a code of the KPI catalogue (GET /kpi-catalogue)"),
        ("requirements.1.ref", "'A' is already requirements.0"),
        ("requirements", "at least one requirement must be assessable")]


def test_builtin_libraries_load_and_keep_to_the_contract():
    from chalicelib.assessments import frameworks

    libraries = frameworks.builtins()
    audit = libraries["contact-centre-operational-audit"]
    assert {r["category"] for r in audit["requirements"]} == {
        "technology", "operations_management", "compliance", "operational_alignment", "human_capital"}
    iso = libraries["iso-18295-1-readiness"]
    assert all(r["ref"][0] in "456789A" for r in iso["requirements"])


def test_the_ledger_appends_assessment_history_entries():
    pk = keys_v12.assessment_children_pk("parks", "19a3c0d4e5f6a7b8c9d0e")
    assert keys.history_owner(pk) == ("parks", "19a3c0d4e5f6a7b8c9d0e")
    assert keys.history_owner(keys.recommendation_children_pk("parks", "1a2b3c4d5e")) == ("parks", "1a2b3c4d5e")
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": {
        "kind": {"S": "history"}, "pk": {"S": pk}, "seq": {"N": "3"}, "hash": {"S": "ab" * 32}}}}
    leaves = log.leaves_from_records([record])
    assert [(leaf.department, leaf.rec_id, leaf.seq) for leaf in leaves] == [("parks", "19a3c0d4e5f6a7b8c9d0e", 3)]
