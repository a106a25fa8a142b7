"""The aggregate counters every rollup reads: atomic, created on first use, read in one call."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
import pytest

from chalicelib.db import aggregates
from chalicelib.db.items import DepartmentItem
from chalicelib.db.transactions import cancellation_codes, transaction
from devtools import callcount


def test_counters_are_created_added_and_read_back(aws):
    with transaction() as tx:
        aggregates.add_counters(tx, "parks", "VOC#2017-03", {"voc__volume": 2, "voc__ch__twitter": 1})
    with transaction() as tx:
        aggregates.add_counters(tx, "parks", "VOC#2017-03", {"voc__volume": 1, "voc__hours_sum": 2.5})
        aggregates.add_counters(tx, "harbour", "VOC#2017-03", {"voc__volume": 7})
    counters = aggregates.read("parks", ["VOC#2017-03", "VOC#2017-04"])
    assert counters["VOC#2017-03"] == {"voc__volume": 3, "voc__ch__twitter": 1, "voc__hours_sum": 2.5}
    assert counters["VOC#2017-04"] == {}
    with callcount.counting() as calls:
        everyone = aggregates.read_scope_for_all("VOC#2017-03")
    assert everyone == {"parks": counters["VOC#2017-03"], "harbour": {"voc__volume": 7}}
    assert sum(calls.values()) == 1


def test_a_failed_condition_rolls_back_the_counters(aws):
    # Given a transaction whose other item's condition fails
    with pytest.raises(TransactWriteError) as caught:
        with transaction() as tx:
            aggregates.add_counters(tx, "parks", "VOC#2017-03", {"voc__volume": 1})
            tx.condition_check(DepartmentItem, "parks", "DEPARTMENT", condition=DepartmentItem.pk.exists())
    # Then nothing was counted, and the reasons (condition checks first) name the failing item
    assert cancellation_codes(caught.value) == ["ConditionalCheckFailed", None]
    assert aggregates.read("parks", ["VOC#2017-03"])["VOC#2017-03"] == {}


def test_counter_names_cannot_be_document_paths(aws):
    with pytest.raises(ValueError):
        with transaction() as tx:
            aggregates.add_counters(tx, "parks", "X", {"voc.volume": 1})
