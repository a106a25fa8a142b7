"""OMB A-11 §280 reporting: the quarterly CX collection (Touchpoints' CX collection detail
layout) and the survey responses (Touchpoints' response upload layout), per department and across
the organisation."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.errors import BadRequest
from chalicelib.core.lazy import lazy

collection = lazy("chalicelib.a11.collection")
responses = lazy("chalicelib.a11.responses")
touchpoints = lazy("chalicelib.voc.touchpoints")
QuarterQuery = lazy("chalicelib.a11.schemas", "QuarterQuery")

bp = Blueprint(__name__)
TAG = "a11"


def collection_example() -> str:  # a function: the column list lives with the logic, loaded on demand
    return (",".join(collection.COLUMNS) + "\r\n"
            "corp-comms/5b0e8c1f9a7d4e2b8c6a1f3e0d9b7a45/FY2017-Q2,usps,USPS,United States Postal Service,"
            "usps-customer-care-FY2017-Q2,2017,2,USPS Customer Care FY2017-Q2,usps-customer-care,"
            "USPS Customer Care,usps-customer-care,5b0e8c1f9a7d4e2b8c6a1f3e0d9b7a45,"
            "Social media customer service,post_interaction,social_media,,,,,1843,412,398,3206-0001,"
            "thumbs_up_down,How did we do?,,2016-10-03T14:00:00+00:00,2017-01-09T10:12:00+00:00\r\n")


def responses_example() -> str:
    return (",".join(touchpoints.COLUMNS) + "\r\n"
            "tp-1,1,1,1,0,null,1,1,0,null,null,null,null,null,null,null,Quick and kind\r\n")


def _csv(body: str, name: str) -> Response:
    return Response(body=body, status_code=200,
                    headers={"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": f'attachment; filename="{name}"'})


@api_route(bp, "/departments/{dept}/exports/a11-cx-collection.csv", "GET",
           summary="The department's A-11 CX collection for a fiscal quarter", tag=TAG, roles=ANY_ROLE,
           query=QuarterQuery, response_media_type="text/csv", response_example=collection_example)
def department_collection(call: Call) -> Response:
    """One row per journey with an `a11_service`, in the column layout of Touchpoints' CX
    collection detail export; volumes come from the month aggregates of the quarter."""
    dept, query = call.path["dept"], call.query
    return _csv(collection.department_csv(dept, query.quarter, query.journey_id),
                f"a11-cx-collection-{dept}-{query.quarter}.csv")


@api_route(bp, "/exports/a11-cx-collection.csv", "GET",
           summary="The organisation's A-11 CX collection for a fiscal quarter", tag=TAG,
           roles=("ccxo", "auditor"), query=QuarterQuery, response_media_type="text/csv",
           response_example=collection_example)
def organisation_collection(call: Call) -> Response:
    """Every department's journeys with an `a11_service`, as the department export."""
    if call.query.journey_id is not None:
        raise BadRequest.for_field("journey_id", "filter by journey in a department's export")
    return _csv(collection.organisation_csv(call.query.quarter), f"a11-cx-collection-{call.query.quarter}.csv")


@api_route(bp, "/departments/{dept}/exports/a11-cx-responses.csv", "GET",
           summary="The department's A-11 survey responses of a fiscal quarter", tag=TAG, roles=ANY_ROLE,
           query=QuarterQuery, response_media_type="text/csv", response_example=responses_example)
def department_responses(call: Call) -> Response:
    """Every survey respondent on a journey with an `a11_service`, received in the quarter, in the
    column layout of Touchpoints' response upload (`external_id, question_1, positive_..., negative_...,
    question_4`); a response imported with `?profile=touchpoints` comes back exactly as imported."""
    dept, query = call.path["dept"], call.query
    return _csv(responses.department_csv(dept, query.quarter, query.journey_id),
                f"a11-cx-responses-{dept}-{query.quarter}.csv")


@api_route(bp, "/exports/a11-cx-responses.csv", "GET",
           summary="The organisation's A-11 survey responses of a fiscal quarter", tag=TAG,
           roles=("ccxo", "auditor"), query=QuarterQuery, response_media_type="text/csv",
           response_example=responses_example)
def organisation_responses(call: Call) -> Response:
    """Every department's, as the department export."""
    if call.query.journey_id is not None:
        raise BadRequest.for_field("journey_id", "filter by journey in a department's export")
    return _csv(responses.organisation_csv(call.query.quarter), f"a11-cx-responses-{call.query.quarter}.csv")
