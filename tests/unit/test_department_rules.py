"""Department input rules, without HTTP or AWS."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.core.errors import from_validation_error
from chalicelib.org.departments_schemas import DepartmentCreate, DepartmentPatch, StaffedHours

BASE = {"id": "parks", "name": "Parks", "dcxo_contact": {"name": "A", "email": "a@parks.example.gov"},
        "time_zone": "America/Chicago"}


def test_defaults_are_the_six_hour_target_and_weekday_office_hours():
    department = DepartmentCreate.model_validate(BASE)
    assert department.response_target_hours == 6
    assert department.staffed_hours.days == ["mon", "tue", "wed", "thu", "fri"]
    assert (department.staffed_hours.start, department.staffed_hours.end) == ("08:00", "18:00")
    assert department.active is True


def test_overnight_staffed_hours_are_allowed():
    hours = StaffedHours.model_validate({"days": ["fri"], "start": "22:00", "end": "06:00"})
    assert hours.end == "06:00"


def test_errors_name_nested_fields():
    with pytest.raises(ValidationError) as caught:
        DepartmentCreate.model_validate({**BASE, "staffed_hours": {"days": ["mon"], "start": "8", "end": "x"}})
    fields = {d["field"] for d in from_validation_error(caught.value).details}
    assert fields == {"staffed_hours.start", "staffed_hours.end"}


def test_patch_changes_exclude_version():
    patch = DepartmentPatch.model_validate({"time_zone": "UTC", "version": 3})
    assert patch.changes() == {"time_zone": "UTC"}
