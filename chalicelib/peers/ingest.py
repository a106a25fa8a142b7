"""A peer set's upload, chunk by chunk, as the import worker hands it over (registered as the
`peer_set` job kind in app.py; chalicelib/imports/kinds.py). The file streams through the import
worker (reader, lease, checkpoints, error report); each chunk's rows are read with the set's
built-in profile (voc.service.PeerRowReader) and written by source id: a row already stored with
the same contribution writes nothing (a duplicate), a changed one moves its value items."""
from __future__ import annotations

from typing import Any

from chalicelib.peers import rules, store
from chalicelib.voc import service as voc

KIND = "peer_set"


def _peer_set(job: dict[str, Any]) -> dict[str, Any]:
    found = store.get_set(job["target"])
    if found is None:
        raise LookupError(f"the peer set {job['target']!r} of import job {job['job_id']!r} is gone")
    return found


def header_problems(job: dict[str, Any], header: list[str]) -> list[str]:
    peer_set = _peer_set(job)
    reader = voc.PeerRowReader(peer_set["profile"])
    return reader.header_problems(header, [peer_set["group_column"], peer_set.get("service_column") or ""])


def import_rows(job: dict[str, Any], rows: list[Any]) -> tuple[dict[str, int], list[tuple[int, str, str, str]]]:
    """`rows` are the worker's reader.Row (number, kind, data): counts and rejected rows."""
    peer_set = _peer_set(job)
    reader = voc.PeerRowReader(peer_set["profile"])
    id_column = reader.column("source_id")
    counts = {"created": 0, "updated": 0, "duplicates": 0, "rejected": 0}
    errors: list[tuple[int, str, str, str]] = []
    latest: dict[str, rules.Contribution] = {}
    for row in rows:
        raw = row.data if isinstance(row.data, dict) else None
        if raw is None:
            counts["rejected"] += 1
            errors.append((row.number, "", "row", "a row of a peer set is an object of the source's columns"))
            continue
        source_id = str(raw.get(id_column) or "").strip()
        fields, problems = reader.map(raw)
        try:
            if not source_id:
                raise rules.RowProblem(id_column, "the row has no source id")
            if problems:
                raise rules.RowProblem(str(problems[0].get("field", "row")), str(problems[0].get("message", "")))
            found = rules.contribution(peer_set, {**fields, "source_id": source_id}, raw, reader.zone)
        except rules.RowProblem as exc:
            counts["rejected"] += 1
            errors.append((row.number, source_id, reader.column(exc.field), exc.message))
            continue
        if source_id in latest:
            counts["duplicates"] += 1  # the same source row again in this chunk: the later one stands
        latest[source_id] = found
    if not latest:
        return counts, errors
    stored = store.guards(peer_set["peer_set_id"], latest)
    changes = []
    for source_id, found in latest.items():
        guard = stored.get(source_id)
        if guard is not None and guard.digest == found.digest():
            counts["duplicates"] += 1
            continue
        counts["updated" if guard is not None else "created"] += 1
        changes.append((found, guard))
    if changes:
        store.put_parts(peer_set["peer_set_id"], [c for c, _ in changes])
        store.write_rows(peer_set["peer_set_id"], changes)
    return counts, errors
