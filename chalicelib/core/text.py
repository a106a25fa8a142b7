"""Characters no text of the API may hold (issue 25): C0 controls but tab, line feed and carriage
return, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069) that make text read differently than it is stored. Input strips them from every
string of every body (core/schemas.InputModel); CSV exports strip them too, so text stored before
that rule is not exported with them either."""
from __future__ import annotations

import re

CONTROL_CHARACTERS = ([c for c in range(0x20) if chr(c) not in "\t\n\r"] + list(range(0x7F, 0xA0))
                      + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A)))
CONTROLS = re.compile("[" + "".join(re.escape(chr(c)) for c in CONTROL_CHARACTERS) + "]")


def has_controls(text: str) -> bool:
    return CONTROLS.search(text) is not None


def strip_controls(text: str) -> str:
    return CONTROLS.sub("", text)
