"""Touchpoints' A-11 response rows as cxgov fields and back, without AWS."""
from __future__ import annotations

import pytest

from chalicelib.voc import touchpoints as tp


def _row(**answers):
    row = {c: "null" for c in tp.COLUMNS}
    row.update(external_id="r-1", question_4="")
    row.update(answers)
    return row


def test_thumbs_and_drivers_map_to_a11_scores():
    row = _row(question_1="1", positive_ease="1", positive_employee="1", negative_ease="0",
               positive_humanity="1", negative_humanity="1", positive_other="1", question_4="Quick and kind")
    data = tp.to_feedback(row, "thumbs_up_down", "website")
    assert data["a11"] == {"satisfaction": 5, "ease": 5, "employee_helpfulness": 5, "humanity": 3}
    assert (data["channel"], data["category"], data["actionable"]) == ("web", "other", False)
    assert (data["source_system"], data["source_id"], data["comment"]) == ("touchpoints", "r-1", "Quick and kind")
    down = tp.to_feedback(_row(question_1="0", negative_efficiency="1"), "thumbs_up_down", "phone")
    assert down["a11"] == {"satisfaction": 1, "efficiency": 1} and down["channel"] == "phone"


def test_likert_ratings_are_kept_as_they_are():
    assert tp.to_feedback(_row(question_1="4"), "likert_scale", "email")["a11"] == {"satisfaction": 4}
    assert "a11" not in tp.to_feedback(_row(question_1=""), "likert_scale", "email")


@pytest.mark.parametrize("column,value,survey", [
    ("question_1", "7", "likert_scale"), ("question_1", "0", "likert_scale"),
    ("question_1", "3", "thumbs_up_down"), ("question_1", "yes", "thumbs_up_down"),
    ("positive_ease", "2", "likert_scale"), ("negative_other", "true", "thumbs_up_down")])
def test_values_outside_the_layout_name_their_column(column, value, survey):
    with pytest.raises(tp.RowError) as caught:
        tp.to_feedback(_row(**{column: value}), survey, "website")
    assert caught.value.field == column and repr(value) in caught.value.message


def test_a_row_comes_back_as_it_was_written():
    row = _row(question_1="1", positive_ease="1", negative_ease="0", positive_other="", question_4="Thanks")
    data = tp.to_feedback(row, "thumbs_up_down", "website")
    record = {"id": "fb-1", "source_system": data["source_system"], "source_id": data["source_id"],
              "survey": data["survey"], "comment": data["comment"], "a11": data["a11"]}
    assert tp.to_row(record, "thumbs_up_down") == [row[c] for c in tp.COLUMNS]


def test_other_records_are_derived_from_their_scores():
    record = {"id": "fb-2", "source_system": None, "source_id": None, "comment": None,
              "a11": {"satisfaction": 2, "ease": 4, "transparency": 3}}
    row = dict(zip(tp.COLUMNS, tp.to_row(record, "thumbs_up_down")))
    assert row["external_id"] == "fb-2" and row["question_1"] == "0"
    assert (row["positive_ease"], row["negative_ease"]) == ("1", "0")
    assert (row["positive_transparency"], row["negative_transparency"]) == ("0", "0")
    assert (row["positive_efficiency"], row["negative_efficiency"]) == ("", "")
    assert dict(zip(tp.COLUMNS, tp.to_row(record, "likert_scale")))["question_1"] == "2"
