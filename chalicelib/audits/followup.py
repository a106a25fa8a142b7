"""The follow-up reads: a recommendation's corrective actions and an action's evidence, scoped
exactly as the recommendation (the route's department scope; a 404 for what does not exist)."""
from __future__ import annotations

from chalicelib.audits import store as dal
from chalicelib.audits import service as audits
from chalicelib.audits.schemas import CorrectiveAction, Evidence


def list_actions(dept: str, rec_id: str, status: str | None, limit: int,
                 start_key: dict | None) -> tuple[list[CorrectiveAction], dict | None]:
    audits.load_recommendation(dept, rec_id)  # no recommendation: a 404, not an empty list
    items, last = dal.list_actions(dept, rec_id, status=status, limit=limit, start_key=start_key)
    return [audits.action_view(dept, item) for item in items], last


def get_action(dept: str, rec_id: str, action_id: str) -> CorrectiveAction:
    return audits.action_view(dept, audits.load_action(dept, rec_id, action_id))


def list_evidence(dept: str, rec_id: str, action_id: str, limit: int,
                  start_key: dict | None) -> tuple[list[Evidence], dict | None]:
    audits.load_action(dept, rec_id, action_id)  # the action's key holds the recommendation's
    items, last = dal.list_evidence(dept, rec_id, action_id, limit, start_key)
    return [audits.evidence_view(dept, item) for item in items], last
