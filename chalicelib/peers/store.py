"""Peer sets, their rows and a department's mapping in the `cxgov` table.

Peer data is read by every role: its reads run inside `credentials.org_role()` (a dcxo's
department credentials could not read `PEER#` partitions, and the code has decided it may).

Layout (docs/data-model.md):
- set: pk `PEER#SET#{id}`, sk `SET`; listed through `by_org` (`PEER_SET`, `{created_at}#{id}`);
- row guard: pk `PEER#{set}#SRC#{sha256(source id)}`, sk `ROW` (`places`, `digest`);
- value items: pk `PEER#{set}#V#{month}#{part}`, sk `C#{seconds:012d}#{row}` / `O#{row}` / `R#{row}`;
  one per row in its group's partition and one in its service type's;
- partitions: pk `PEER#{set}#PARTS`, sk `{month}#{part}` (group, service type);
- mapping: pk `{dept}#PEERMAP`, sk `PEERMAP`."""
from __future__ import annotations

import json
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist

from chalicelib.db import credentials, keys
from chalicelib.db import keys_v12
from chalicelib.db.common import put_new
from chalicelib.db.items import PeerMappingItem, PeerPartItem, PeerRowItem, PeerSetItem, PeerValueItem
from chalicelib.db.transactions import transaction
from chalicelib.peers.rules import Contribution

SET_FIELDS = ("peer_set_id", "name", "publisher", "source_url", "retrieved_on", "profile", "group_column",
              "service_column", "target_hours", "created_by", "created_at", "version")
TX_ITEMS = 100  # DynamoDB's limit of items in one transaction
PAGE = 1000  # value items per page while streaming (bounded memory whatever the partition's size)


def _set(item: PeerSetItem) -> dict[str, Any]:
    record = {name: getattr(item, name) for name in SET_FIELDS}
    record["kind"] = item.set_kind
    if record["target_hours"] is not None:
        record["target_hours"] = float(record["target_hours"])
    return record


def create_set(record: dict[str, Any], request_key: str) -> dict[str, Any] | None:
    item = PeerSetItem(keys_v12.peer_set_pk(record["peer_set_id"]), keys_v12.PEER_SET_SK, org_pk=keys_v12.ORG_PEER_SETS,
                       org_sk=keys_v12.peer_set_org_sk(record["created_at"].isoformat(), record["peer_set_id"]),
                       set_kind=record["kind"], **{k: v for k, v in record.items() if k != "kind"})
    saved = put_new(item, request_key)
    return _set(saved) if saved else None


def get_set(peer_set_id: str) -> dict[str, Any] | None:
    if not keys.is_id(peer_set_id):
        return None
    with credentials.org_role():
        try:
            return _set(PeerSetItem.get(keys_v12.peer_set_pk(peer_set_id), keys_v12.PEER_SET_SK))
        except DoesNotExist:
            return None


