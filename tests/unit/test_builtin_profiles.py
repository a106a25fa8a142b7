"""The built-in profiles obey the same rules as a department's own (one more is one more module)."""
from __future__ import annotations

import json

import pytest

from chalicelib.voc import builtin
from chalicelib.voc.profiles_schemas import ImportProfileCreate


@pytest.mark.parametrize("profile_id", [p for p in builtin.MODULES if p != "cxgov"])
def test_each_builtin_profile_is_a_valid_profile(profile_id):
    profile = {k: v for k, v in builtin.load()[profile_id].items() if k != "native"}
    ImportProfileCreate.model_validate_json(json.dumps(profile))
