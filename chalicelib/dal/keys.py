"""Key formats, in one place. Tenant partition keys start with the department id."""

DEPARTMENT_SK = "DEPARTMENT"
ORG_DEPARTMENTS = "DEPARTMENT"


def department_pk(dept: str) -> str:
    return dept


def aggregate_sk(scope: str) -> str:
    return f"AGG#{scope}"


def aggregate_org_pk(scope: str) -> str:
    return f"AGG#{scope}"


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