def list_sets(limit: int, start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    """Newest first."""
    result = PeerSetItem.by_org.query(keys_v12.ORG_PEER_SETS, scan_index_forward=False, limit=limit,
                                      last_evaluated_key=start_key, page_size=limit)
    items = [_set(i) for i in result]
    return items, result.last_evaluated_key


# --- rows ------------------------------------------------------------------------------------------

def guards(peer_set_id: str, source_ids: Iterable[str]) -> dict[str, PeerRowItem]:
    """The stored guards of these source ids (by source id)."""
    wanted = {keys_v12.peer_row_pk(peer_set_id, s): s for s in source_ids}
    found: dict[str, PeerRowItem] = {}
    for item in PeerRowItem.batch_get([(pk, keys_v12.PEER_ROW_SK) for pk in wanted]):
        found[wanted[item.pk]] = item
    return found


def _places(peer_set_id: str, row: Contribution) -> list[str]:
    return [f"{keys_v12.peer_values_pk(peer_set_id, row.month, part)}|{row.sort_key()}" for _, part in row.parts()]


def _value(place: str, row: Contribution) -> PeerValueItem:
    pk, sk = place.split("|", 1)
    return PeerValueItem(pk, sk, w=row.within, agree=list(row.agree) if row.agree is not None else None,
                         asked=list(row.asked) if row.asked is not None else None)


_NAMED: set[tuple[str, str, str]] = set()  # partitions this process has named (items never change)


def put_parts(peer_set_id: str, rows: Iterable[Contribution]) -> None:
    """Names each partition the rows fall in, once per worker process (idempotent puts: another
    process, or a run after a restart, writes the same items again)."""
    parts = {(r.month, part): (r.group, service) for r in rows for service, part in r.parts()}
    if len(_NAMED) > 100_000:
        _NAMED.clear()
    for (month, part), (group, service) in sorted(parts.items()):
        if (peer_set_id, month, part) in _NAMED:
            continue
        PeerPartItem(keys_v12.peer_parts_pk(peer_set_id), keys_v12.peer_part_sk(month, part), group=group,
                     service_type=service).save()
        _NAMED.add((peer_set_id, month, part))


def write_rows(peer_set_id: str, rows: list[tuple[Contribution, PeerRowItem | None]]) -> None:
    """Each row's guard and value items in transactions of up to 100 items; a changed row's old value
    items are marked `gone` in the same transaction (conditioned on the guard still holding what was read)."""
    pending: list[tuple[Contribution, PeerRowItem | None]] = []
    size = 0
    for row, guard in rows:
        old = list(guard.places) if guard is not None else []
        new = _places(peer_set_id, row)
        cost = 1 + len(new) + len([p for p in old if p not in new])
        if size + cost > TX_ITEMS:
            _commit(peer_set_id, pending)
            pending, size = [], 0
        pending.append((row, guard))
        size += cost
    if pending:
        _commit(peer_set_id, pending)


def _commit(peer_set_id: str, rows: list[tuple[Contribution, PeerRowItem | None]]) -> None:
    with transaction() as tx:
        for row, guard in rows:
            new = _places(peer_set_id, row)
            item = PeerRowItem(keys_v12.peer_row_pk(peer_set_id, row.source_id), keys_v12.PEER_ROW_SK,
                               places=new, digest=row.digest())
            if guard is None:
                tx.save(item, condition=PeerRowItem.pk.does_not_exist())
            else:
                tx.save(item, condition=PeerRowItem.digest == guard.digest)
                for place in guard.places:
                    if place not in new:  # a tombstone: the worker's role deletes nothing
                        pk, sk = place.split("|", 1)
                        tx.save(PeerValueItem(pk, sk, gone=1))
            for place in new:
                tx.save(_value(place, row))


# --- figures ---------------------------------------------------------------------------------------

def parts(peer_set_id: str, months: list[str]) -> list[tuple[str, str, str | None]]:
    """(month, part, group, service type) of every partition in those months."""
    found = []
    with credentials.org_role():
        for month in months:
            for item in PeerPartItem.query(keys_v12.peer_parts_pk(peer_set_id), PeerPartItem.sk.startswith(f"{month}#")):
                found.append((month, item.sk.split("#", 1)[1], item.group, item.service_type))
    return found


_NAMES = {"#pk": "pk", "#sk": "sk", "#w": "w", "#agree": "agree", "#asked": "asked", "#gone": "gone"}


def _query(pk: str, prefix: str, **extra: Any) -> dict[str, Any]:
    """One Query page on the table with the low-level client (no model per item: figures read every
    row of a period), within the function's role."""
    from chalicelib.db import connection

    values = {":pk": {"S": pk}, **({":p": {"S": prefix}} if prefix else {})}
    condition = "#pk = :pk AND begins_with(#sk, :p)" if prefix else "#pk = :pk"
    with credentials.org_role():
        return connection.client("dynamodb").query(
            TableName=PeerValueItem.Meta.table_name, KeyConditionExpression=condition,
            FilterExpression="attribute_not_exists(#gone)", ExpressionAttributeValues=values, **extra)


def count_closed(peer_set_id: str, month: str, part: str) -> int:
    """How many closed rows a partition holds (counted by DynamoDB, nothing transferred)."""
    pk, total, start = keys_v12.peer_values_pk(peer_set_id, month, part), 0, None
    while True:
        page = _query(pk, "C#", Select="COUNT", ExpressionAttributeNames={"#pk": "pk", "#sk": "sk", "#gone": "gone"},
                      **({"ExclusiveStartKey": start} if start else {}))
        total += page["Count"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return total


def rows_page(peer_set_id: str, month: str, part: str, start_key: dict | None
              ) -> tuple[list[tuple[str, int | None, list[str] | None, list[str] | None]], dict | None]:
    """One page of a partition's rows in sort-key order (closed ones first, by seconds to close):
    (sk, w, agree, asked)."""
    page = _query(keys_v12.peer_values_pk(peer_set_id, month, part), "", Limit=PAGE,
                  ProjectionExpression="#sk, #w, #agree, #asked", ExpressionAttributeNames=_NAMES,
                  **({"ExclusiveStartKey": start_key} if start_key else {}))

    def strings(value: dict | None) -> list[str] | None:
        return [v["S"] for v in value["L"]] if value else None

    rows = [(i["sk"]["S"], int(i["w"]["N"]) if "w" in i else None, strings(i.get("agree")), strings(i.get("asked")))
            for i in page["Items"]]
    return rows, page.get("LastEvaluatedKey")


# --- mapping ---------------------------------------------------------------------------------------

def get_mapping(dept: str) -> list[dict[str, Any]] | None:
    try:
        item = PeerMappingItem.get(keys_v12.peer_mapping_pk(dept), keys_v12.PEER_MAPPING_SK)
    except DoesNotExist:
        return None
    return json.loads(item.groups)


def put_mapping(dept: str, groups: list[dict[str, Any]], subject: str, now) -> None:
    """Replaces the mapping (its version turns a lost race into a 409)."""
    try:
        item = PeerMappingItem.get(keys_v12.peer_mapping_pk(dept), keys_v12.PEER_MAPPING_SK, consistent_read=True)
    except DoesNotExist:
        item = PeerMappingItem(keys_v12.peer_mapping_pk(dept), keys_v12.PEER_MAPPING_SK, department=dept,
                               created_by=subject, created_at=now)
    item.groups = json.dumps(groups)
    item.updated_by, item.updated_at = subject, now
    with transaction() as tx:
        tx.save(item)
