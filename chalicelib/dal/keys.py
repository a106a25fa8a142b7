"""Key formats, in one place. Tenant partition keys start with the department id."""

DEPARTMENT_SK = "DEPARTMENT"
ORG_DEPARTMENTS = "DEPARTMENT"


def department_pk(dept: str) -> str:
    return dept


def aggregate_sk(scope: str) -> str:
    return f"AGG#{scope}"


def aggregate_org_pk(scope: str) -> str:
    return f"AGG#{scope}"
