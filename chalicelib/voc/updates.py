"""What a re-imported row brings to the record its source id already names.

The rules (DESIGN.md, "Follow a source over time"): an import never deletes, never moves
`received_at` (a different one rejects the row) and never replaces a first response; it fills what
the record lacks - a first response or closing, a due time from the source, a journey, a comment,
scores, a more specific category than `other` (unless someone reclassified it) - and advances the
status (open < in_progress < responded < closed), never back. Nothing new: `duplicate`."""
from __future__ import annotations

from typing import Any, Mapping

STATUS_RANK = {"open": 0, "in_progress": 1, "responded": 2, "closed": 3}
FILLED = ("journey_id", "nps", "csat", "ces", "survey_offered", "survey")


class ReceivedAtMoved(ValueError):
    pass


def merge(stored: Mapping[str, Any], incoming: Mapping[str, Any],
          given: set[str]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(the record after the row, the fields that change); no fields: the row is a duplicate.
    `given` names the fields the row itself set (not the defaults of the native format)."""
    if incoming["received_at"] != stored["received_at"]:
        raise ReceivedAtMoved(f"this source record was stored with received_at "
                              f"{stored['received_at'].isoformat()}; an import never moves it")
    new = dict(stored)
    changed: list[str] = []

    def put(name: str, value: Any) -> None:
        new[name] = value
        changed.append(name)

    if stored["first_responded_at"] is None and incoming["first_responded_at"] is not None:
        put("first_responded_at", incoming["first_responded_at"])
        if STATUS_RANK.get(stored["status"], 0) < STATUS_RANK["responded"]:
            put("status", "responded")
    if "status" in given and STATUS_RANK.get(incoming["status"], 0) > STATUS_RANK.get(new["status"], 0):
        if "status" in changed:
            changed.remove("status")
        put("status", incoming["status"])
    for name in FILLED:
        if stored[name] is None and incoming[name] is not None:
            put(name, incoming[name])
    if stored["comment"] is None and incoming["comment"] is not None:
        put("comment", incoming["comment"])
        put("redactions", incoming["redactions"])
    missing = {d: s for d, s in incoming["a11"].items() if d not in stored["a11"]}
    if missing:
        put("a11", {**stored["a11"], **missing})
    if ("category" in given and stored["category"] == "other" and incoming["category"] != "other"
            and not stored["classifications"]):
        put("category", incoming["category"])
    if stored.get("due_source") != "source" and incoming.get("due_source") == "source":
        put("due_at", incoming["due_at"])
        put("due_source", "source")
    return new, tuple(changed)
