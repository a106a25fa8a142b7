"""How a recommendation changes: every change (its decision, its actions, its evidence, its status)
is one transaction, conditioned on the version read, that also appends the next chained history
entry, moves the `REC` counters by the difference of its state (counters.py) and writes the
difference of its due-date index entries (due_index.py)."""
from __future__ import annotations

from typing import Any

from chalicelib.audits import counters as rec_counters
from chalicelib.audits import due_index, lifecycle
from chalicelib.audits import store as dal
from chalicelib.audits.common import as_json, now_text
from chalicelib.core import clock, hashchain
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict


def counter_state(item: dict[str, Any]) -> dict[str, Any]:
    """The state `rec_counters.contributions` counts, of a stored recommendation."""
    return {"status": item["status"], "issued_on": item["issued_on"], "issuer": item["issuer"],
            "category": item["category"], "has_decision": bool(item.get("decision")),
            "target_date": item.get("target_date"), "closed_on": item.get("closed_on"),
            **{name: item[name] for name in rec_counters.MONEY_FIELDS}}


def history_entry(item: dict[str, Any], principal: Principal, event: str, changes: dict[str, Any],
                  seq: int | None = None, prev_hash: str | None = None) -> dict[str, Any]:
    """The next entry of the recommendation's chain (sealed: its hash covers the previous one's)."""
    return hashchain.seal({
        "seq": seq if seq is not None else int(item["history_seq"]) + 1,
        "rec_id": item["rec_id"], "at": now_text(), "actor": principal.subject,
        "actor_name": principal.name, "role": principal.role, "event": event,
        "changes": changes,
        "prev_hash": prev_hash if prev_hash is not None else item["history_head"]})


def stored_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A history entry as stored (its changes as canonical JSON)."""
    return {**entry, "changes": as_json(entry["changes"])}


def change(item: dict[str, Any], principal: Principal, event: str, changes: dict[str, Any],
           sets: dict[str, Any], new_items: list | None = None, updates: list | None = None,
           actions: list | None = None, due: tuple[list, list] = ((), ())) -> dict[str, Any]:
    """`actions`: the recommendation's corrective actions, when the change closes or reopens it
    (their reminders go or come back); `due`: an action's own reminder entries (puts, deletes)."""
    entry = history_entry(item, principal, event, changes)
    after = {**item, **sets}
    due_puts, due_deletes = due_index.rec_change(item, after, actions or [])
    dal.commit(dal.Change(dept=item["department"], rec_id=item["rec_id"],
                          expected_version=int(item["version"]), sets=sets, history=stored_entry(entry),
                          counters=rec_counters.delta(counter_state(item), counter_state(after)),
                          new_items=new_items or [], updates=updates or [],
                          due_puts=due_puts + list(due[0]), due_deletes=due_deletes + list(due[1])),
               principal.subject)
    after.update(version=int(item["version"]) + 1, history_seq=entry["seq"],
                 history_head=entry["hash"], updated_at=clock.now())
    return after


def check_version(expected: int | None, item: dict[str, Any], what: str = "recommendation") -> None:
    if expected is not None and expected != int(item["version"]):
        raise Conflict.for_field("version", f"the {what} is at version {int(item['version'])}; "
                                            "read it again before changing it")


def refuse_closed(item: dict[str, Any]) -> None:
    if item["status"] in lifecycle.CLOSED:
        raise Conflict.for_field("status", f"the recommendation is {item['status']}; "
                                           "an auditor must reopen it first")
