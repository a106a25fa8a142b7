"""The elements of a top-level JSON array, one at a time, from a byte stream: `json`'s own C
parser (`raw_decode`) on a sliding text buffer, with the byte offset after each element (where a
resumed read starts, expecting `,` or `]`). An element may be up to MAX_ROW_BYTES; a whole array on
one line is fine. `json_rows` gives them as the reader's rows (reader.py reads CSV and NDJSON)."""
from __future__ import annotations

import codecs
import io
import json
from typing import Any, Iterator

from chalicelib.core import jsontext
from chalicelib.imports import reader
from chalicelib.imports.reader import PoisonFile, Row

_WHITESPACE = " \t\r\n"


class JsonArray:

    def __init__(self, stream: io.BufferedReader, start: int, resumed: bool):
        self.stream, self.eof = stream, False
        self.decoder = codecs.getincrementaldecoder("utf-8-sig" if start == 0 else "utf-8")()
        self.text, self.pos = "", 0
        self.mark, self.mark_offset = 0, start  # text[mark] is at byte mark_offset
        self.state = "after" if resumed else "start"
        self.repeated: list[str] = []  # keys given twice in the element being read
        self.json = json.JSONDecoder(object_pairs_hook=self._pairs)
        self.limit, self.read_to = reader.max_file_bytes(), start  # decompressed bytes read so far

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        try:
            return jsontext.unique_pairs(pairs)
        except jsontext.DuplicateKey as exc:
            self.repeated.append(exc.key)
            return dict(pairs)

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.stream.read(reader.READ_BYTES)
        self.read_to += len(data)
        reader.check_size(self.read_to, self.limit)
        try:
            self.text += self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise PoisonFile(f"the text near byte {self.mark_offset} is not UTF-8: export the file as UTF-8")
        if not data:
            self.eof = True
        if self.mark > reader.READ_BYTES:  # drop what was read
            self.mark_offset = self.offset_at(self.pos)
            self.text, self.pos, self.mark = self.text[self.pos:], 0, 0
        return True

    def offset_at(self, index: int) -> int:
        self.mark_offset += len(self.text[self.mark:index].encode())
        self.mark = index
        return self.mark_offset

    def _next_char(self) -> str | None:
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return None

    def _element(self) -> Any:
        problem = "incomplete"
        while True:
            try:
                self.repeated.clear()
                value, end = self.json.raw_decode(self.text, self.pos)
                if end < len(self.text) or self.eof:  # a number at the buffer's end may go on
                    self.pos = end
                    if self.repeated:  # the row is rejected naming the key, the file goes on
                        return reader.rejected(f"the key {self.repeated[0][:200]!r} is given twice in "
                                               "this record: give it once")
                    return reader.checked(value)
            except ValueError as exc:
                problem = getattr(exc, "msg", str(exc))
                if self.eof:
                    raise PoisonFile(f"malformed JSON near byte {self.offset_at(self.pos)}: {problem}")
            except RecursionError:
                raise PoisonFile(f"a JSON element near byte {self.offset_at(self.pos)} is nested too deeply")
            if len(self.text) - self.pos > reader.MAX_ROW_BYTES:
                raise PoisonFile(f"malformed JSON, or an element larger than {reader.MAX_ROW_BYTES // 1024} KiB, "
                                 f"near byte {self.offset_at(self.pos)}: {problem}")
            self._more()

    def values(self) -> Iterator[tuple[Any, int]]:
        char = self._next_char()
        if self.state == "start":
            if char is None:
                raise PoisonFile("the file is empty: a JSON import is an array of records")
            if char != "[":
                hint = (" (one object per line is NDJSON: declare application/x-ndjson)"
                        if char == "{" else "")
                raise PoisonFile(f"the file is not a JSON array: it starts with {char!r}{hint}")
            self.pos += 1
            char = self._next_char()
            if char == "]":
                self.pos += 1
                return self._end()
        else:
            if char == "]":
                self.pos += 1
                return self._end()
            if char != ",":
                raise PoisonFile("the JSON array ends early (truncated file?)" if char is None else
                                 f"malformed JSON near byte {self.offset_at(self.pos)}: expected ',' or ']'")
            self.pos += 1
            char = self._next_char()
        while True:
            if char is None or char == "]":
                raise PoisonFile("the JSON array ends early (truncated file?)" if char is None else
                                 f"malformed JSON near byte {self.offset_at(self.pos)}: a trailing comma")
            value = self._element()
            yield value, self.offset_at(self.pos)
            char = self._next_char()
            if char == "]":
                self.pos += 1
                return self._end()
            if char != ",":
                raise PoisonFile("the JSON array ends early (truncated file?)" if char is None else
                                 f"malformed JSON near byte {self.offset_at(self.pos)}: expected ',' or ']'")
            self.pos += 1
            char = self._next_char()

    def _end(self) -> None:
        if self._next_char() is not None:
            raise PoisonFile(f"unexpected content after the JSON array near byte {self.offset_at(self.pos)}")


def json_rows(stream: io.BufferedReader, start: int, first_number: int) -> Iterator[Row]:
    number = first_number
    for value, end in JsonArray(stream, start, resumed=start > 0).values():
        yield Row(number, "json", value, end)
        number += 1
