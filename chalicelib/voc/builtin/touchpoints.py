"""GSA Touchpoints' A-11 response upload CSV (`external_id, question_1, positive_effectiveness, ...,
negative_other, question_4`, and `created_at` where the file has it). Its mapping needs the
journey's A-11 service (thumbs or Likert, and the channel), so the import applies it through
`voc/touchpoints.py`; the columns here describe it for `GET /import-profiles`."""

PROFILE = {
    "id": "touchpoints",
    "name": "GSA Touchpoints A-11 response CSV",
    "description": "Touchpoints' response upload layout for OMB A-11 §280. Give `journey_id` (a "
                   "journey with an `a11_service`) as a query parameter, and `received_at` unless "
                   "the file has a `created_at` column. question_1 is thumbs (1 up, 0 down: A-11 "
                   "satisfaction 5 or 1) or a 1-5 rating, as the journey's survey_type says; each "
                   "positive_/negative_ driver column is 1, 0 or null (positive only: 5, negative "
                   "only: 1, both: 3); question_4 is the comment; every answer column is kept as "
                   "written for the a11-cx-responses.csv export.",
    "format": "csv",
    "columns": {"source_id": "external_id", "received_at": "created_at", "a11.satisfaction": "question_1",
                "a11.effectiveness": ["positive_effectiveness", "negative_effectiveness"],
                "a11.ease": ["positive_ease", "negative_ease"],
                "a11.efficiency": ["positive_efficiency", "negative_efficiency"],
                "a11.transparency": ["positive_transparency", "negative_transparency"],
                "a11.humanity": ["positive_humanity", "negative_humanity"],
                "a11.employee_helpfulness": ["positive_employee", "negative_employee"],
                "comment": "question_4"},
    "values": {},
    "datetime_format": "iso",
    "time_zone": None,
    # The channel is the journey's A-11 channel, as a cxgov channel (voc/touchpoints.CHANNELS).
    "defaults": {"source_system": "touchpoints", "category": "other", "actionable": False, "channel": "other"},
    "date_only": [],
    "responded_when": None,
}
