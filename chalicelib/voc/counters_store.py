"""The VoC aggregate items (counters, docs/data-model.md): read by month range, whose size depends
on months, channels and due days, never on record volume; corrected by the reconcile command.
Every other write adds to them inside the record's own transaction (store.py, ingest_store.py)."""
from __future__ import annotations

from typing import Mapping

from chalicelib.db import aggregates, keys
from chalicelib.db.items import AggregateItem

Counters = Mapping[str, Mapping[str, int]]


def months(dept: str) -> list[str]:
    """Months that hold feedback, newest first: the department's main VoC aggregate items."""
    found = AggregateItem.query(keys.department_pk(dept),
                                AggregateItem.sk.between(keys.aggregate_sk("VOC#0000-00"),
                                                         keys.aggregate_sk("VOC#9999-99")),
                                scan_index_forward=False)
    return [item.sk.split("#")[-1] for item in found]


def read_voc_aggregates(dept: str, first_month: str, last_month: str) -> dict[str, dict[str, float]]:
    """Every VoC aggregate item of those months: three Queries (main, response-time histograms,
    due buckets), whose size depends on months, channels and due days, never on record volume."""
    ranges = [(f"VOC#{first_month}", f"VOC#{last_month}"),
              (f"VOCRT#{first_month}", f"VOCRT#{last_month}#~"),
              (f"VOCDUE#{first_month}", f"VOCDUE#{last_month}#~")]
    found: dict[str, dict[str, float]] = {}
    for low, high in ranges:
        for item in AggregateItem.query(keys.department_pk(dept),
                                        AggregateItem.sk.between(keys.aggregate_sk(low), keys.aggregate_sk(high))):
            found[item.sk[len("AGG#"):]] = item.counters
    return found


def read_all_voc_aggregates(dept: str, hourly: bool = False) -> dict[str, dict[str, float]]:
    """Every VoC aggregate item, the fiscal years' too (the reconcile command's read); with
    `hourly`, the hourly items too (one item per busy hour, so not for requests)."""
    found = read_voc_aggregates(dept, "0000-00", "9999-99")
    for low, high in (("VOCFY#", "VOCFY#~"), ("VOCFYDUE#", "VOCFYDUE#~")):
        found.update(aggregates.read_range(dept, low, high))
    if hourly:
        found.update(read_hourly(dept, "VOCHR#0000", "VOCHR#9999"))
    return found


def read_hourly(dept: str, first_scope: str, last_scope: str) -> dict[str, dict[str, float]]:
    """The hourly items (hourly.py) whose scopes sort from `first_scope` to `last_scope`: one Query."""
    return aggregates.read_range(dept, first_scope, last_scope)


def month_counters(dept: str, first_month: str, last_month: str) -> dict[str, float]:
    """The month items `VOC#{first_month}`..`VOC#{last_month}` summed, counter by counter."""
    total: dict[str, float] = {}
    for item in AggregateItem.query(keys.department_pk(dept), AggregateItem.sk.between(
            keys.aggregate_sk(f"VOC#{first_month}"), keys.aggregate_sk(f"VOC#{last_month}"))):
        for name, value in item.counters.items():
            total[name] = total.get(name, 0) + value
    return total


def set_counters(dept: str, changes: Counters) -> None:
    """Adds corrections to aggregate items (the reconcile command's repair), 100 items a transaction."""
    aggregates.correct(dept, changes)
