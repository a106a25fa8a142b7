"""The due-date index the reminders read: which entries a recommendation and its corrective actions
must have, computed from their state alone (the facts and days of attention.py), so every change
writes the difference in its own transaction (changes.py) and a rebuild from the records gives the
same entries (stored by due_store.py).

Per open recommendation: one department entry (read by its dcxo's digest from the day the
department must act) and one org entry (read by the auditors' and the ccxo's digests from the day
they must); per open corrective action of an open recommendation: one department entry from 14 days
before its due date. Closed recommendations and done or cancelled actions have none."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

from chalicelib.db import keys
from chalicelib.audits import attention


@dataclass(frozen=True)
class Entry:
    department: str
    sk: str
    org_pk: str
    attention_on: str
    facts: str
    rec_id: str
    action_id: str | None = None

    @property
    def org_sk(self) -> str:
        return keys.due_index_sk(self.attention_on, self.department, self.sk)


def rec_facts(item: dict[str, Any]) -> attention.RecFacts:
    """The facts of a stored recommendation (its item's attributes, as the audits' store holds them)."""
    decision = json.loads(item["decision"]) if item.get("decision") else None
    return attention.RecFacts(
        department=item["department"], rec_id=item["rec_id"], report_id=item["report_id"],
        report_number=item["report_number"], number=int(item["number"]), text=item["text"],
        status=item["status"], issued_on=attention._day(item["issued_on"]),
        has_decision=decision is not None,
        decided_on=attention._day(decision.get("decided_at")) if decision else None,
        evaluated=bool(item.get("resolution")),
        target_date=attention._day(item.get("target_date")),
        original_target_date=attention._day(item.get("original_target_date")),
        closure_requested_on=attention._day(item.get("closure_requested_on")),
        closure_returned_on=attention._day(item.get("closure_returned_on")),
        closure_return_reason=item.get("closure_return_reason"))


def action_facts(rec: dict[str, Any], action: dict[str, Any]) -> attention.ActionFacts:
    return attention.ActionFacts(
        department=rec["department"], rec_id=rec["rec_id"], action_id=action["action_id"],
        report_number=rec["report_number"], number=int(rec["number"]),
        description=action["description"], owner=action["owner"],
        due_date=attention._day(action["due_date"]), status=action["status"])


def rec_entries(item: dict[str, Any] | None) -> dict[str, Entry]:
    """sk -> entry that a recommendation in this state has (none for None or a closed one)."""
    if item is None:
        return {}
    facts = rec_facts(item)
    dept, rec_id, text = facts.department, facts.rec_id, facts.to_json()
    found = {}
    for sk, org_pk, day in ((keys.due_rec_sk(rec_id), keys.due_org_pk(dept), attention.dept_attention(facts)),
                            (keys.due_org_sk(rec_id), keys.ORG_DUE, attention.org_attention(facts))):
        if day is not None:
            found[sk] = Entry(dept, sk, org_pk, day.isoformat(), text, rec_id)
    return found


def action_entries(rec: dict[str, Any] | None, action: dict[str, Any] | None) -> dict[str, Entry]:
    if rec is None or action is None:
        return {}
    facts = action_facts(rec, action)
    day = attention.action_attention(facts, attention.is_open_status(rec["status"]))
    if day is None:
        return {}
    sk = keys.due_action_sk(facts.rec_id, facts.action_id)
    return {sk: Entry(facts.department, sk, keys.due_org_pk(facts.department), day.isoformat(),
                      facts.to_json(), facts.rec_id, facts.action_id)}


def difference(before: dict[str, Entry], after: dict[str, Entry]) -> tuple[list[Entry], list[Entry]]:
    """(entries to write, entries to delete): unchanged entries are not written again."""
    puts = [entry for sk, entry in after.items() if before.get(sk) != entry]
    deletes = [entry for sk, entry in before.items() if sk not in after]
    return puts, deletes


def rec_change(before: dict[str, Any] | None, after: dict[str, Any] | None,
               actions: Iterable[dict[str, Any]] = ()) -> tuple[list[Entry], list[Entry]]:
    """What a change of a recommendation writes to the index; `actions` (its corrective actions)
    matter only when it closes or reopens, which removes or restores their entries."""
    old, new = rec_entries(before), rec_entries(after)
    for action in actions:
        old.update(action_entries(before, action))
        new.update(action_entries(after, action))
    return difference(old, new)


def rebuild_department(dept: str) -> tuple[int, int]:
    """Recomputes a department's entries from its records (for data written before the index
    existed, and to repair): writes the missing or different ones, retires the stale ones. Reads
    every recommendation and action of the department: a maintenance command, not a request.
    Answers (written, retired)."""
    from chalicelib.audits import actions_store, due_store
    from chalicelib.audits import store as audits_dal

    wanted: dict[str, Entry] = {}
    for rec in audits_dal.all_recommendations(dept):
        wanted.update(rec_entries(rec))
        for action in actions_store.all_actions(dept, rec["rec_id"]):
            wanted.update(action_entries(rec, action))
    stored = {e["sk"]: Entry(dept, e["sk"], e["org_pk"], e["attention_on"], e["facts"], e["rec_id"],
                             e["action_id"]) for e in due_store.department_entries(dept)}
    puts, retire = difference(stored, wanted)
    due_store.write_entries(puts, retire)
    return len(puts), len(retire)
