"""The import worker's Lambda entry: messages of the import queue (S3 upload events and the
worker's own follow-ups), one per invocation. Locally devtools/import_dispatcher.py calls this
same handler with the messages it receives from moto's SQS."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.lazy import lazy
from chalicelib.core.observability import count

worker = lazy("chalicelib.imports.worker")

bp = Blueprint(__name__)
QUEUE = "cxgov-imports"  # the template points the event source at its ImportQueue instead


@bp.on_sqs_message(queue=QUEUE, batch_size=1, name="import_worker")
def import_worker(event) -> None:
    for record in event:
        count("ImportMessages")
        attributes = record.to_dict().get("attributes") or {}
        worker.handle_message(record.body, int(attributes.get("ApproximateReceiveCount") or 1),
                              record.context.get_remaining_time_in_millis)
