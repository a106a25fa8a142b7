"""Property-based API testing with Schemathesis against the live local stack (chalice local +
DynamoDB Local), from the generated /openapi.json, as every role, with valid and invalid data.
Goal: no server error and no response that contradicts the schema, on every route.
`make fuzz` runs a longer profile (CXGOV_FUZZ_EXAMPLES)."""
from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("CXGOV_FUZZ_EXAMPLES", "20"))
ROLES = ("ccxo", "auditor", "dcxo-parks")
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance, negative_data_rejection]


def test_every_operation_as_every_role(stack, e2e_tokens):
    # The token is added below for every role: generating requests without it would only test that.
    config = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
    schema = schemathesis.openapi.from_url(f"{stack.base}/openapi.json", config=config)
    sent, no_negative = 0, []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:
        raw = operation.definition.raw
        takes_input = bool(raw.get("parameters") or raw.get("requestBody"))
        # Invalid data needs something to be invalid: an operation without input has no negative cases.
        modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if takes_input else (GenerationMode.POSITIVE,)
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):
                nonlocal sent
                # Every generated request goes out once per role: what one may do, another is refused.
                for role in ROLES:
                    # On the case itself, so Schemathesis knows the request carried a token
                    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {e2e_tokens[role]}"}
                    case.call_and_validate(base_url=stack.base, checks=CHECKS)
                    sent += 1

            try:
                fuzz()
            except Unsatisfiable:
                # Only free-form path parameters (any string is a valid department id): nothing to
                # make invalid. Anything else unsatisfiable is a fault of this test.
                assert mode is GenerationMode.NEGATIVE and not raw.get("requestBody"), operation.label
                no_negative.append(operation.label)
    assert len(no_negative) < len(operations) / 2, no_negative
    print(f"\nschemathesis: {sent} requests over {len(operations)} operations, no failures "
          f"({len(no_negative)} without invalid inputs to generate)")
