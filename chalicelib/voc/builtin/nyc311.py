"""NYC 311 Service Requests (NYC Open Data, "311 Service Requests from 2010 to Present").

Times are wall-clock New York without an offset; `Due Date` is the request's own due time."""

PROFILE = {
    "id": "nyc311",
    "name": "NYC 311 Service Requests CSV",
    "description": "Unique Key, Created Date, Closed Date, Agency, Complaint Type, Descriptor, ..., "
                   "Status, Due Date, Resolution Description, Resolution Action Updated Date, ..., "
                   "Open Data Channel Type as NYC Open Data publishes them. Due Date is the record's "
                   "due time.",
    "format": "csv",
    "columns": {
        "source_id": "Unique Key",
        "received_at": "Created Date",
        "first_responded_at": "Closed Date",
        "due_at": "Due Date",
        "channel": "Open Data Channel Type",
        "status": "Status",
        "comment": ["Complaint Type", "Descriptor"],
    },
    "values": {
        "channel": {"PHONE": "phone", "ONLINE": "web", "MOBILE": "app_311", "*": "other"},
        "status": {"Open": "open", "Assigned": "in_progress", "Started": "in_progress",
                   "In Progress": "in_progress", "Pending": "in_progress", "Closed": "closed", "*": None},
    },
    "datetime_format": "%m/%d/%Y %I:%M:%S %p",
    "time_zone": "America/New_York",
    "defaults": {"source_system": "nyc311", "category": "request_for_help", "actionable": True},
    "date_only": [],
    "responded_when": None,
}
