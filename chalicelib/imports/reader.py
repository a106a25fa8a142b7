"""Streaming reader of an import file: CSV (header row), a JSON array or NDJSON, each optionally
gzip (recognised by its magic bytes, whatever the declared type). Rows come one at a time with the
byte offset (in the decompressed file) where the next row starts, so a worker can checkpoint and a
later run can resume there. Memory is bounded by MAX_ROW_BYTES and the read buffer, never by the
file's size. Anything that is not such a file raises PoisonFile with a message for the DCXO. A JSON
array's rows come from json_array.py."""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator

from chalicelib.core import jsontext

MAX_ROW_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024  # the header is kept on the job item (DynamoDB items stay < 400 KB)
READ_BYTES = 256 * 1024
GZIP_MAGIC = b"\x1f\x8b"
_BINARY_MAGIC = {b"PK\x03\x04": "a ZIP archive (or an .xlsx workbook)", b"%PDF": "a PDF document",
                 b"\x89PNG": "a PNG image", b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook",
                 b"BZh": "a bzip2 archive", b"\xfd7zXZ": "an xz archive", b"7z\xbc\xaf": "a 7-Zip archive"}
FORMATS = {"text/csv": "csv", "application/json": "json", "application/x-ndjson": "ndjson"}


class PoisonFile(Exception):
    """The file cannot be imported; the message says why, for the person who uploaded it."""


def max_file_bytes() -> int:
    """The decompressed bytes a job reads at most (a gzip bomb stops here): default 10 GiB."""
    return int(os.environ.get("CXGOV_IMPORT_MAX_FILE_BYTES", str(10 * 1024 ** 3)))


def check_size(offset: int, limit: int) -> None:
    if offset > limit:
        raise PoisonFile(f"file_too_large: the file holds more than {limit:,} bytes once decompressed "
                         "(CXGOV_IMPORT_MAX_FILE_BYTES): split it into several jobs")


@dataclass
class Row:
    number: int  # 1 = the first record of the file
    kind: str  # "csv": a dict keyed by the header's names; "json": any JSON value
    data: Any
    end_offset: int  # where the next row starts (decompressed bytes)


class _Prefixed(io.RawIOBase):
    """A raw stream that first gives back the bytes already peeked from it."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = b""
        if self._head:
            n = min(len(buffer), len(self._head))
            data, self._head = self._head[:n], self._head[n:]
        if len(data) < len(buffer):
            data += self._rest.read(len(buffer) - len(data))
        buffer[:len(data)] = data
        return len(data)


class _Guarded(io.RawIOBase):
    """Turns the decompressor's errors into PoisonFile."""

    def __init__(self, inner: BinaryIO):
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._inner.read(len(buffer))
        except EOFError:
            raise PoisonFile("the gzip stream is truncated: the file ends before its end marker "
                             "(was the upload or the compression cut short?)")
        except (gzip.BadGzipFile, zlib.error, OSError) as exc:
            raise PoisonFile(f"the gzip data is corrupt ({exc})")
        buffer[:len(data)] = data
        return len(data)


def open_stream(raw: BinaryIO, compressed: bool | None) -> tuple[io.BufferedReader, bool]:
    """The decompressed byte stream of `raw` and whether it was gzip (`compressed=None`: look at the
    magic bytes; a resumed job passes what its first run found)."""
    if compressed is None:
        head = raw.read(2)
        while len(head) < 2:
            more = raw.read(2 - len(head))
            if not more:
                break
            head += more
        compressed = head == GZIP_MAGIC
        raw = _Prefixed(head, raw)
    if compressed:
        raw = _Guarded(gzip.GzipFile(fileobj=io.BufferedReader(raw, READ_BYTES), mode="rb"))
    return io.BufferedReader(raw, READ_BYTES), compressed


def skip(stream: io.BufferedReader, count: int) -> None:
    """Reads and drops `count` bytes (resuming a compressed file, which cannot seek)."""
    while count > 0:
        data = stream.read(min(count, READ_BYTES))
        if not data:
            raise PoisonFile("the file is shorter than the position the import had reached "
                             "(was it replaced?)")
        count -= len(data)


