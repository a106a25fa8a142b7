"""The import's writes, overlapped with its reading: rows are validated, redacted and built into
records on the caller's thread while the records of the rows before them are written on one writer
thread (DynamoDB's answer is a wait on a socket, during which Python builds the next records).

Chunks of `CHUNK_ROWS` rows are written in order, each completely (its rounds, updates and
retries) before the next: a source repeated in a later chunk finds the record an earlier one
stored, as it would in one pass. The writer runs in a copy of the caller's context, so its calls
are signed with the same department credentials (dal/credentials.py)."""
from __future__ import annotations

import contextvars
import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.auth import Principal
from chalicelib.dal import feedback_batch, feedback_updates
from chalicelib.logic import voc_counters
from chalicelib.logic.voc import updates
from chalicelib.models.feedback import ImportRow

MAX_ROUNDS = 8  # a row repeated in one chunk, or a record changed meanwhile, is tried in a later round
CHUNK_ROWS = 250  # rows built while the chunk before them is written


@dataclass
class Candidate:
    row: int
    record: dict[str, Any]
    given: set[str]
    tries: int = 0


class Writer:
    """`with Writer(...) as writer: writer.add(candidate)`; on leaving, every row added is written
    and answered in `answers` (or the first error of the writes is raised, after which nothing
    more is sent)."""

    def __init__(self, dept: str, principal: Principal, now: datetime, answers: dict[int, ImportRow],
                 received_name: str) -> None:
        self._args = (dept, principal, now, answers, received_name)
        self._chunk: list[Candidate] = []
        self._pool: ThreadPoolExecutor | None = None
        self._futures: list[Future] = []

    def __enter__(self) -> "Writer":
        return self

    def add(self, candidate: Candidate) -> None:
        self._chunk.append(candidate)
        if len(self._chunk) >= CHUNK_ROWS:
            self._send()

    def _send(self) -> None:
        chunk, self._chunk = self._chunk, []
        if not chunk:
            return
        for future in self._futures:  # a failed chunk stops the import: later ones are not sent
            if future.done() and future.exception() is not None:
                future.result()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cxgov-import-writer")
        context = contextvars.copy_context()
        self._futures.append(self._pool.submit(context.run, write_rows, chunk, *self._args))

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._send()
            for future in self._futures:
                if exc_type is not None:
                    future.cancel()
                    continue
                error = future.exception()
                if error is not None:
                    for later in self._futures:
                        later.cancel()
                    raise error
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)


def write_rows(queue: list[Candidate], dept: str, principal: Principal, now: datetime,
               answers: dict[int, ImportRow], received_name: str) -> None:
    """Writes the candidates in rounds: each dedup key once a round (a key repeated waits for the
    next, so it sees what the first stored), a lost race tried again, at most MAX_ROUNDS rounds."""
    rounds = 0
    while queue:
        rounds += 1
        this_round, later, seen = [], [], set()
        for candidate in queue:
            key = candidate.record["dedup"]
            (later if key in seen else this_round).append(candidate)
            seen.add(key)
        retry = _write_round(dept, this_round, principal, now, answers, received_name)
        queue = later + retry
        if rounds >= MAX_ROUNDS:
            for candidate in queue:
                answers[candidate.row] = ImportRow(row=candidate.row, status="rejected", id=None, errors=[
                    {"field": "source_id", "message": "the record kept changing during the import; import again"}])
            break


def _write_round(dept: str, candidates: list[Candidate], principal: Principal, now, answers: dict[int, ImportRow],
                 received_name: str) -> list[Candidate]:
    """Creates the new sources and updates the stored ones (each key once in a round); answers the
    candidates to try again (a race lost to another writer)."""
    from chalicelib.logic.feedback import facts

    existing = feedback_batch.existing_sources(dept, [c.record for c in candidates])
    fresh, known = [], []
    for candidate in candidates:
        owner = existing.get(candidate.record["dedup"])
        if owner is None:
            fresh.append(candidate)
        elif candidate.record.get("keyed_by_content"):
            answers[candidate.row] = ImportRow(row=candidate.row, status="duplicate", id=owner, errors=[])
        else:
            known.append((candidate, owner))
    retry: list[Candidate] = []
    by_row = {c.row: c for c in fresh}
    pending = [feedback_batch.Pending(c.row, c.record, voc_counters.contributions(facts(c.record)),
                           len(json.dumps(c.record, default=str))) for c in fresh]
    for number, (status, feedback_id) in feedback_batch.create_many(dept, pending, principal.subject).items():
        candidate = by_row[number]
        if status == "duplicate" and not candidate.record.get("keyed_by_content"):
            retry.append(candidate)  # another writer created it first: next round compares with it
        else:
            answers[number] = ImportRow(row=number, status=status, id=feedback_id or None, errors=[])
    stored = feedback_updates.get_many(dept, [owner for _, owner in known]) if known else {}
    changes: list[feedback_updates.PendingUpdate] = []
    by_update: dict[int, Candidate] = {}
    for candidate, owner in known:
        record = stored.get(owner)
        if record is None:
            answers[candidate.row] = ImportRow(row=candidate.row, status="duplicate", id=owner, errors=[])
            continue
        try:
            new, changed = updates.merge(record, candidate.record, candidate.given)
        except updates.ReceivedAtMoved as exc:
            answers[candidate.row] = ImportRow(row=candidate.row, status="rejected", id=owner,
                                               errors=[{"field": received_name, "message": str(exc)}])
            continue
        if not changed:
            answers[candidate.row] = ImportRow(row=candidate.row, status="duplicate", id=owner, errors=[])
            continue
        counters = voc_counters.delta(facts(record), facts(new))
        changes.append(feedback_updates.PendingUpdate(candidate.row, record, new, counters,
                                         len(json.dumps(new, default=str)), changed))
        by_update[candidate.row] = candidate
    ids = {c.row: c.record["id"] for c in changes}
    for number, status in feedback_updates.update_many(dept, changes, principal.subject, now).items():
        if status == "lost":
            candidate = by_update[number]
            candidate.tries += 1
            retry.append(candidate)
        else:
            answers[number] = ImportRow(row=number, status="updated", id=ids[number], errors=[])
    return retry
