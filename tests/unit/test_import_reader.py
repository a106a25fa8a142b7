"""The import file reader: every format gives the same records, and resuming at any record's end
offset gives exactly the records after it (the worker's checkpoints), across buffer boundaries."""
from __future__ import annotations

import csv
import gzip
import io
import json

import pytest

from chalicelib.imports import json_array, reader

RECORDS = [{"channel": "web", "comment": f"line {i}, with \"quotes\"\nand a newline é", "nps": i % 11,
            "source_id": f"S{i}"} for i in range(40)]


def _csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(RECORDS[0]))
    writer.writeheader()
    writer.writerows(RECORDS)
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def _json() -> bytes:
    return (" \n[" + ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "]\n").encode()


def _ndjson() -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n\n" for r in RECORDS).encode()


def _rows(data: bytes, kind: str, start: int = 0, header=None, first: int = 1, compressed=None):
    stream, gz = reader.open_stream(io.BytesIO(data if not start or compressed else data[start:]), compressed)
    if gz and start:
        reader.skip(stream, start)
    if kind == "csv":
        if header is None:
            header, start = reader.csv_header(stream)
        return header, list(reader.csv_rows(stream, header, start, first))
    rows = json_array.json_rows(stream, start, first) if kind == "json" else reader.ndjson_rows(stream, start, first)
    return None, list(rows)


@pytest.mark.parametrize("kind, make", [("csv", _csv), ("json", _json), ("ndjson", _ndjson)])
@pytest.mark.parametrize("compress", [False, True])
def test_every_resume_point_gives_the_rest(monkeypatch, kind, make, compress):
    monkeypatch.setattr(reader, "READ_BYTES", 7)  # records straddle every buffer boundary
    data = gzip.compress(make()) if compress else make()
    header, rows = _rows(data, kind)
    as_records = [{k: (int(v) if k == "nps" else v) for k, v in r.data.items()} for r in rows]
    assert as_records == RECORDS and [r.number for r in rows] == list(range(1, 41))
    for k in (1, 7, 39, 40):
        _, rest = _rows(data, kind, start=rows[k - 1].end_offset, header=header, first=k + 1, compressed=compress)
        assert [r.data for r in rest] == [r.data for r in rows[k:]]
        assert [r.number for r in rest] == list(range(k + 1, 41))


@pytest.mark.parametrize("data, kind, words", [
    (b"", "json", "empty"),
    (b"[1, 2,]", "json", "trailing comma"),
    (b"[1, 2", "json", "ends early"),
    (b"[1] [2]", "json", "after the JSON array"),
    (b'{"a": 1}\n{"a": 2}', "json", "NDJSON"),
    (b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", "json", "nested too deeply"),
    (b'a,b\n"unclosed,' + b"x\n" * 600_000, "csv", "malformed CSV"),  # the rest of the file in one field
    (b"", "csv", "empty"),
    (b",".join(b"column%d" % i for i in range(10_000)) + b"\nx\n", "csv", "header row is longer"),
    (b"x" * (reader.MAX_ROW_BYTES + 10), "ndjson", "longer than"),
    (b"channel\nweb\n\xff\xfe\n", "csv", "not UTF-8"),
])
def test_what_is_not_such_a_file_is_poison(data, kind, words):
    with pytest.raises(reader.PoisonFile, match=words):
        _rows(data, kind)


def test_a_truncated_gzip_and_binary_files_are_named():
    with pytest.raises(reader.PoisonFile, match="truncated"):
        _rows(gzip.compress(_ndjson())[:-20], "ndjson")
    for data, words in ((b"PK\x03\x04rest", "ZIP"), (b"%PDF-1.7", "PDF"), (b"abc\x00def", "NUL")):
        stream, _ = reader.open_stream(io.BytesIO(data), None)
        with pytest.raises(reader.PoisonFile, match=words):
            reader.sniff(stream)


def test_a_line_that_is_not_json_rejects_only_that_record():
    _, rows = _rows(b'{"a": 1}\nnot json\n{"a": 3}\n', "ndjson")
    assert [reader.is_malformed(r.data) for r in rows] == [None, "this line is not valid JSON", None]
    assert rows[2].data == {"a": 3} and rows[2].number == 3


def test_csv_cells_beyond_the_header_and_missing_cells_are_kept_as_the_sync_import_sees_them():
    _, rows = _rows(b"a,b\n1,2,3\n4\n", "csv")
    assert rows[0].data == {"a": "1", "b": "2", None: ["3"]} and rows[1].data == {"a": "4", "b": None}
