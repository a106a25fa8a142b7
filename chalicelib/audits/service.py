"""What other domains (and the tools) call of the audits; the audits' own routes call the modules
behind it directly. Each name is the one of the module that holds it:

- reports.py, recommendations.py, decisions.py, transitions.py, actions.py, evidence.py: the
  follow-up's writes (each change one transaction with its history entry, see changes.py);
- history.py: a recommendation's chained history (the ledger's bundle);
- changes.py and store.py: each recommendation's counter state and every recommendation of a
  department (the counters' reconcile);
- due_store.py: the due-date index entries that need attention up to a day (the digests);
- evidence_store.py: presigned uploads to the evidence bucket and the stored bytes' SHA-256 (an
  assessment's evidence files use the same upload, under `{dept}/assessments/...`)."""
from __future__ import annotations

from chalicelib.audits.actions import create_action, patch_action
from chalicelib.audits.changes import counter_state
from chalicelib.audits.decisions import create_resolution, put_management_decision
from chalicelib.audits.due_store import department_due, org_due
from chalicelib.audits.evidence import create_evidence
from chalicelib.audits.evidence_store import UPLOAD_SECONDS, presign_upload, stored_sha256
from chalicelib.audits.history import chained_history
from chalicelib.audits.recommendations import create_recommendation
from chalicelib.audits.reports import create_report
from chalicelib.audits.store import all_recommendations
from chalicelib.audits.transitions import transition

__all__ = [
    "all_recommendations", "chained_history", "counter_state", "create_action", "create_evidence",
    "create_recommendation", "create_report", "create_resolution", "department_due", "org_due",
    "patch_action", "presign_upload", "put_management_decision", "stored_sha256", "transition",
    "UPLOAD_SECONDS",
]
