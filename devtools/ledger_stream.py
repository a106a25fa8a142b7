"""The ledger's stream consumer, locally: polls the main table's DynamoDB stream (DynamoDB Local,
or moto in tests) and hands each batch of records to the same function `@app.on_dynamodb_record`
runs in AWS (chalicelib.ledger.log.append_records).

Like Lambda's event source mapping, it moves its position in a shard only after the handler has
returned for a batch (kept in a checkpoint file when given), so a consumer killed mid-batch gets
that batch again when restarted, and the ledger's conditional writes append nothing twice.

    with ledger_consumer(say=print):   # `make run`: a thread polling every second
        ...
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

DONE = "done"
BATCH = 100


def stream_arn(table: str, dynamodb: Any) -> str:
    """The table's stream; switched on if the table was created before the ledger existed."""
    description = dynamodb.describe_table(TableName=table)["Table"]
    if description.get("StreamSpecification", {}).get("StreamEnabled") and description.get("LatestStreamArn"):
        return description["LatestStreamArn"]
    from chalicelib.db.items import CxgovItem

    answer = dynamodb.update_table(TableName=table, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": CxgovItem.Meta.stream_view_type})
    return answer["TableDescription"]["LatestStreamArn"]


class StreamConsumer:
    def __init__(self, arn: str, streams: Any, handler: Callable[[list[dict]], Any],
                 checkpoint: Path | None = None):
        self.arn, self.streams, self.handler, self.checkpoint = arn, streams, handler, checkpoint
        self.positions: dict[str, str] = {}
        if checkpoint and checkpoint.exists():
            saved = json.loads(checkpoint.read_text())
            if saved.get("stream") == arn:
                self.positions = saved["positions"]

    def _save(self) -> None:
        if self.checkpoint:
            temporary = self.checkpoint.with_suffix(".tmp")
            temporary.write_text(json.dumps({"stream": self.arn, "positions": self.positions}))
            os.replace(temporary, self.checkpoint)

    def _shards(self) -> list[dict]:
        shards, start = [], None
        while True:
            kwargs = {"StreamArn": self.arn, **({"ExclusiveStartShardId": start} if start else {})}
            description = self.streams.describe_stream(**kwargs)["StreamDescription"]
            shards += description.get("Shards", [])
            start = description.get("LastEvaluatedShardId")
            if not start:
                return shards

    def poll(self) -> int:
        """Reads every shard to its current end (parents before children); answers the records
        handed over."""
        handed = 0
        shards = self._shards()
        known = {shard["ShardId"] for shard in shards}
        for shard in shards:
            shard_id, parent = shard["ShardId"], shard.get("ParentShardId")
            if self.positions.get(shard_id) == DONE:
                continue
            if parent in known and self.positions.get(parent) != DONE:
                continue  # the parent's records come first; next round
            position = self.positions.get(shard_id)
            kwargs = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
                      if position else {"ShardIteratorType": "TRIM_HORIZON"})
            try:
                iterator = self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=shard_id,
                                                           **kwargs)["ShardIterator"]
            except self.streams.exceptions.TrimmedDataAccessException:
                # Past the stream's 24 h: start from what is left (appends are idempotent).
                iterator = self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=shard_id,
                                                           ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while iterator:
                answer = self.streams.get_records(ShardIterator=iterator, Limit=BATCH)
                records = answer.get("Records", [])
                if records:
                    self.handler(records)  # raises: the position stays, the batch comes again
                    self.positions[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
                    self._save()
                    handed += len(records)
                iterator = answer.get("NextShardIterator")
                if not iterator:
                    self.positions[shard_id] = DONE
                    self._save()
                elif not records:
                    break  # caught up with an open shard
        return handed


def consumer(checkpoint: Path | None = None, handler: Callable | None = None) -> StreamConsumer:
    """A consumer of the configured main table's stream, on whatever endpoint boto3 is given."""
    import boto3

    from chalicelib.db.items import CxgovItem
    from chalicelib.ledger import log

    region = CxgovItem.Meta.region
    arn = stream_arn(CxgovItem.Meta.table_name, boto3.client("dynamodb", region_name=region))
    # DynamoDB Local serves the streams API on its own endpoint.
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB_STREAMS") or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    return StreamConsumer(arn, boto3.client("dynamodbstreams", region_name=region, endpoint_url=endpoint),
                          handler or log.append_records, checkpoint)


@contextlib.contextmanager
def ledger_consumer(interval: float = 1.0, checkpoint: Path | None = None,
                    say: Callable[[str], None] = lambda message: None) -> Iterator[StreamConsumer]:
    """Polls in a background thread until the block ends; a failing batch is logged and retried."""
    stream = consumer(checkpoint)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                stream.poll()
            except Exception as exc:  # noqa: BLE001 - keep polling, as Lambda keeps retrying
                say(f"ledger consumer: batch failed, retrying: {exc!r}")
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="ledger-consumer", daemon=True)
    thread.start()
    say(f"Ledger: consuming {stream.arn} every {interval:g}s")
    try:
        yield stream
    finally:
        stop.set()
        thread.join(timeout=30)


def create_signing_key(kms: Any, alias: str) -> str:
    """An ECC_NIST_P256 SIGN_VERIFY key behind `alias` (created once per KMS; moto's lives in memory)."""
    try:
        return kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
    except kms.exceptions.NotFoundException:
        pass
    key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256",
                         Description="cxgov ledger tree heads (local)")["KeyMetadata"]
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    return key["Arn"]


@contextlib.contextmanager
def local_ledger(kms_endpoint: str, env: dict[str, str], checkpoint: Path | None = None,
                 say: Callable[[str], None] = lambda message: None,
                 sign_every: float = 24 * 3600) -> Iterator[StreamConsumer]:
    """`make run`'s ledger: a signing key in moto's KMS (its variables added to `env` and to this
    process), the stream consumer thread, and a tree head signed at start and then daily (what
    `@app.schedule` does in AWS)."""
    import boto3

    from chalicelib.ledger import signing
    from devtools import localstack

    kms = boto3.client("kms", endpoint_url=kms_endpoint, region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"))
    alias = localstack.stage_variable("CXGOV_LEDGER_KEY_ID")
    key = create_signing_key(kms, alias)
    variables = {"AWS_ENDPOINT_URL_KMS": kms_endpoint, "CXGOV_LEDGER_KEY_ID": alias}
    env.update(variables)
    os.environ.update(variables)
    with ledger_consumer(checkpoint=checkpoint, say=say) as stream:
        head = signing.sign_tree_head()
        say(f"Ledger: {head['tree_size']} entries, tree head signed by {key} (moto's KMS, in memory: "
            "a new key each run; earlier keys stay listed by GET /ledger/public-key)")
        stop = threading.Event()

        def daily() -> None:
            while not stop.wait(sign_every):
                with contextlib.suppress(Exception):
                    signing.sign_tree_head()

        signer = threading.Thread(target=daily, name="ledger-signer", daemon=True)
        signer.start()
        try:
            yield stream
        finally:
            stop.set()
            signer.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """`python -m devtools.ledger_stream [--checkpoint FILE] [--until-idle]`: the consumer on its
    own, against whatever endpoint the environment names (tests kill and restart it)."""
    import argparse

    parser = argparse.ArgumentParser(description="Consume the main table's stream into the ledger.")
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--until-idle", action="store_true", help="stop once the stream is read to its end")
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args(argv)
    stream = consumer(args.checkpoint)
    while True:
        handed = stream.poll()
        if args.until_idle and handed == 0:
            return 0
        if not handed:
            threading.Event().wait(args.interval)


if __name__ == "__main__":
    raise SystemExit(main())
