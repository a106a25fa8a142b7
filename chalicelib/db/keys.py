"""Key formats, in one place. Tenant partition keys start with the department id."""

DEPARTMENT_SK = "DEPARTMENT"
ORG_DEPARTMENTS = "DEPARTMENT"


def department_pk(dept: str) -> str:
    return dept


def aggregate_sk(scope: str) -> str:
    return f"AGG#{scope}"


def aggregate_org_pk(scope: str) -> str:
    return f"AGG#{scope}"


JOURNEY_PREFIX = "JOURNEY#"
KPI_PREFIX = "KPI#"
MEASUREMENT_PREFIX = "MEAS#"


def journey_sk(journey_id: str) -> str:
    return f"{JOURNEY_PREFIX}{journey_id}"


def kpi_sk(kpi_id: str) -> str:
    return f"{KPI_PREFIX}{kpi_id}"


def measurements_prefix(kpi_id: str) -> str:
    return f"{MEASUREMENT_PREFIX}{kpi_id}#"


def measurement_sk(kpi_id: str, period_start: str) -> str:
    """`period_start` is the period's first day (ISO date), so a KPI's measurements sort by time."""
    return f"{measurements_prefix(kpi_id)}{period_start}"


import re as _re  # noqa: E402 - kept with the id helpers below
import uuid as _uuid  # noqa: E402

_ID = _re.compile(r"^[0-9a-f]{32}$")


def new_id() -> str:
    """An opaque id for journeys, KPIs and the like: 128 random bits, hex."""
    return _uuid.uuid4().hex


def is_id(text: str) -> bool:
    """Whether `text` could be an id this API issued (checked before it goes into a key)."""
    return bool(_ID.match(text))
# --- audit follow-up ---
# Reports are org-level: their partitions start with `ORG#`, which no department slug can.
ORG_AUDIT_REPORTS = "AUDIT_REPORT"
ORG_RECOMMENDATIONS = "RECOMMENDATION"
REPORT_SK = "REPORT"
UNIQUE_SK = "UNIQUE"


def report_pk(report_id: str) -> str:
    return f"ORG#AUDIT_REPORT#{report_id}"


def report_org_sk(issued_on: str, report_id: str) -> str:
    return f"{issued_on}#{report_id}"


def report_number_pk(number: str) -> str:
    return f"ORG#AUDIT_REPORT_NUMBER#{number.upper()}"


def rec_number_sk(number: int) -> str:
    return f"REC_NUMBER#{number:04d}"


def recommendations_pk(dept: str) -> str:
    return f"{dept}#REC"


def recommendation_sk(rec_id: str) -> str:
    return f"REC#{rec_id}"


def report_link_sk(report_id: str) -> str:
    return f"REPORT#{report_id}"


def recommendation_org_sk(issued_on: str, report_id: str, number: int) -> str:
    return f"{issued_on}#{report_id}#{number:04d}"


def recommendation_children_pk(dept: str, rec_id: str) -> str:
    return f"{dept}#REC#{rec_id}"


def history_sk(seq: int) -> str:
    return f"H#{seq:010d}"


def action_sk(action_id: str) -> str:
    return f"ACTION#{action_id}"


def evidence_sk(evidence_id: str) -> str:
    return f"EVIDENCE#{evidence_id}"


def evidence_object_key(dept: str, rec_id: str, action_id: str, evidence_id: str) -> str:
    return f"{dept}/{rec_id}/{action_id}/{evidence_id}"
# --- feedback ---
FEEDBACK_SOURCE_SK = "SOURCE"


def feedback_pk(dept: str, month: str) -> str:
    """One partition per department and month of receipt (`parks#FB#2017-03`)."""
    return f"{dept}#FB#{month}"


def feedback_sk(ulid: str) -> str:
    return f"FB#{ulid}"


def feedback_open_org_pk(dept: str) -> str:
    """`by_org` partition of a department's unanswered actionable items, ordered by due time."""
    return f"{dept}#FBOPEN"


def feedback_open_org_sk(due_utc: str, feedback_id: str) -> str:
    return f"{due_utc}#{feedback_id}"


def feedback_source_pk(dept: str, source_system: str, source_id: str) -> str:
    """The dedup guard of one source record: its own partition, so imports spread evenly."""
    import hashlib

    digest = hashlib.sha256(f"{source_system}\x00{source_id}".encode()).hexdigest()[:40]
    return f"{dept}#FBSRC#{digest}"
