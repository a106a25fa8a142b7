"""cxgov's own fields: a JSON array of feedback records, or a CSV whose header names the fields
(A-11 drivers as `a11.satisfaction` ...). The default when an import names no profile."""
from chalicelib.voc.profiles_schemas import TARGETS

PROFILE = {
    "id": "cxgov",
    "name": "cxgov native fields",
    "description": "The fields of POST /departments/{dept}/feedback, under their own names; times "
                   "RFC 3339 with an offset. Columns other than these fields are refused.",
    "native": True,
    "format": "json",
    "columns": {field: field for field in TARGETS},
    "values": {},
    "datetime_format": "iso",
    "time_zone": None,
    "defaults": {},
    "date_only": [],
    "responded_when": None,
}