def sniff(stream: io.BufferedReader) -> None:
    """Refuses binary files before parsing: known magic numbers, or a NUL byte at the start."""
    head = stream.peek(8192)[:8192]
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise PoisonFile(f"the file is {what}, not text: send CSV, a JSON array or NDJSON "
                             "(UTF-8, optionally gzip)")
    if b"\x00" in head:
        raise PoisonFile("the file is binary (it holds NUL bytes), not UTF-8 text: send CSV, "
                         "a JSON array or NDJSON (optionally gzip)")


def _lines(stream: io.BufferedReader, start: int, state: dict) -> Iterator[str]:
    """Decoded lines, each at most MAX_ROW_BYTES; `state["offset"]` is the end of the last one."""
    offset, number, limit = start, 0, max_file_bytes()
    while True:
        line = stream.readline(MAX_ROW_BYTES + 1)
        if not line:
            return
        check_size(offset + len(line), limit)
        number += 1
        if len(line) > MAX_ROW_BYTES and not line.endswith(b"\n"):
            raise PoisonFile(f"a line is longer than {MAX_ROW_BYTES // 1024} KiB (near byte {offset}): "
                             "one record per line is expected - is this a file without line breaks?")
        try:
            text = line.decode("utf-8-sig" if offset == 0 else "utf-8")
        except UnicodeDecodeError:
            raise PoisonFile(f"the text near byte {offset} is not UTF-8: export the file as UTF-8")
        offset += len(line)
        state["offset"] = offset
        yield text


def csv_header(stream: io.BufferedReader) -> tuple[list[str], int]:
    """The header row's names and the offset of the first data row."""
    state = {"offset": 0}
    reader = csv.reader(_lines(stream, 0, state))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise PoisonFile(f"the CSV header row is malformed: {exc}")
    if not header or not any(name.strip() for name in header):
        raise PoisonFile("the file is empty: a CSV import needs a header row naming the fields")
    if state["offset"] > MAX_HEADER_BYTES:
        raise PoisonFile(f"the CSV header row is longer than {MAX_HEADER_BYTES // 1024} KiB")
    names = [name.strip() for name in header]
    repeated = next((name for n, name in enumerate(names) if name and name in names[:n]), None)
    if repeated is not None:
        raise PoisonFile(f"duplicate_column: the CSV header names the column {repeated[:200]!r} twice: "
                         "which cell is the field's value would be a guess; name it once")
    return names, state["offset"]


def csv_rows(stream: io.BufferedReader, header: list[str], start: int, first_number: int) -> Iterator[Row]:
    csv.field_size_limit(MAX_ROW_BYTES)
    state = {"offset": start}
    reader = csv.reader(_lines(stream, start, state))
    number = first_number
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PoisonFile(f"malformed CSV at record {number}: {exc} (an unclosed quote?)")
        if not cells:
            continue  # blank line
        data: dict[Any, Any] = dict(zip(header, cells))
        if len(cells) > len(header):
            data[None] = cells[len(header):]
        for name in header[len(cells):]:
            data[name] = None
        yield Row(number, "csv", data, state["offset"])
        number += 1


def ndjson_rows(stream: io.BufferedReader, start: int, first_number: int) -> Iterator[Row]:
    state = {"offset": start}
    number = first_number
    for line in _lines(stream, start, state):
        if not line.strip():
            continue
        data = parse_record(line)
        yield Row(number, "json", data, state["offset"])
        number += 1


def parse_record(text: str) -> Any:
    """One NDJSON record, or a _Malformed naming why the row is rejected."""
    try:
        data = json.loads(text, object_pairs_hook=jsontext.unique_pairs)
    except jsontext.DuplicateKey as exc:
        return _Malformed(f"the key {exc.key[:200]!r} is given twice in this record: give it once")
    except (ValueError, RecursionError):
        return _Malformed("this line is not valid JSON")
    return checked(data)


def checked(data: Any) -> Any:
    if jsontext.depth(data) > jsontext.MAX_DEPTH:
        return _Malformed(f"this record nests more than {jsontext.MAX_DEPTH} levels deep")
    return data


class _Malformed:
    """A record that could not be parsed; the import rejects it as a row, naming why."""

    def __init__(self, message: str):
        self.message = message


def rejected(message: str) -> Any:
    return _Malformed(message)


def is_malformed(data: Any) -> str | None:
    return data.message if isinstance(data, _Malformed) else None
