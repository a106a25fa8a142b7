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
