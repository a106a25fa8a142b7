"""The quarter's A-11 survey responses in GSA Touchpoints' response upload layout, so a HISP
uploads them unchanged: every respondent on a journey with an A-11 service, received in the
quarter. A Touchpoints response comes back exactly as it was imported (voc/touchpoints.py)."""
from __future__ import annotations

import csv
import io

from chalicelib.a11.collection import _cell, _quarter, a11_journeys
from chalicelib.core.errors import NotFound, PayloadTooLarge
from chalicelib.org import service as org
from chalicelib.voc import service as voc, touchpoints

MAX_BYTES = 5_500_000  # under Lambda's 6 MB response, with room for the headers


class _Out:
    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.writer.writerow(touchpoints.COLUMNS)

    def add(self, row: list[str]) -> None:
        self.writer.writerow([_cell(v) for v in row])
        if self.buffer.tell() > MAX_BYTES:
            raise PayloadTooLarge("the export is larger than one answer can hold (6 MB): ask for one "
                                  "journey at a time (journey_id)",
                                  [{"field": "journey_id", "message": "export one journey at a time"}])


def _write(out: _Out, dept: str, label: str, journey_id: str | None) -> None:
    period, _, _ = _quarter(label)
    journeys = {j["id"]: j for j in a11_journeys(dept, journey_id)}
    if not journeys:
        return
    for month in period.months():
        for record in voc.journey_respondents(dept, month.label, sorted(journeys)):
            survey_type = journeys[record["journey_id"]]["a11_service"]["survey_type"]
            out.add(touchpoints.to_row(record, survey_type))


def department_csv(dept: str, label: str, journey_id: str | None) -> str:
    if org.department(dept) is None:
        raise NotFound(f"department {dept!r} not found")
    out = _Out()
    _write(out, dept, label, journey_id)
    return out.buffer.getvalue()


def organisation_csv(label: str) -> str:
    out = _Out()
    for dept in org.department_names():
        _write(out, dept, label, None)
    return out.buffer.getvalue()
