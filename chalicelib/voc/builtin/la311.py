"""MyLA311 Service Request data (Los Angeles open data, "MyLA311 Service Request Data 20xx").

Times are wall-clock Los Angeles without an offset (`12/27/2017 10:00:00 AM`). `ClosedDate` is the
first response whatever the `Status` (a cancelled or referred-out request was dealt with then);
many closings carry only a date (`12:00:00 AM`), read as the end of that day."""

PROFILE = {
    "id": "la311",
    "name": "MyLA311 Service Request CSV",
    "description": "SRNumber, CreatedDate, UpdatedDate, ActionTaken, Owner, RequestType, Status, "
                   "RequestSource, ..., ClosedDate, ..., Address, ... as the City of Los Angeles "
                   "publishes them. A closing at 12:00:00 AM is a date only and counts at the end "
                   "of that day; a closing before the creation rejects the row.",
    "format": "csv",
    "columns": {
        "source_id": "SRNumber",
        "received_at": "CreatedDate",
        "first_responded_at": "ClosedDate",
        "channel": "RequestSource",
        "status": "Status",
        "comment": ["RequestType", "Address"],
    },
    "values": {
        "channel": {"Call": "phone", "Voicemail": "phone", "Mobile App": "app_311",
                    "Self Service": "web", "Email": "email", "Walk-in": "in_person", "*": "other"},
        "status": {"Open": "open", "Pending": "in_progress", "Forward": "in_progress",
                   "Closed": "closed", "Cancelled": "closed", "Referred Out": "closed", "*": None},
    },
    "datetime_format": "%m/%d/%Y %I:%M:%S %p",
    "time_zone": "America/Los_Angeles",
    "defaults": {"source_system": "la311", "category": "request_for_help", "actionable": True},
    "date_only": ["first_responded_at"],
    "responded_when": None,
}