# --- the ledger (issue 15), in the `cxgov-ledger` table ---
LEDGER_STATE_PK = "ORG#LEDGER"
LEDGER_STATE_SK = "STATE"
LEDGER_NODE_SK = "NODE"
TREE_HEAD_PK = "ORG#LEDGER#TREE_HEAD"
SIGNING_KEY_PK = "ORG#LEDGER#KEY"


def ledger_node_pk(level: int, index: int) -> str:
    return f"ORG#LEDGER#N#{level}#{index}"


def ledger_entry_sk(seq: int) -> str:
    return f"LEAF#{seq:010d}"


def tree_head_sk(timestamp: str, tree_size: int) -> str:
    return f"{timestamp}#{tree_size:012d}"


def history_owner(pk: str) -> tuple[str, str] | None:
    """(department, owner id) of a history item's partition key: `{dept}#REC#{rec_id}` (a
    recommendation's chain) or `{dept}#ASMT#{assessment_id}` (an assessment's)."""
    for marker in ("#REC#", "#ASMT#"):
        dept, found, owner = pk.rpartition(marker)
        if found and dept and owner:
            return dept, owner
    return None


# --- reminders and digests ---
ORG_SETTINGS_PK = "ORG#SETTINGS"
CONTACTS_SK = "CONTACTS"
ORG_DUE = "DUE"
ORG_DIGEST_PK = "ORG#DIGEST"


def due_pk(dept: str) -> str:
    return f"{dept}#DUE"


def due_rec_sk(rec_id: str) -> str:
    return f"REC#{rec_id}"


def due_org_sk(rec_id: str) -> str:
    return f"ORG#{rec_id}"


def due_action_sk(rec_id: str, action_id: str) -> str:
    return f"ACT#{rec_id}#{action_id}"


def due_org_pk(dept: str) -> str:
    """The `by_org` partition of a department's own reminders."""
    return f"{dept}#DUE"


def due_index_sk(attention_on: str, dept: str, sk: str) -> str:
    return f"{attention_on}#{dept}#{sk}"


def digest_pk(dept: str | None) -> str:
    return f"{dept}#DIGEST" if dept else ORG_DIGEST_PK


def digest_sk(day: str, role: str, email: str) -> str:
    return f"{day}#{role}#{email.lower()}"


def digest_failed_org_pk(day: str) -> str:
    return f"DIGEST_FAILED#{day}"



# --- import profiles and pulled sources (issue 12) ---
ORG_PULL_SOURCES = "PULLSOURCE"


def import_profile_sk(profile_id: str) -> str:
    return f"PROFILE#{profile_id}"


def pulled_source_sk(source_id: str) -> str:
    return f"PULL#{source_id}"


def pulled_source_state_sk(source_id: str) -> str:
    return f"PULLSTATE#{source_id}"


def pulled_source_org_sk(dept: str, source_id: str) -> str:
    return f"{dept}#{source_id}"


# --- role directory (issue 19) ---
ORG_USERS = "USER"
ORG_USER_CHANGES = "USER_CHANGE"
USER_SK = "USER"


def directory_user_pk(subject: str) -> str:
    return f"ORG#USER#{subject}"


def directory_change_sk(seq: int) -> str:
    return f"CHANGE#{seq:08d}"


# --- import jobs (issue 14) ---
# Objects of a department live under `imports/{dept}/` and `import-reports/{dept}/`, so a
# department-scoped role can be confined to its own prefixes; the bucket notifies the queue for
# `imports/` only.
IMPORT_UPLOAD_PREFIX = "imports/"
IMPORT_REPORT_PREFIX = "import-reports/"


def import_jobs_pk(dept: str) -> str:
    return f"{dept}#IMPORTJOB"


def import_job_sk(job_id: str) -> str:
    return f"JOB#{job_id}"


def import_object_key(dept: str, job_id: str) -> str:
    return f"{IMPORT_UPLOAD_PREFIX}{dept}/{job_id}"


def parse_import_object_key(key: str) -> tuple[str, str] | None:
    """(dept, job_id) of an upload key, or None for any other key."""
    if not key.startswith(IMPORT_UPLOAD_PREFIX):
        return None
    parts = key[len(IMPORT_UPLOAD_PREFIX):].split("/")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def import_errors_key(dept: str, job_id: str) -> str:
    return f"{IMPORT_REPORT_PREFIX}{dept}/{job_id}/errors.csv"


def import_errors_part_key(dept: str, job_id: str, first_row: int) -> str:
    return f"{IMPORT_REPORT_PREFIX}{dept}/{job_id}/parts/{first_row:012d}.csv"
