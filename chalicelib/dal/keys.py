"""Key formats, in one place. Tenant partition keys start with the department id."""

DEPARTMENT_SK = "DEPARTMENT"
ORG_DEPARTMENTS = "DEPARTMENT"


def department_pk(dept: str) -> str:
    return dept
