"""The ledger's costs on DynamoDB Local, in DynamoDB calls and items read (not time):

1. the write path before and after: calls per lifecycle transition on a table without a stream
   (v1) and with the stream the ledger reads; the request's code path is the same either way;
2. appends and proofs at 1,000 and 100,000 entries: a consumer batch of 1 and of 100 entries,
   an inclusion proof (the bundle of a recommendation), a consistency proof.

The trees are built in bulk (the complete subtrees of synthetic leaves, computed in memory and
written with BatchWriteItem from a few threads), then real history entries are appended on top by
the consumer, through the same code Lambda runs."""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import time

from devtools import callcount, issuer, localstack

SIZES = (1_000, 100_000)


def _bulk_nodes(client, table: str, start: int, frontier: list[bytes], count: int):
    from chalicelib.db import keys
    from chalicelib.ledger import log, merkle

    leaves = [log.leaf_data("bench-bulk", f"bulk{i:08d}", 1, hashlib.sha256(str(i).encode()).hexdigest())
              for i in range(start, start + count)]
    grown = merkle.append(start, frontier, [merkle.leaf_hash(leaf) for leaf in leaves])
    requests = []
    for level, index, hash_ in grown.nodes:
        item = {"pk": {"S": keys.ledger_node_pk(level, index)}, "sk": {"S": keys.LEDGER_NODE_SK},
                "kind": {"S": "ledger_node"}, "hash": {"S": hash_.hex()}}
        if level == 0:
            item["leaf"] = {"S": leaves[index - start].decode()}
        requests.append({"PutRequest": {"Item": item}})

    def put(batch):
        pending = {table: batch}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(put, [requests[i:i + 25] for i in range(0, len(requests), 25)]))
    return grown, len(requests)


def _grow_to(size: int) -> int:
    """Extends the ledger to `size` leaves in bulk; answers the items written."""
    import boto3

    from chalicelib.ledger import store as ledger
    from chalicelib.db.items import LedgerItem

    current, frontier = ledger.read_state()
    client = boto3.client("dynamodb", region_name=LedgerItem.Meta.region)
    grown, written = _bulk_nodes(client, LedgerItem.Meta.table_name, current, frontier, size - current)
    ledger.state_item(grown.size, grown.frontier).save()
    return written


def _total(counted: list) -> callcount.Calls:
    total = callcount.Calls()
    for calls in counted:
        total.update(calls)
        total.items_read += calls.items_read
    return total


def _line(label: str, calls) -> str:
    detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"
    return f"  {label:<46} calls {sum(calls.values()):>3} ({detail}); items read {calls.items_read}"


def run() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request lines
    callcount.install()
    from chalicelib.db.items import CxgovItem

    stream_view = CxgovItem.Meta.stream_view_type
    del CxgovItem.Meta.stream_view_type  # the "before": the main table as v1 created it, no stream
    with localstack.in_process_api(seed=False) as client, \
            localstack.moto_server(localstack.free_port()) as kms_endpoint:
        import os

        import boto3

        from chalicelib.ledger import log
        from devtools import ledger_stream

        CxgovItem.Meta.stream_view_type = stream_view
        os.environ["AWS_ENDPOINT_URL_KMS"] = kms_endpoint  # moto's KMS signs the tree heads
        ledger_stream.create_signing_key(boto3.client("kms", region_name=CxgovItem.Meta.region),
                                         localstack.stage_variable("CXGOV_LEDGER_KEY_ID"))
        auditor, dcxo = issuer.mint("auditor"), issuer.mint("dcxo", "parks")

        def call(method, path, token, body=None):
            with callcount.counting() as calls:
                response = client.http.request(method, path, body=json.dumps(body) if body else None,
                                               headers={"Content-Type": "application/json",
                                                        "Authorization": f"Bearer {token}"})
            assert response.status_code < 300, response.body
            return json.loads(response.body), calls

        call("POST", "/departments", issuer.mint("ccxo"), {
            "id": "parks", "name": "Parks", "time_zone": "UTC",
            "dcxo_contact": {"name": "P", "email": "p@parks.example.gov"}})
        report, _ = call("POST", "/audit-reports", auditor, {
            "number": "BENCH-LEDGER", "title": "Bench", "issuer": "internal", "issued_on": "2017-05-08",
            "category": "compliance"})

        def new_rec(number: int, decide: bool = True) -> str:
            rec, _ = call("POST", f"/audit-reports/{report['id']}/recommendations", auditor, {
                "department": "parks", "number": number, "text": "t", "requires_concurrence": True,
                "finding": {"criteria": "a", "condition": "b", "cause": "c", "effect": "d"}})
            url = f"/departments/parks/recommendations/{rec['id']}"
            if decide:
                call("PUT", url + "/management-decision", dcxo, {
                    "decision": "agree", "action_plan": "p", "responsible_officials": ["VP"],
                    "target_date": "2017-09-30"})
            return url

        print("Ledger (DynamoDB Local; DynamoDB calls and items read, counted at botocore):")
        before_url = new_rec(1)
        _, before = call("POST", before_url + "/transitions", dcxo, {"to": "in_progress"})
        dynamodb = boto3.client("dynamodb", region_name=CxgovItem.Meta.region)
        ledger_stream.stream_arn(CxgovItem.Meta.table_name, dynamodb)  # switch the stream on
        after_url = new_rec(2)
        _, after = call("POST", after_url + "/transitions", dcxo, {"to": "in_progress"})
        print("  write path (POST …/transitions open→in_progress):")
        print(_line("before: table without a stream (v1)", before))
        print(_line("after: table streaming to the ledger", after))
        appended, handled = [], []

        def handler(records):  # counts what the function does; Lambda itself reads the stream
            with callcount.counting() as calls:
                appended.append(log.append_records(records))
            handled.append(calls)

        stream = ledger_stream.consumer(handler=handler)
        stream.poll()  # the entries written after the stream was switched on
        number = 3
        for size in SIZES:
            started = time.perf_counter()
            written = _grow_to(size)
            built = time.perf_counter() - started
            print(f"  tree of {size:,} entries ({written:,} node items bulk-written in {built:.0f} s):")
            url = new_rec(number, decide=False)
            number += 1
            appended.clear()
            handled.clear()
            records = stream.poll()
            print(_line(f"consumer: {records} records, {sum(appended)} entry appended", _total(handled)))
            for _ in range(50):
                new_rec(number)
                number += 1
            appended.clear()
            handled.clear()
            records = stream.poll()
            print(_line(f"consumer: {records} records ({len(handled)} batches), {sum(appended)} "
                        "entries appended", _total(handled)))
            bundle, bundle_calls = call("GET", url + "/history/bundle", auditor)
            tree = bundle["tree_head"]["tree_size"]
            print(_line(f"GET …/history/bundle (inclusion in {tree:,}, + tree head)", bundle_calls))
            with callcount.counting() as inclusion:
                path = log.inclusion_path(0, tree)
            print(_line(f"inclusion proof of leaf 0 alone ({len(path)} hashes)", inclusion))
            first = tree // 2 + 1
            proof, consistency = call("GET", f"/ledger/consistency?first={first}&second={tree}", auditor)
            print(_line(f"GET /ledger/consistency {first:,}→{tree:,} ({len(proof['proof'])} hashes)", consistency))


if __name__ == "__main__":
    run()
