"""Open311 GeoReport v2 service requests: `requests.json` (an array of request objects) and the
proposed GeoReport bulk CSV (the same fields as columns, plus `source`).

Times are W3C datetimes with an offset. `updated_datetime` is the closing of a `closed` request
only; `expected_datetime` is the request's own due time. The sources' scheduled pull imports with
this profile (its `source_system` is then the source's, see voc/pull.py: source_system)."""

PROFILE = {
    "id": "open311",
    "name": "Open311 GeoReport v2 requests",
    "description": "GeoReport v2 requests.json (service_request_id, status, service_name, "
                   "service_code, description, agency_responsible, requested_datetime, "
                   "updated_datetime, expected_datetime, ...) or the bulk CSV of the same columns "
                   "with `source`. updated_datetime counts as the first response of closed requests only.",
    "format": "json",
    "columns": {
        "source_id": "service_request_id",
        "received_at": "requested_datetime",
        "first_responded_at": "updated_datetime",
        "due_at": "expected_datetime",
        "status": "status",
        "comment": ["service_name", "description"],
        "channel": "source",
    },
    "values": {
        "status": {"open": "open", "closed": "closed", "*": None},
        "channel": {"phone": "phone", "call": "phone", "voice": "phone", "web": "web", "email": "email",
                    "mobile": "app_311", "app": "app_311", "iphone": "app_311", "android": "app_311",
                    "twitter": "twitter", "facebook": "facebook", "walk-in": "in_person", "*": "other"},
    },
    "datetime_format": "iso",
    "time_zone": None,
    "defaults": {"source_system": "open311", "category": "request_for_help", "actionable": True,
                 "channel": "other"},
    "date_only": [],
    "responded_when": {"column": "status", "values": ["closed"]},
}
