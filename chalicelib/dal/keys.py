"""Key formats, in one place. Tenant partition keys start with the department id."""

DEPARTMENT_SK = "DEPARTMENT"
ORG_DEPARTMENTS = "DEPARTMENT"


def department_pk(dept: str) -> str:
    return dept


def aggregate_sk(scope: str) -> str:
    return f"AGG#{scope}"


def aggregate_org_pk(scope: str) -> str:
    return f"AGG#{scope}"


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
